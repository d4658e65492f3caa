# SPDX-License-Identifier: Apache-2.0
"""Overwrite the bytes of a str/bytes/bytearray holding card data before it is dropped.

CPython frees an object without erasing it: the text stays in freed memory until reused.
``scrub`` zeroes the character data in place (ctypes.memset) so the freed block holds zeros.
Only for objects this code created and is about to drop: never for strings of length < 3
(CPython shares 1-character strings and may share short literals), never for interned ones
it cannot know about; callers pass decoded card fields and protocol buffers only.
See docs/privacy.md ("Limits").
"""
from __future__ import annotations

import ctypes
import sys

def _str_data(s: str) -> tuple[int, int]:
    """(address, byte length) of a compact str's character data."""
    kind = 1 if max(s) <= "\xff" else (2 if max(s) <= "\uffff" else 4)
    size = sys.getsizeof(s)
    nbytes = len(s) * kind
    return id(s) + size - nbytes - kind, nbytes     # the data ends with one NUL character


def scrub(value) -> None:
    """Zero ``value``'s contents in place (bytearray: zero and clear). Never raises."""
    try:
        if isinstance(value, bytearray):
            value[:] = bytes(len(value))
            value.clear()
        elif type(value) is bytes and len(value) >= 3:
            ctypes.memset(id(value) + sys.getsizeof(value) - len(value) - 1, 0, len(value))
        elif type(value) is str and len(value) >= 3 and sys.getrefcount(value) <= 4:
            addr, n = _str_data(value)
            ctypes.memset(addr, 0, n)
    except Exception:  # noqa: BLE001 - erasing is best effort and must never break a wipe
        pass
