# SPDX-License-Identifier: Apache-2.0
"""Photos with a work order (the kiosk's document camera, at most ``MAX_PHOTOS``): each one a
JPEG of at most ``MAX_PHOTO_BYTES``, checked here by decoding it with Pillow (a corrupt file, a
PNG called .jpg or a decompression bomb is refused with a message naming the photo), so the
console only ever serves real JPEGs. They are stored with the order (``order_photos``, deleted
with it) and shown only to a logged-in helper (helpdesk/orders_console.py)."""
from __future__ import annotations

import base64
import binascii
import io
from typing import Any

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 200_000          # a desk page at 1280 px, JPEG quality 75, is about 120 kB
MAX_PIXELS = 4096 * 4096


class PhotoError(ValueError):
    """A photo the hub refuses; the text names it (photos[1]) and says why."""


def check_photos(raw: Any) -> list[bytes]:
    """The order's ``photos`` (base64 JPEGs) as bytes, or PhotoError."""
    from PIL import Image, UnidentifiedImageError

    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PHOTOS:
        raise PhotoError(f"photos: a list of at most {MAX_PHOTOS} base64 JPEGs")
    out = []
    for n, text in enumerate(raw):
        try:
            data = base64.b64decode(str(text), validate=True)
        except (binascii.Error, ValueError):
            raise PhotoError(f"photos[{n}]: not base64") from None
        if len(data) > MAX_PHOTO_BYTES:
            raise PhotoError(f"photos[{n}]: {len(data)} bytes, at most {MAX_PHOTO_BYTES}")
        try:
            with Image.open(io.BytesIO(data)) as img:
                if img.format != "JPEG":
                    raise PhotoError(f"photos[{n}]: a JPEG is required, not {img.format}")
                if img.width * img.height > MAX_PIXELS:
                    raise PhotoError(f"photos[{n}]: {img.width}x{img.height} is too many pixels")
                img.load()                        # decodes it all: a bad scan fails here
            if not data.rstrip(b"\0").endswith(b"\xff\xd9"):
                # a truncated file: Pillow only says so while ImageFile.LOAD_TRUNCATED_IMAGES
                # is off, and face_recognition turns it on for the whole process at import
                raise PhotoError(f"photos[{n}]: not a readable JPEG (it stops short)")
        except PhotoError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise PhotoError(f"photos[{n}]: not a readable JPEG") from None
        out.append(data)
    return out
