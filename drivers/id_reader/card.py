# SPDX-License-Identifier: Apache-2.0
"""The decoded identity document, with masking that keeps citizens' data out of logs.

``repr()``/``str()`` of an :class:`IdCard` show only the card type and masked
name and number, so logging a card (or an exception holding one) cannot leak
the clear name, number, address or dates.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, fields

from .nations import nation_name


class CardType(enum.Enum):
    """The four documents a SAM reader returns (spec 5.3); value = marker at text offset 248."""
    RESIDENT = " "            # 居民身份证
    FOREIGNER_2017 = "I"      # 外国人永久居留身份证 (2017)
    FOREIGNER_2023 = "Y"      # 外国人永久居留身份证 (2023)
    HMT_PERMIT = "J"          # 港澳台居民居住证

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CardType.RESIDENT: "resident ID card (居民身份证)",
    CardType.FOREIGNER_2017: "foreign permanent residence ID card 2017 (外国人永久居留身份证 2017版)",
    CardType.FOREIGNER_2023: "foreign permanent residence ID card 2023 (外国人永久居留身份证 2023版)",
    CardType.HMT_PERMIT: "HK/Macau/Taiwan residence permit (港澳台居民居住证)",
}

SEX_TEXT = {"0": "unknown", "1": "male", "2": "female", "9": "unspecified"}  # GB/T 2261.1


def mask_name(name: str) -> str:
    """``张三丰`` → ``张*丰``, ``张三`` → ``张*``, ``欧阳小明`` → ``欧**明``; one character → ``*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_number(number: str) -> str:
    """``370102199001011234`` → ``3701**********1234`` (first 4 and last 4 kept); ≤ 8 chars → all stars."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_address(address: str) -> str:
    """``北京市东城区景山前街4号`` → ``北京市********``: the first 3 characters (the province or city) kept."""
    address = address.strip()
    return address[:3] + "*" * min(8, max(0, len(address) - 3)) if address else ""


@dataclass(repr=False)
class IdCard:
    """Fields decoded from the 256-byte text block (spec 5.4–5.7); dates as ``datetime.date``.

    ``valid_until`` is None for a long-term (长期) document.  Fields that a
    document type does not carry are empty strings.  ``check_digit_valid`` is
    True when the number passed GB 11643 (a failing number is never turned
    into an IdCard: decoding raises IDR_BAD_CHECK_DIGIT) and None where the
    document has no check digit (2017 foreigner card).
    """
    card_type: CardType
    name: str                      # Chinese name (2017 foreigner card: may be empty)
    sex: str                       # code, see SEX_TEXT
    birth_date: dt.date
    number: str
    valid_from: dt.date
    valid_until: dt.date | None
    name_en: str = ""              # foreigner cards
    nation_code: str = ""          # resident card
    address: str = ""              # resident card, HMT permit
    authority: str = ""            # resident card, HMT permit
    nationality: str = ""          # foreigner cards (3-letter code)
    permit_number: str = ""        # HMT permit: travel permit number
    issue_count: str = ""          # HMT permit
    renewal_count: str = ""        # 2023 foreigner card
    card_version: str = ""         # 2017 foreigner card
    authority_code: str = ""       # 2017 foreigner card
    previous_number_link: str = ""  # 2023 foreigner card
    photo_wlt: bytes = b""         # 1024 bytes of vendor-compressed photo; see photo.py
    fingerprint: bytes = b""       # 0, 512 or 1024 bytes of templates (read with fingerprint only)
    appended_addresses: list[str] = field(default_factory=list)  # 住址变更 records, newest last
    check_digit_valid: bool | None = None

    # -- derived --------------------------------------------------------
    @property
    def sex_text(self) -> str:
        return SEX_TEXT.get(self.sex, f"code {self.sex}")

    @property
    def nation(self) -> str:
        return nation_name(self.nation_code) if self.nation_code else ""

    @property
    def display_name(self) -> str:
        return self.name or self.name_en

    @property
    def long_term(self) -> bool:
        return self.valid_until is None

    def is_expired(self, today: dt.date | None = None) -> bool:
        """True when ``today`` (default: the local date) is after the validity end date."""
        if self.valid_until is None:
            return False
        return (today or dt.date.today()) > self.valid_until

    # -- privacy --------------------------------------------------------
    def masked_name(self) -> str:
        return mask_name(self.display_name)

    def masked_number(self) -> str:
        return mask_number(self.number)

    def masked_address(self) -> str:
        return mask_address(self.address)

    def validity_text(self) -> str:
        """``2016.01.01-2036.01.01`` as printed on the card (``-长期`` for a long-term one)."""
        if not self.valid_from:
            return ""
        until = self.valid_until.strftime("%Y.%m.%d") if self.valid_until else "长期"
        return f"{self.valid_from.strftime('%Y.%m.%d')}-{until}"

    def masked_validity(self) -> str:
        """The years only: ``2016.**.**-2036.**.**``."""
        text = self.validity_text()
        return "-".join(part if part == "长期" else part[:4] + ".**.**" for part in text.split("-")) if text else ""

    def wipe(self) -> None:
        """Drop every personal field (strings emptied, bytes dropped, dates reset).

        Each str/bytes is overwritten in place first (:func:`scrub`), so the freed
        memory holds zeros rather than the text; see docs/privacy.md for the limits.
        """
        from .scrub import scrub
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, "")
                scrub(value)
            elif isinstance(value, (bytes, bytearray)):
                setattr(self, f.name, b"")
                scrub(value)
            elif isinstance(value, list):
                for item in value:
                    scrub(item)
                value.clear()
            elif isinstance(value, dt.date):
                setattr(self, f.name, dt.date.min)
        self.check_digit_valid = None

    def __repr__(self) -> str:
        return (f"IdCard(type={self.card_type.name}, name={self.masked_name()!r}, "
                f"number={self.masked_number()!r})")

    __str__ = __repr__
