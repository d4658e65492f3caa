# SPDX-License-Identifier: Apache-2.0
"""Chinese text: FS & + GB18030 + FS ., and rare characters drawn as images, never '?'."""
import pytest

from drivers.receipt_printer import TextLine, get_profile
from drivers.receipt_printer.encoder import encode
from drivers.receipt_printer.text import encode_line, font_can_show, missing_glyphs
from prn_escpos_decoder import decode


def _decode(lines, profile="generic-80"):
    job = encode([TextLine(t) for t in lines], get_profile(profile))
    return job, decode(job.data)


def test_chinese_line_is_sent_inside_chinese_mode():
    job, receipt = _decode(["办事大厅 取号：A012"])
    assert b"\x1c&" + "办事大厅 取号：A012".encode("gb18030") + b"\n" in job.data
    assert receipt.lines == ["办事大厅 取号：A012"]


def test_rare_name_character_is_an_image_line_not_a_question_mark():
    """GIVEN a citizen named 王䶮 (U+4DAE, outside GB2312/GBK) WHEN printed
    THEN that line is a raster image with ink, and no '?' is sent."""
    job, receipt = _decode(["申请人：王䶮", "居民身份证"])
    assert job.image_lines == 1
    assert receipt.lines == ["居民身份证"]
    [image] = receipt.images
    assert image.width == 576 and image.height >= 24
    assert image.convert("L").getextrema()[0] == 0  # black dots present
    assert not any("?" in line for line in receipt.lines)


def test_the_drawing_font_has_the_rare_character():
    assert missing_glyphs("王䶮") == []


@pytest.mark.parametrize("ch,gb2312,gb18030", [("喆", False, True), ("䶮", False, False),
                                                ("𠮷", False, False), ("□", True, True), ("·", False, True)])
def test_font_coverage_follows_the_profile(ch, gb2312, gb18030):
    assert font_can_show(ch, get_profile("generic-80")) is gb2312
    assert font_can_show(ch, get_profile("generic-80-gb18030")) is gb18030


def test_gbk_character_prints_as_text_on_a_gb18030_font_profile():
    job, receipt = _decode(["张喆"], "generic-80-gb18030")
    assert receipt.lines == ["张喆"] and job.image_lines == 0


def test_yen_sign_becomes_the_full_width_form():
    """'¥' is a 4-byte GB18030 code that breaks GBK firmware; '￥' is A3A4."""
    assert encode_line("金额 ¥5.00", get_profile("generic-80")) == "金额 ￥5.00".encode("gb2312")


def test_punctuation_only_line_is_text():
    """python-escpos turns a punctuation-only line into '?????'; we do not."""
    _, receipt = _decode(["（）：，。"])
    assert receipt.lines == ["（）：，。"]
