# SPDX-License-Identifier: Apache-2.0
"""Contact phone numbers as a helper can dial them: mainland mobile or landline, ASCII digits."""
from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}$")
_SERVICE = re.compile(r"^(400|800)-?[0-9]{3}-?[0-9]{4}$")


def normalise_phone(text: str) -> str | None:
    """The number as it will be dialled (``13812345678``, ``0631-5201234``), or None when it is none.

    Full-width digits are read as digits (NFKC) and spaces, dots and brackets dropped, so what a
    citizen typed on any keyboard counts; anything that is not then ASCII is refused (no
    Arabic-Indic digits a helper's phone cannot dial). ``+86`` / ``86`` in front of a mobile goes.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\s().\u3000]", "", s)
    if not s.isascii():
        return None
    mobile = re.sub(r"^(\+?86)(?=1[3-9][0-9]{9}$)", "", s.replace("-", ""))
    if _MOBILE.match(mobile):
        return mobile
    if _LANDLINE.match(s) or _SERVICE.match(s):
        digits = s.replace("-", "")
        if _LANDLINE.match(s):
            area = 3 if digits[:3] in {"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"} else 4
            return f"{digits[:area]}-{digits[area:]}"
        return s
    return None


def mask_phone(phone: str) -> str:
    """``138****5678`` / ``0631-****234``: what a screen or a log may show."""
    if len(phone) >= 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    head, _, tail = phone.partition("-")
    return f"{head}-{'*' * max(0, len(tail) - 3)}{tail[-3:]}" if tail else "*" * len(phone)
