# SPDX-License-Identifier: Apache-2.0
"""The few ESC/POS commands the encoder needs that are not plain bytes: a raster image, a
native QR code and the cut, byte for byte as python-escpos 3.1 builds them on ``Dummy``
(``Escpos.image(impl="bitImageRaster", center=False)``, ``Escpos.qr(native=True)``,
``Escpos.cut()``; python-escpos is MIT licensed, (c) 2012-2023 Bashlinux and python-escpos;
``EscposImage`` (c) 2016 Michael Billington). Written out here so that printing a receipt
does not import python-escpos: its import loads its printer database (a YAML file, ~4 MB)
and every transport (USB, serial, CUPS) with PIL, barcode and qrcode, ~11 MB held all day
(issue 18). ``tests/printing/test_prn_escpos_bytes.py`` compares these with python-escpos.
"""
from __future__ import annotations

from typing import Any

ESC, GS = b"\x1b", b"\x1d"
FRAGMENT_HEIGHT = 960       # python-escpos sends taller images in slices of this many rows
CUT_FEED_LINES = 6          # cut(): ESC d 6 before GS V
QR_MODEL_2 = 2


def _low_high(n: int, size: int) -> bytes:
    if not 0 <= n < 256 ** size:
        raise ValueError(f"{n} does not fit in {size} bytes")
    return n.to_bytes(size, "little")


def _raster_rows(image: Any) -> Any:
    """``EscposImage``: flattened on white, grey, inverted (1 = a black dot), one bit a pixel."""
    from PIL import Image, ImageOps

    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.split()[3])
    return ImageOps.invert(flat.convert("L")).convert("1")


def raster_image(image: Any) -> bytes:
    """``GS v 0`` (high density both ways) for a PIL image, in slices of 960 rows."""
    if image.height > FRAGMENT_HEIGHT:
        return b"".join(raster_image(image.crop((0, top, image.width, min(top + FRAGMENT_HEIGHT, image.height))))
                        for top in range(0, image.height, FRAGMENT_HEIGHT))
    bits = _raster_rows(image)
    return GS + b"v0\x00" + _low_high((bits.width + 7) >> 3, 2) + _low_high(bits.height, 2) + bits.tobytes()


def _qr_part(fn: int, data: bytes, m: bytes = b"") -> bytes:
    return GS + b"(k" + _low_high(len(data) + len(m) + 2, 2) + b"1" + bytes([fn]) + m + data


def native_qr(content: str, ec: int, size: int) -> bytes:
    """``GS ( k``: model 2, the dot size, the error correction (0-3: L, M, Q, H), the data, print."""
    if ec not in (0, 1, 2, 3):
        raise ValueError("Invalid error correction level")
    if not 1 <= size <= 16:
        raise ValueError("Invalid block size (must be 1-16)")
    if content == "":
        return b""
    return (_qr_part(65, bytes([48 + QR_MODEL_2, 0])) + _qr_part(67, bytes([size]))
            + _qr_part(69, bytes([48 + ec])) + _qr_part(80, content.encode("utf-8"), b"0")
            + _qr_part(81, b"", b"0"))


def cut(partial: bool, cutter: bool) -> bytes:
    """Feed 6 lines, then ``GS V 1`` (partial) or ``GS V 0`` (full); without a cutter only the feed
    (python-escpos with a profile whose paperFullCut/paperPartCut are the cutter flag)."""
    feed = ESC + b"d" + bytes([CUT_FEED_LINES])
    return feed + (GS + b"V" + (b"\x01" if partial else b"\x00") if cutter else b"")
