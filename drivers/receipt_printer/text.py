# SPDX-License-Identifier: Apache-2.0
"""Chinese text for ESC/POS: what the printer font can show, and image lines.

python-escpos 3.1 sends GB18030 without ``FS &`` and turns anything outside
U+4E00–U+9FA5 into ``?`` (see docs/printing.md). We decide per line: either
every character is in the printer font's charset (bytes go out inside
``FS &`` … ``FS .``), or the whole line is drawn with Noto Sans SC and sent as
a raster image, so a citizen's rare name character (䶮) is never a ``?``.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from drivers.receipt_printer.profiles import PrinterProfile

log = logging.getLogger(__name__)

FONT_DOTS = 24  # font A cell height; Chinese glyphs are 24x24 dots

# Characters whose usual form is outside GBK/GB2312 but that have a safe twin.
# "¥" (U+00A5) is a 4-byte GB18030 code that breaks GBK firmware; "￥" is A3A4.
SAFE_TWINS = str.maketrans({"¥": "￥", "\t": " ", "\u00a0": " ", "\u3000": "  "})


def normalise(text: str) -> str:
    return text.translate(SAFE_TWINS)


def font_can_show(ch: str, profile: PrinterProfile) -> bool:
    """True when the printer's own font prints ``ch`` (ASCII or its Chinese charset)."""
    if " " <= ch <= "~":
        return True
    if not profile.chinese_mode or ord(ch) < 0xA0:
        return False
    try:
        encoded = ch.encode(profile.font_charset)
        ch.encode(profile.code_page)
    except UnicodeEncodeError:
        return False
    # GB18030 4-byte codes (Ext-A/B, newer Han, many symbols) are not in printer fonts,
    # nor are the lead-0xFE 2-byte codes: their mapping changed between GB 18030-2005
    # and -2022 (䶮 is FE9F in Python's 2005 table) and firmware fonts disagree.
    return len(encoded) <= 2 and not (len(encoded) == 2 and encoded[0] == 0xFE)


def encode_line(text: str, profile: PrinterProfile) -> bytes | None:
    """The bytes for ``text`` in the printer's Chinese mode, or ``None`` if it needs an image."""
    text = normalise(text)
    if not all(font_can_show(ch, profile) for ch in text):
        return None
    return text.encode(profile.code_page)


def default_font_path() -> Path:
    from pylopdf_fonts_zh_cn import sans_path  # Noto Sans SC, covers CJK Ext-A (䶮)
    return Path(sans_path())


@functools.lru_cache(maxsize=16)
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont
    return ImageFont.truetype(path, size)


def missing_glyphs(text: str, font_path: Path | None = None) -> list[str]:
    """Characters the drawing font lacks (they would print as a box)."""
    font = _font(str(font_path or default_font_path()), FONT_DOTS)
    notdef = bytes(font.getmask("\U0010fffd"))
    return [ch for ch in set(text) if not ch.isspace() and bytes(font.getmask(ch)) == notdef]


def render_line(text: str, profile: PrinterProfile, width: int = 1, height: int = 1,
                align: str = "left", bold: bool = False, font_path: Path | None = None) -> Any:
    """Draw one line as a 1-bit PIL image ``profile.width_dots`` wide.

    Same cell size as the printer font (24 dots × the size multipliers), so
    an image line sits in the receipt like a text line. CPU only, ~2 ms.
    """
    from PIL import Image, ImageDraw

    text = normalise(text)
    path = str(font_path or default_font_path())
    font = _font(path, FONT_DOTS * height)
    lacking = missing_glyphs(text, Path(path))
    if lacking:
        log.warning("font %s lacks %s; they print as boxes", Path(path).name, "".join(sorted(lacking)))
    cell_h = FONT_DOTS * height
    natural_w = max(1, int(font.getlength(text)) + 1)
    glyphs = Image.new("L", (natural_w, cell_h + 6 * height), 255)
    ImageDraw.Draw(glyphs).text((0, 0), text, font=font, fill=0,
                                stroke_width=1 if bold else 0, stroke_fill=0)
    target_w = natural_w * width // height if width != height else natural_w
    target_w = max(1, min(target_w, profile.width_dots))
    if target_w != natural_w:
        glyphs = glyphs.resize((target_w, glyphs.height))
    line = Image.new("L", (profile.width_dots, glyphs.height), 255)
    x = {"left": 0, "center": (profile.width_dots - target_w) // 2,
         "right": profile.width_dots - target_w}[align]
    line.paste(glyphs, (x, 0))
    return line.point(lambda v: 0 if v < 128 else 255).convert("1")
