# SPDX-License-Identifier: Apache-2.0
"""A :class:`Document` on A4 paper, as a PDF with the Chinese font embedded.

The receipt's document model and templates are reused; only the page
differs. Why not the obvious routes (measured, see docs/printing-a4.md):
reportlab's built-in STSong-Light is not embedded and printed garbage
through CUPS, reportlab cannot load CFF/OTF fonts, and fpdf2 embedding the
8 MB Noto Sans SC OTF directly costs about 0.25 s per page (it re-parses and
subsets the whole CFF font every time). So a :class:`FontBank` loads Noto
Sans SC once per process (about 0.15 s) and builds, per document, a small
TrueType font holding only the characters on the page (CFF outlines
converted with fontTools' cu2qu); fpdf2 embeds that as a CID TrueType subset.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kiosk.i18n import _
from kiosk.printing.document import (BigText, Blank, Checklist, CutPaper, Document, KeyValue, Qr, Rule, Steps,
                                     Text, Title)
from kiosk.printing.templates import guide_receipt

MARGIN = 18.0  # mm
SIZE, LARGE, TITLE = 14.0, 18.0, 24.0  # pt; large print for older citizens
PT = 25.4 / 72  # mm per point
ALWAYS = "0123456789第页共/ .：:-Pag"  # footer and numbering characters (Page n in English)


class FontBank:
    """Noto Sans SC loaded once; :meth:`build` makes a small TrueType font for some text."""

    def __init__(self, path: str | None = None):
        from fontTools.ttLib import TTFont
        if path is None:
            from pylopdf_fonts_zh_cn import sans_path
            path = sans_path()
        self.path = path
        self._font = TTFont(path, lazy=True)
        self.cmap = self._font.getBestCmap()
        self._glyphs = self._font.getGlyphSet()
        self._hmtx = self._font["hmtx"]
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _glyph(self, name: str) -> tuple[bytes, int]:
        """(compiled TrueType glyph, xMin), converted once per process."""
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen
        cached = self._cache.get(name)
        if cached is None:
            pen = TTGlyphPen(None)
            # max_err in font units (1000/em): 1 unit is 0.005 mm at 14 pt.
            self._glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyph = pen.glyph()
            cached = self._cache[name] = (glyph.compile(None), getattr(glyph, "xMin", 0))
        return cached

    def missing(self, text: str) -> str:
        return "".join(sorted({c for c in text if ord(c) not in self.cmap and not c.isspace()}))

    def build(self, text: str) -> bytes:
        """A TrueType font with the glyphs of ``text`` (characters the font lacks are skipped)."""
        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib import newTable
        from fontTools.ttLib.tables._g_l_y_f import Glyph
        with self._lock:
            cmap = {ord(c): self.cmap[ord(c)] for c in set(text) | {" "} if ord(c) in self.cmap}
            names = [".notdef"] + sorted(set(cmap.values()) - {".notdef"})
            compiled = {n: self._glyph(n) for n in names}
        src = self._font
        fb = FontBuilder(src["head"].unitsPerEm, isTTF=True)
        fb.font.recalcBBoxes = False  # glyphs are compiled once (with bounds); compiling is the slow part
        fb.setupGlyphOrder(names)
        fb.setupCharacterMap(cmap)
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = names, {n: Glyph(compiled[n][0]) for n in names}
        fb.font["glyf"], fb.font["loca"] = glyf, newTable("loca")
        head = fb.font["head"]
        head.xMin, head.yMin, head.xMax, head.yMax = (getattr(src["head"], k) for k in ("xMin", "yMin", "xMax", "yMax"))
        fb.setupHorizontalMetrics({n: (self._hmtx[n][0], compiled[n][1]) for n in names})
        fb.setupHorizontalHeader(ascent=src["hhea"].ascent, descent=src["hhea"].descent)
        fb.setupNameTable({"familyName": "Noto Sans SC", "styleName": "Regular",
                           "copyright": "Noto Sans SC (c) Google/Adobe, SIL Open Font License 1.1"})
        os2 = src["OS/2"]
        fb.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                    usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent, fsType=0)
        fb.setupPost()
        out = io.BytesIO()
        fb.save(out)
        return out.getvalue()


@lru_cache(maxsize=1)
def default_bank() -> FontBank:
    """The process' font bank, loaded on first use (never at import)."""
    return FontBank()


@dataclass(frozen=True)
class A4Pdf:
    data: bytes
    pages: int
    missing: str      # characters the font lacks (printed blank): log them
    seconds: float    # generation time


def _text_of(doc: Document) -> str:
    return "".join(doc.plain_text()) + "".join(b.key + b.value for b in doc.blocks if isinstance(b, KeyValue))


class _Page:
    """Draws blocks with fpdf2; one instance per document."""

    def __init__(self, font_file: str, footer: str):
        from fpdf import FPDF

        class _Pdf(FPDF):
            def footer(inner) -> None:  # noqa: N805 - fpdf2 hook
                inner.set_y(-12)
                inner.set_font("noto", size=9)
                inner.cell(0, 5, footer + "  " + _("第 {n} 页").format(n=inner.page_no()), align="C")

        self.pdf = pdf = _Pdf(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font("noto", "", font_file)
        pdf.set_creator("ehall-kiosk")
        pdf.add_page()

    @property
    def width(self) -> float:
        return self.pdf.w - 2 * MARGIN

    def text(self, text: str, size: float, align: str = "left", bold: bool = False, indent: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font("noto", size=size)
        pdf.set_x(MARGIN + indent)
        # The face has no bold weight: fill and stroke the outline instead. local_context
        # saves/restores the graphics state (fpdf2 never resets the text mode by itself).
        style = {"text_mode": "FILL_STROKE", "line_width": size * 0.012} if bold else {}
        with pdf.local_context(**style):
            pdf.multi_cell(self.width - indent, size * PT * 1.45, text, wrapmode="CHAR",
                           align={"center": "C", "right": "R"}.get(align, "L"), new_x="LMARGIN", new_y="NEXT")

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)

    def rule(self, double: bool) -> None:
        pdf, y = self.pdf, self.pdf.get_y() + 2
        pdf.set_line_width(0.5 if double else 0.2)
        pdf.line(MARGIN, y, pdf.w - MARGIN, y)
        pdf.set_line_width(0.2)
        pdf.set_y(y + 3)

    def item(self, label: str, text: str, size: float, box: bool) -> None:
        pdf, height = self.pdf, size * PT * 1.45
        if pdf.will_page_break(height):
            pdf.add_page()
        pdf.set_font("noto", size=size)
        y, side = pdf.get_y(), size * PT * 0.9
        indent = side + 4 if box else pdf.get_string_width(label) + 1 if label else 0
        if box:  # a real square to tick with a pen
            pdf.set_line_width(0.4)
            pdf.rect(MARGIN + 0.5, y + (height - side) / 2, side, side)
            pdf.set_line_width(0.2)
        else:
            pdf.set_xy(MARGIN, y)
            pdf.cell(indent, height, label)
        pdf.set_xy(MARGIN + indent, y)
        self.text(text, size, indent=indent)

    def key_value(self, key: str, value: str, size: float) -> None:
        self.item(key + _("："), value, size, box=False)

    def qr(self, data: str, caption: str, module: int) -> None:
        import qrcode
        img = qrcode.make(data, border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
        side = 45.0
        if self.pdf.will_page_break(side + 12):
            self.pdf.add_page()
        self.pdf.image(img.get_image(), x=(self.pdf.w - side) / 2, w=side, h=side)
        if caption:
            self.text(caption, SIZE, "center")


def render_a4(doc: Document, bank: FontBank | None = None, footer: str = "") -> A4Pdf:
    """``doc`` as an A4 PDF (pure apart from a temp font file). Raises ValueError on bad blocks."""
    started = time.perf_counter()
    bank = bank or default_bank()
    text = _text_of(doc) + footer + ALWAYS
    fd, font_file = tempfile.mkstemp(prefix="ehall-a4-font-", suffix=".ttf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(bank.build(text))
        page = _Page(font_file, footer)
        for block in doc.blocks:
            _draw(page, block)
        data = bytes(page.pdf.output())
        pages = page.pdf.pages_count
    finally:
        os.unlink(font_file)
    return A4Pdf(data, pages, bank.missing(text), time.perf_counter() - started)


def _draw(page: _Page, b: Any) -> None:
    size = LARGE if getattr(b, "large", False) else SIZE
    if isinstance(b, Title):
        page.text(b.text, TITLE, b.align, bold=True)
        page.gap(2)
    elif isinstance(b, Text):
        page.text(b.text, size, b.align, b.bold)
    elif isinstance(b, BigText):
        page.text(b.text, SIZE * max(2, min(b.scale, 6)), b.align, bold=True)
    elif isinstance(b, Rule):
        page.rule(b.char == "=")
    elif isinstance(b, Checklist):
        for it in b.items:
            page.item("", it, size, box=True)
    elif isinstance(b, Steps):
        for n, step in enumerate(b.items, 1):
            page.item(f"{n}.", step, size, box=False)
    elif isinstance(b, KeyValue):
        page.key_value(b.key, b.value, size)
    elif isinstance(b, Qr):
        page.qr(b.data, b.caption, b.module)
    elif isinstance(b, Blank):
        page.gap(5 * b.lines)
    elif isinstance(b, CutPaper):
        pass  # a sheet needs no cut
    else:
        raise ValueError(f"unknown document block {b!r}")


def guide_a4(item: Any, hall: Any, qr_url: str | None = None, *, printed_at: dt.datetime | None = None,
             bank: FontBank | None = None) -> bytes:
    """The take-home guide of ``item`` as an A4 PDF in large print (same content as the receipt),
    with the data's source cited in small print at the end (the screen shows it to staff only)."""
    doc = guide_receipt(item, hall, qr_url, large=True, printed_at=printed_at, basis=True)
    source = str(getattr(item, "source", "") or "").strip()
    if source:
        doc.add(Text(_("信息来源：{source}").format(source=source)))
    name = hall.get("name", "") if isinstance(hall, dict) else getattr(hall, "name", "")
    return render_a4(doc, bank, footer=str(name)).data


def a4_test_page(printed_at: dt.datetime | None = None) -> Document:
    """The admin's A4 test page: Chinese samples, rare characters, large print, tick boxes, a QR.
    Its headings are in the session's language; the samples stay Chinese (they are what it tests)."""
    stamp = (printed_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return Document(title="A4 test page").add(
        Title(_("A4 打印测试")), Text(_("政务服务大厅自助终端 · ehall-kiosk"), "center"), Rule("="),
        Text(_("中文测试：{sample}").format(sample="居民身份证、户口簿、营业执照、不动产权证书")),
        Text(_("标点：{sample}").format(sample="（）：，。、；！？“”《》￥")),
        Text(_("混排 {sample}").format(sample="ABC abc 0123 ￥12.50")),
        Text(_("生僻字：{sample}").format(sample="王䶮 喆 堃 鿏")), Text(_("大字（适老化）"), large=True, bold=True),
        Checklist((_("勾选框一"), _("勾选框二")), large=True), Steps((_("取号"), _("等候叫号"), _("窗口办理"))),
        Rule(), Qr("https://example.gov.cn/ehall/test?a4=1", _("扫码测试")),
        Text(_("打印时间：{time}").format(time=stamp), "center"))
