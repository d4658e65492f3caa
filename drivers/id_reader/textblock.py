# SPDX-License-Identifier: Apache-2.0
"""The 256-byte card text block: the four layouts, UCS-2 fields, dates, GB 11643 check digit.

Layouts are data (offset, size in bytes) copied from spec sections 5.4–5.7.
:func:`decode_card` validates everything it returns and raises only
:class:`DeviceError`; :func:`encode_text_block` is its inverse (used by the
simulator and tests) and raises ValueError for data that does not fit.
"""
from __future__ import annotations

import datetime as dt
import re

from drivers.base import DeviceError

from . import errors as E
from .card import CardType, IdCard
from .protocol import TEXT_SIZE
from .scrub import scrub

MARKER_OFFSET = 248
LONG_TERM = "长期"

# field name -> (offset, size in bytes).  "name_en2" continues name_en on 2023 cards.
LAYOUTS: dict[CardType, dict[str, tuple[int, int]]] = {
    CardType.RESIDENT: {
        "name": (0, 30), "sex": (30, 2), "nation_code": (32, 4), "birth_date": (36, 16),
        "address": (52, 70), "number": (122, 36), "authority": (158, 30),
        "valid_from": (188, 16), "valid_until": (204, 16),
    },
    CardType.HMT_PERMIT: {
        "name": (0, 30), "sex": (30, 2), "birth_date": (36, 16), "address": (52, 70),
        "number": (122, 36), "authority": (158, 30), "valid_from": (188, 16),
        "valid_until": (204, 16), "permit_number": (220, 18), "issue_count": (238, 4),
    },
    CardType.FOREIGNER_2017: {
        "name_en": (0, 120), "sex": (120, 2), "number": (122, 30), "nationality": (152, 6),
        "name": (158, 30), "valid_from": (188, 16), "valid_until": (204, 16),
        "birth_date": (220, 16), "card_version": (236, 4), "authority_code": (240, 8),
    },
    CardType.FOREIGNER_2023: {
        "name": (0, 30), "sex": (30, 2), "renewal_count": (32, 4), "birth_date": (36, 16),
        "name_en": (52, 70), "number": (122, 36), "valid_from": (188, 16),
        "valid_until": (204, 16), "name_en2": (220, 22), "nationality": (242, 6),
        "previous_number_link": (250, 6),
    },
}
_DATES = ("birth_date", "valid_from", "valid_until")

# -- GB 11643 / ISO 7064 MOD 11-2 (section 9) ---------------------------------
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"\d{17}[\dX]")


def id_check_char(first17: str) -> str:
    """Check character for the first 17 digits of an 18-character number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def is_valid_id_number(number: str) -> bool:
    """True if ``number`` is 18 characters with a correct GB 11643 check character (x accepted as X)."""
    number = number.upper()
    return bool(_ID18.fullmatch(number)) and number.isascii() and id_check_char(number[:17]) == number[17]


# -- fields -----------------------------------------------------------------
def decode_ucs2(raw: bytes) -> str:
    """Fixed-width UCS-2 LE field → str with trailing U+0020/U+0000 padding removed. Raises IDR_BAD_TEXT."""
    try:
        text = bytes(raw).decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise DeviceError(E.IDR_BAD_TEXT, f"undecodable UCS-2 at byte {exc.start}") from None
    padded, text = text, text.rstrip(" \x00")
    if padded is not text:
        scrub(padded)              # the padded copy would keep the field in freed memory
    del padded
    if any(ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise DeviceError(E.IDR_BAD_TEXT, "control character in a text field")
    return text


def encode_ucs2(text: str, size: int) -> bytes:
    raw = text.encode("utf-16-le")
    if len(raw) > size or any(ord(ch) > 0xFFFF for ch in text):
        raise ValueError(f"{len(text)} characters do not fit a {size // 2}-character UCS-2 field")
    return raw + b"\x20\x00" * ((size - len(raw)) // 2)


def parse_date(text: str, what: str) -> dt.date:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise DeviceError(E.IDR_BAD_DATE, f"{what} is not YYYYMMDD")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise DeviceError(E.IDR_BAD_DATE, f"{what} is not a calendar date") from None


def parse_end_date(text: str) -> dt.date | None:
    """Validity end: a date, or None for long-term (长期 or any non-digit content, spec 5.2)."""
    if text and not all(ch.isascii() and ch.isdigit() for ch in text):
        return None
    return parse_date(text, "validity end date")


def card_type_of(text: bytes) -> CardType:
    marker = bytes(text[MARKER_OFFSET:MARKER_OFFSET + 2])
    if marker in (b"\x20\x00", b"\x00\x00"):
        return CardType.RESIDENT
    for kind in (CardType.FOREIGNER_2017, CardType.FOREIGNER_2023, CardType.HMT_PERMIT):
        if marker == kind.value.encode("utf-16-le"):
            return kind
    raise DeviceError(E.IDR_UNKNOWN_CARD_TYPE, f"marker bytes {marker.hex(' ')}")


def decode_card(text: bytes, photo: bytes = b"", fingerprint: bytes = b"") -> IdCard:
    """Decode and validate a text block. Raises DeviceError; never returns a card with a bad number."""
    if len(text) != TEXT_SIZE:
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"text block of {len(text)} bytes, expected {TEXT_SIZE}")
    kind = card_type_of(text)
    values = {}
    for name, (off, size) in LAYOUTS[kind].items():
        raw = text[off:off + size]
        values[name] = decode_ucs2(raw)
        scrub(raw)                 # the slice is a copy of the field: zeroed before it is freed
    del raw
    if "name_en2" in values:  # the 2023 card splits the English name over two fields (5.6)
        raw = text[52:122] + text[220:242]
        values["name_en"] = decode_ucs2(raw)
        del values["name_en2"]
    dates = {
        "birth_date": parse_date(values.pop("birth_date"), "birth date"),
        "valid_from": parse_date(values.pop("valid_from"), "validity start date"),
        "valid_until": parse_end_date(values.pop("valid_until")),
    }
    raw_number = values["number"]
    values["number"] = raw_number.upper()
    if values["number"] is not raw_number:
        scrub(raw_number)                  # freed, it would keep the number: zeroed first
    del raw_number
    checked = _check_number(kind, values["number"], dates["birth_date"])
    return IdCard(card_type=kind, **values, **dates, photo_wlt=bytes(photo),
                  fingerprint=bytes(fingerprint), check_digit_valid=checked)


def _check_number(kind: CardType, number: str, birth: dt.date) -> bool | None:
    if kind is CardType.FOREIGNER_2017:
        if not re.fullmatch(r"[A-Z]{3}\d{12}", number):
            raise DeviceError(E.IDR_BAD_NUMBER, f"2017 foreigner number has {len(number)} chars, expected 3 letters + 12 digits")
        return None
    if not _ID18.fullmatch(number) or not number.isascii():
        raise DeviceError(E.IDR_BAD_NUMBER, f"{len(number)} characters, expected 17 digits + check")
    prefixes = {CardType.HMT_PERMIT: ("81", "82", "83"), CardType.FOREIGNER_2023: ("9",)}.get(kind)
    if prefixes and not number.startswith(prefixes):
        raise DeviceError(E.IDR_BAD_NUMBER, f"{kind.name} number must start with {'/'.join(prefixes)}")
    if id_check_char(number[:17]) != number[17]:
        raise DeviceError(E.IDR_BAD_CHECK_DIGIT, "check character does not match")
    # The spec gives the birth date's position for resident and J numbers only; the 2023
    # foreigner number's inner layout is not in it, so that card is not cross-checked.
    if kind in (CardType.RESIDENT, CardType.HMT_PERMIT) and number[6:14] != birth.strftime("%Y%m%d"):
        raise DeviceError(E.IDR_FIELD_MISMATCH, "birth date in number vs birth-date field")
    return True


def encode_text_block(card: IdCard) -> bytes:
    """Build the 256-byte text block for ``card`` (inverse of :func:`decode_card`)."""
    block = bytearray(b"\x20\x00" * (TEXT_SIZE // 2))
    layout = LAYOUTS[card.card_type]
    for name, (off, size) in layout.items():
        if name == "name_en2":
            continue
        value = getattr(card, name)
        if name in _DATES:
            value = LONG_TERM if value is None else value.strftime("%Y%m%d")
        if name == "name_en" and "name_en2" in layout:
            value, rest = value[:size // 2], value[size // 2:]
            block[220:242] = encode_ucs2(rest, 22)
        block[off:off + size] = encode_ucs2(value, size)
    if card.card_type is not CardType.RESIDENT:
        block[MARKER_OFFSET:MARKER_OFFSET + 2] = card.card_type.value.encode("utf-16-le")
    return bytes(block)
