# SPDX-License-Identifier: Apache-2.0
"""The citizen tag: what lets an identified citizen find their own work orders by ID card
(查看我的工单, docs/workorders.md) without the ID number ever leaving the identity worker.

The identity worker (kiosk/identity_worker.py) makes it when a card is read: HMAC-SHA256 of the
card's number under the hall's tag key (``records.citizen_tag_key_file``: the same file on every
kiosk of the hall, so a card finds at one kiosk what was filed at another). The core and the UI
get only the tag (64 hex digits): it neither equals nor contains the number, and without the key
it cannot be recomputed from a number (an ID number has too few possibilities to hide behind a
plain hash). An order carries it only when the citizen agreed on the summary (default: no); the
hub keeps it keyed again with the orders' key. No Kivy, no imports beyond the standard library
(the worker loads this).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

KEY_WORDS = "64 hex digits (32 random bytes), as `ehall-kiosk records tagkey FILE` writes them"
DOMAIN = b"ehall-citizen-tag-v1:"


def citizen_tag(number: str, key: bytes) -> str:
    """The tag of an ID number under the hall's key (upper case, spaces ignored: an ``x`` check
    digit is the same card)."""
    if len(key) < 32:
        raise ValueError("the tag key is 32 bytes")
    clean = "".join(number.split()).upper()
    return hmac.new(key, DOMAIN + clean.encode("utf-8"), hashlib.sha256).hexdigest()


def new_tag_key() -> bytes:
    return secrets.token_bytes(32)


def parse_tag_key(text: str) -> bytes:
    value = text.strip()
    if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise ValueError("it does not hold just " + KEY_WORDS)
    return bytes.fromhex(value)


def read_tag_key(path: str | Path) -> bytes:
    """The key from its file: OSError when unreadable, ValueError when it is not a key or others may
    read it (like the outbox's key, it is the kiosk user's only: mode 0600 or 0400)."""
    p = Path(path)
    if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"others may read it (mode {stat.S_IMODE(p.stat().st_mode):o}); chmod 600 it")
    return parse_tag_key(p.read_text(encoding="ascii", errors="replace"))


def write_tag_key(path: str | Path) -> Path:
    """A new key file (0600); refuses to overwrite one (every kiosk of the hall needs the same)."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(new_tag_key().hex() + "\n")
    return p
