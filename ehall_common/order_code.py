# SPDX-License-Identifier: Apache-2.0
"""The 查询码 of a work order, shared by the kiosk (which makes it) and the hub (which keeps only
its hash): 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
``secrets``, about 49 bits. The kiosk makes it so a receipt can be printed while the hub is
unreachable; the record carries only the code's SHA-256, so neither the kiosk's outbox nor the
hub's database holds a code that opens a status page."""
from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(code: str) -> str:
    """What a citizen typed, as it was made: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in str(code).strip().upper() if ch not in " -\u3000")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def shown(code: str) -> str:
    """``ABCDE FGHJK``: easier to read aloud and to type."""
    return f"{code[:5]} {code[5:]}"


def is_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
