# SPDX-License-Identifier: Apache-2.0
"""What the driver read from a card, staff-badge rules, and masking for logs.

``repr()`` of a :class:`SmartCard` shows the ATR summary, the kind and the UID and
social-security card number masked, so logging a card cannot leak them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from drivers.base import DeviceError

from . import errors as X
from .apdu import AtrInfo


def mask_hex(value: bytes | str | None, keep: int = 4) -> str:
    """``04A1B2C3D4`` → ``******C3D4``: only the last ``keep`` hex digits stay."""
    if value is None:
        return "-"
    text = value.hex().upper() if isinstance(value, (bytes, bytearray)) else str(value)
    return "*" * max(0, len(text) - keep) + text[-keep:] if len(text) > keep else "*" * len(text)


class CardKind:
    SOCIAL_SECURITY = "social_security"   # SSSE application found (社会保障卡)
    STORAGE = "contactless_storage"       # PC/SC Part 3 storage card (MIFARE ...)
    PROCESSOR = "processor"               # any other ISO 7816 / 14443-4 card
    UNREADABLE = "unreadable"             # ATR not parseable


@dataclass(frozen=True, repr=False)
class SmartCard:
    """One inserted card.  ``uid`` is None when the reader does not support ``FF CA``;
    ``ssc_number`` is the 9-character 社会保障卡 card number (卡号) when readable without keys."""
    reader: str
    atr: bytes
    atr_info: AtrInfo | None
    uid: bytes | None
    kind: str
    storage_name: str | None = None
    ssc_number: str | None = None
    staff_id: str | None = None

    @property
    def is_staff_badge(self) -> bool:
        return self.staff_id is not None

    def masked_uid(self) -> str:
        return mask_hex(self.uid)

    def masked_ssc_number(self) -> str:
        return mask_hex(self.ssc_number)

    def __repr__(self) -> str:
        return (f"SmartCard(kind={self.kind}, atr={self.atr.hex().upper()}, uid={self.masked_uid()}, "
                f"ssc={self.masked_ssc_number()}, staff={'yes' if self.staff_id else 'no'})")

    __str__ = __repr__


_BADGE = re.compile(r"^(uid|atr):([0-9A-Fa-f: ]+?)(\*?)(?:=([\w.\-]{1,40}))?$")


@dataclass(frozen=True)
class BadgeRule:
    field: str        # "uid" or "atr"
    value: bytes
    prefix: bool      # "atr:3B8F80*" matches every ATR starting with those bytes
    staff_id: str

    def matches(self, atr: bytes, uid: bytes | None) -> bool:
        have = atr if self.field == "atr" else uid
        if have is None:
            return False
        return have.startswith(self.value) if self.prefix else have == self.value


def parse_badges(entries: list[str] | tuple[str, ...]) -> tuple[BadgeRule, ...]:
    """``["uid:04A1B2C3D4", "atr:3B8F8001*=desk-2"]`` → rules; raises DeviceError(SC_BAD_STAFF_BADGE).

    The staff id is the part after ``=``; without one it is the entry itself
    (``uid:04A1B2C3D4``) — a badge UID, still never written to logs in clear.
    """
    rules = []
    for n, entry in enumerate(entries):
        m = _BADGE.match(entry.strip()) if isinstance(entry, str) else None
        digits = re.sub(r"[: ]", "", m.group(2)) if m else ""
        if not m or not digits or len(digits) % 2:
            raise DeviceError(X.SC_BAD_STAFF_BADGE, f"entry {n + 1}: {str(entry)[:60]!r}")
        field, value = m.group(1), bytes.fromhex(digits)
        rules.append(BadgeRule(field, value, bool(m.group(3)),
                               m.group(4) or f"{field}:{value.hex().upper()}{m.group(3)}"))
    return tuple(rules)


def match_badge(rules: tuple[BadgeRule, ...], atr: bytes, uid: bytes | None) -> str | None:
    """The staff id of the first matching rule (UID rules before ATR rules), else None."""
    for rule in sorted(rules, key=lambda r: r.field != "uid"):
        if rule.matches(atr, uid):
            return rule.staff_id
    return None
