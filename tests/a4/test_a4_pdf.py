# SPDX-License-Identifier: Apache-2.0
"""The A4 PDF: Chinese font embedded (subset), text extractable, renders without system fonts."""
import time

import pytest
from a4_pdftools import diff_ratio, fonts, render, text

from kiosk.printing import a4
from kiosk.printing.document import (BigText, Blank, Checklist, CutPaper, Document, KeyValue, Qr, Rule, Steps, Text,
                                     Title)


def test_a4_guide_embeds_one_subset_font(guide_pdf):
    """GIVEN the A4 guide WHEN pdffonts lists its fonts THEN one CID TrueType subset, embedded, with ToUnicode."""
    rows = fonts(guide_pdf)
    assert rows, "no font in the PDF"
    for row in rows:
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row
        assert "NotoSansSC" in row["name"] and row["type"] == "CID TrueType", row
    assert len(guide_pdf) < 80_000


def test_a4_guide_text_is_the_guide(guide_pdf, guide_item):
    """GIVEN the A4 guide WHEN pdftotext reads it THEN name, materials, steps, hours and phones are there."""
    words = "".join(text(guide_pdf).split())
    for expected in (guide_item.name, "办理部门", "临沂市公安局", "要带的材料", *guide_item.materials,
                     "1.到户籍窗口取号", "5个工作日", "0539-12345", "周一至周五9:00-12:00,13:30-17:00",
                     "0631-12345", "用手机扫一扫", "第1页"):
        assert "".join(expected.split()) in words, expected


def test_a4_guide_renders_the_same_without_any_system_font(guide_pdf):
    """GIVEN a viewer with no fonts at all WHEN it renders the guide THEN the page is the same as with fonts."""
    with_fonts = render(guide_pdf, dpi=40)
    without = render(guide_pdf, dpi=40, no_system_fonts=True)
    ink = sum(1 for p in without.tobytes() if p < 128) / (without.size[0] * without.size[1])
    assert ink > 0.02, "page is (nearly) blank"
    assert diff_ratio(with_fonts, without) < 0.002


def test_a4_guide_qr_decodes_to_the_url(guide_pdf):
    """GIVEN the rendered guide WHEN a QR reader scans it THEN it gets the hand-off URL."""
    import pyzbar.pyzbar as pyzbar
    page = render(guide_pdf, dpi=100)
    found = [r.data.decode() for r in pyzbar.decode(page)]
    assert found == ["https://example.gov.cn/ehall/item?id=SI-0015"]


def test_a4_every_block_renders_and_rare_characters_are_reported():
    """GIVEN every block kind and rare characters WHEN rendered THEN 䶮/鿏 print and 𠮷 (not in the face) is reported."""
    doc = Document(title="all").add(
        Title("标题 Title"), Text("普通文字 plain", bold=True), Text("大字", "center", large=True), BigText("A012"),
        Rule(), Rule("="), Checklist(("身份证",), large=True), Steps(("取号", "等候叫号")), KeyValue("收费", "免费"),
        Qr("https://example.gov.cn/x", "扫码"), Blank(2), Text("生僻字：王䶮 鿏 𠮷"), CutPaper())
    out = a4.render_a4(doc)
    assert out.pages == 1 and out.missing == "𠮷"
    words = "".join(text(out.data).split())
    assert "王䶮鿏" in words and "A012" in words and "□" not in words  # tick boxes are drawn squares


def test_a4_long_guide_flows_onto_numbered_pages():
    """GIVEN 60 materials WHEN rendered THEN several pages, each with its page number."""
    doc = Document().add(Title("材料很多的事项"), Checklist(tuple(f"第{i}份材料：复印件一份" for i in range(60)), large=True))
    out = a4.render_a4(doc, footer="政务服务大厅")
    assert out.pages >= 3
    pages = text(out.data).split("\f")
    assert all(f"第 {n} 页" in pages[n - 1] for n in range(1, out.pages + 1))


def test_a4_unknown_block_is_an_error():
    with pytest.raises(ValueError):
        a4.render_a4(Document().add("not a block"))  # type: ignore[arg-type]


def test_a4_warm_page_is_fast(guide_item):
    """GIVEN a warm font bank WHEN the guide is rendered again THEN it takes well under a second (bench: ~50 ms)."""
    from a4_samples import HALL
    a4.guide_a4(guide_item, HALL, "https://example.gov.cn/a")
    started = time.perf_counter()
    a4.guide_a4(guide_item, HALL, "https://example.gov.cn/b")
    assert time.perf_counter() - started < 0.5


def test_a4_guide_names_where_to_go_and_the_legal_basis(guide_item):
    """GIVEN an item with 办理地点 and 设定依据 WHEN the A4 guide is made THEN pdftotext reads both
    (the receipt leaves the legal text out; the A4 page is where a source may be cited)."""
    import dataclasses
    item = dataclasses.replace(guide_item, location="兰山区人民路派出所户籍窗口",
                               legal_basis="《中华人民共和国户口登记条例》第十条")
    from a4_samples import HALL
    words = "".join(text(a4.guide_a4(item, HALL, "https://example.gov.cn/a")).split())
    for expected in ("办理地点", "兰山区人民路派出所户籍窗口", "设定依据", "《中华人民共和国户口登记条例》第十条"):
        assert expected in words, expected


def test_a4_guide_cites_the_source_in_small_print(guide_item):
    """GIVEN an item whose data names its source THEN the A4 guide cites it at the end
    (the kiosk screen shows the source to staff only)."""
    import dataclasses

    from a4_samples import HALL
    item = dataclasses.replace(guide_item, source="临沂市公安局 微信政务服务页面")
    words = "".join(text(a4.guide_a4(item, HALL)).split())
    assert "信息来源：临沂市公安局微信政务服务页面" in words
    assert "信息来源" not in "".join(text(a4.guide_a4(guide_item, HALL)).split())
