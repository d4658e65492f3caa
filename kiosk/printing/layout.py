# SPDX-License-Identifier: Apache-2.0
"""Lay a :class:`Document` out for one printer profile → a driver ``PrintJob``.

Column maths counts display width the way the printer font draws it: ASCII
is one column (12 dots), everything else two (24 dots). python-escpos'
``block_text`` counts code points and overflows Chinese lines.
"""
from __future__ import annotations

from drivers.receipt_printer import Cut, Feed, PrinterProfile, PrintJob, QrCode, TextLine
from kiosk.i18n import _
from kiosk.printing.document import (BigText, Blank, Checklist, CutPaper, Document, KeyValue, Qr, Rule,
                                     Steps, Text, Title)

# A line must not start with these (Chinese line-breaking rule, simplified).
NO_LINE_START = set("，。、；：？！）》」』】〕…—,.;:?!)]}%")


def cell_width(ch: str) -> int:
    return 1 if ord(ch) < 0x80 else 2


def text_width(text: str) -> int:
    return sum(cell_width(c) for c in text)


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """Wrap to ``columns`` display columns; continuation lines start with ``indent``.

    ASCII words are kept whole when they fit; Chinese breaks between any two
    characters, except before closing punctuation.
    """
    text = " ".join(text.split())
    if columns < 4:
        raise ValueError("too few columns to wrap into")
    lines: list[str] = []
    line, width = "", 0
    tokens = _tokens(text)
    for tok in tokens:
        w = text_width(tok)
        if width + w > columns and line.strip():
            if tok[0] in NO_LINE_START and len(line) > 1:
                line, carry = line[:-1], line[-1]
                lines.append(line.rstrip())
                line, width = indent + carry, text_width(indent + carry)
            else:
                lines.append(line.rstrip())
                line, width = indent, text_width(indent)
            if tok == " ":
                continue
        while w > columns - width:  # a token longer than a line (a URL): cut it
            room, cut = columns - width, 0
            while cut < len(tok) and text_width(tok[:cut + 1]) <= room:
                cut += 1
            lines.append(line + tok[:cut])
            tok, w = tok[cut:], text_width(tok[cut:])
            line, width = indent, text_width(indent)
        line, width = line + tok, width + w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        out.append(ch)
    if word:
        out.append(word)
    return out


def _large(profile: PrinterProfile) -> tuple[int, int]:
    # 2x2 leaves 12 Chinese characters per line on 80 mm; on 58 mm that would be 8,
    # so there large print is double height only.
    return (2, 2) if profile.columns >= 48 else (1, 2)


def _lines(text: str, profile: PrinterProfile, size: tuple[int, int], align: str = "left",
           bold: bool = False, indent: str = "") -> list[TextLine]:
    cols = profile.columns // size[0]
    return [TextLine(t, align, size[0], size[1], bold) for t in wrap(text, cols, indent)]


def render(doc: Document, profile: PrinterProfile) -> PrintJob:
    """The print job for ``doc`` on ``profile`` (pure). Raises ValueError on bad blocks."""
    ops: list = []
    large = _large(profile)
    for b in doc.blocks:
        size = large if getattr(b, "large", False) else (1, 1)
        if isinstance(b, Title):
            ops += _lines(b.text, profile, (2, 2), b.align, bold=True)
        elif isinstance(b, Text):
            ops += _lines(b.text, profile, size, b.align, b.bold)
        elif isinstance(b, BigText):
            scale = max(1, min(b.scale, profile.columns // max(1, text_width(b.text))))
            ops += _lines(b.text, profile, (scale, scale), b.align, bold=True)
        elif isinstance(b, Rule):
            ops.append(TextLine(b.char * (profile.columns // text_width(b.char))))
        elif isinstance(b, Checklist):
            for item in b.items:
                ops += _lines(f"{b.box} {item}", profile, size, indent=" " * (text_width(b.box) + 1))
        elif isinstance(b, Steps):
            for n, step in enumerate(b.items, 1):
                ops += _lines(f"{n}. {step}", profile, size, indent=" " * (len(str(n)) + 2))
        elif isinstance(b, KeyValue):
            ops += _lines(b.key + _("：") + b.value, profile, size, indent="  ")
        elif isinstance(b, Qr):
            ops.append(QrCode(b.data, module=b.module if profile.columns >= 48 else min(b.module, 5)))
            if b.caption:
                ops += _lines(b.caption, profile, (1, 1), "center")
        elif isinstance(b, Blank):
            ops.append(Feed(b.lines))
        elif isinstance(b, CutPaper):
            ops.append(Cut())
        else:
            raise ValueError(f"unknown document block {b!r}")
    return PrintJob(doc.job_id, ops, title=doc.title)
