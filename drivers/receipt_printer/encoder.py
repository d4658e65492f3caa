# SPDX-License-Identifier: Apache-2.0
"""Job operations → ESC/POS bytes for one profile (pure; no device I/O).

Text goes through our own Chinese layer (``FS &`` + GB18030 + ``FS .``);
the QR, raster image and cut commands are python-escpos's bytes, written out in
``escpos_bytes`` (python-escpos itself is not imported to print).
Alignment is ``ESC a`` (escpos' image centring pads bitmaps to full width,
2.5x the bytes), sizes are ``GS !`` (scales Chinese and ASCII alike).
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.receipt_printer import escpos_bytes
from drivers.receipt_printer.escpos_bytes import CUT_FEED_LINES
from drivers.receipt_printer.jobs import Cut, Feed, Op, Picture, QrCode, TextLine
from drivers.receipt_printer.profiles import DOTS_PER_MM, PrinterProfile
from drivers.receipt_printer.text import FONT_DOTS, encode_line, render_line

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CN_ON, CN_OFF = FS + b"&", FS + b"."
ALIGN = {"left": 0, "center": 1, "right": 2}
EC_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}


@dataclass(frozen=True)
class EncodedJob:
    data: bytes
    length_mm: float
    image_lines: int = 0    # text lines drawn as images (rare characters)
    qr_native: int = 0
    qr_image: int = 0


class _Encoder:
    def __init__(self, profile: PrinterProfile):
        self.profile = profile
        self.out = bytearray()
        self.cn = False
        self.align = 0
        self.size = 0
        self.bold = False
        self.dots = 0
        self.image_lines = self.qr_native = self.qr_image = 0

    def raw(self, data: bytes) -> None:
        self.out += data

    def chinese(self, on: bool) -> None:
        if on != self.cn:
            self.raw(CN_ON if on else CN_OFF)
            self.cn = on

    def set_align(self, align: str) -> None:
        n = ALIGN[align]
        if n != self.align:
            self.raw(ESC + b"a" + bytes([n]))
            self.align = n

    def text(self, op: TextLine) -> None:
        encoded = encode_line(op.text, self.profile)
        if encoded is None:  # the printer font lacks a character: draw the line
            self.image_lines += 1
            self.picture(render_line(op.text, self.profile, op.width, op.height, op.align, op.bold), "left")
            return
        if any(b >= 0x80 for b in encoded):
            self.chinese(True)
        self.set_align(op.align)
        size = (op.width - 1) << 4 | (op.height - 1)
        if size != self.size:
            self.raw(GS + b"!" + bytes([size]))
            self.size = size
        if op.bold != self.bold:
            self.raw(ESC + b"E" + bytes([int(op.bold)]))
            self.bold = op.bold
        self.raw(encoded + b"\n")
        self.dots += FONT_DOTS * op.height + 6

    def picture(self, image, align: str) -> None:
        if image.width > self.profile.width_dots:
            raise ValueError(f"image {image.width} dots wide; paper has {self.profile.width_dots}")
        self.chinese(False)  # no raster data while the printer reads GB lead bytes
        self.set_align(align)
        self.raw(escpos_bytes.raster_image(image))
        self.dots += image.height

    def qr(self, op: QrCode) -> None:
        from ehall_common.qr_import import qrcode as qrcode_package

        qrcode = qrcode_package()   # without PIL: native QR needs the module count, make_image loads PIL

        code = qrcode.QRCode(error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{op.ec}"),
                             box_size=op.module, border=2)
        code.add_data(op.data)
        code.make(fit=True)
        modules = code.modules_count
        module = op.module
        while module > 1 and (modules + 4) * module > self.profile.width_dots:
            module -= 1
        if self.profile.native_qr:
            self.chinese(False)
            self.set_align(op.align)
            self.raw(escpos_bytes.native_qr(op.data, EC_LEVELS[op.ec], module))
            self.raw(b"\n")
            self.dots += (modules + 8) * module + FONT_DOTS + 6
            self.qr_native += 1
        else:
            code.box_size = module
            self.picture(code.make_image().get_image().convert("1"), op.align)
            self.qr_image += 1

    def feed(self, lines: int) -> None:
        self.raw(ESC + b"d" + bytes([max(0, min(lines, 255))]))
        self.dots += lines * (FONT_DOTS + 6)

    def cut(self, op: Cut) -> None:
        self.chinese(False)
        self.raw(escpos_bytes.cut(op.partial, self.profile.cutter))  # no cutter: only feeds to the tear bar
        self.dots += CUT_FEED_LINES * (FONT_DOTS + 6)


def encode(ops: list[Op], profile: PrinterProfile) -> EncodedJob:
    """Encode a job; raises ``ValueError`` on an operation the profile cannot print."""
    enc = _Encoder(profile)
    enc.raw(INIT)
    for op in ops:
        if isinstance(op, TextLine):
            enc.text(op)
        elif isinstance(op, QrCode):
            enc.qr(op)
        elif isinstance(op, Picture):
            enc.picture(op.image.convert("1"), op.align)
        elif isinstance(op, Feed):
            enc.feed(op.lines)
        elif isinstance(op, Cut):
            enc.cut(op)
        else:
            raise ValueError(f"unknown print operation {op!r}")
    enc.chinese(False)
    if enc.size or enc.bold or enc.align:
        enc.raw(GS + b"!\x00" + ESC + b"E\x00" + ESC + b"a\x00")
    return EncodedJob(bytes(enc.out), round(enc.dots / DOTS_PER_MM, 1),
                      enc.image_lines, enc.qr_native, enc.qr_image)
