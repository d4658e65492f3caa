# SPDX-License-Identifier: Apache-2.0
"""The test suite's own strict decoder, and the encoder round trip through it."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from drivers.receipt_printer import Cut, QrCode, TextLine, get_profile
from drivers.receipt_printer.encoder import encode
from prn_escpos_decoder import DecodeError, decode

GB2312_HAN = hs.integers(0xB0, 0xD7).flatmap(
    lambda lead: hs.integers(0xA1, 0xFE if lead != 0xD7 else 0xF9).map(
        lambda trail: bytes([lead, trail]).decode("gb2312")))
LINE_TEXT = hs.lists(hs.one_of(GB2312_HAN, hs.sampled_from(list("AZaz09 :-/.,（）：，。"))),
                     min_size=1, max_size=20).map("".join).filter(lambda t: t.strip() == t and t)


def test_bytes_above_0x80_outside_chinese_mode_are_an_error():
    """GIVEN GB18030 bytes sent without FS & (what python-escpos 3.1 text() does)
    WHEN decoded THEN the decoder refuses them."""
    with pytest.raises(DecodeError, match="outside Chinese mode"):
        decode(b"\x1b@" + "办事大厅".encode("gb18030") + b"\n")


def test_python_escpos_plain_text_is_rejected():
    """GIVEN python-escpos' own Chinese text() output WHEN decoded THEN it fails (no FS &)."""
    from drivers.receipt_printer import _escpos

    dummy = _escpos.escpos().printer.Dummy()
    dummy.text("办事大厅 取号：A012\n")
    with pytest.raises(DecodeError):
        decode(dummy.output)


def test_unknown_command_and_unterminated_line_fail():
    with pytest.raises(DecodeError):
        decode(b"\x1b@\x1bZ\x00")
    with pytest.raises(DecodeError, match="unterminated"):
        decode(b"\x1b@abc")


def test_four_byte_gb18030_inside_chinese_mode_fails():
    with pytest.raises(DecodeError):
        decode(b"\x1c&" + "𠮷".encode("gb18030") + b"\n\x1c.")


@settings(max_examples=60, deadline=None)
@given(hs.lists(LINE_TEXT, min_size=1, max_size=6))
def test_round_trip_gb2312_lines(lines):
    """GIVEN any GB2312 lines WHEN encoded and decoded THEN the same lines come back, as text."""
    job = encode([TextLine(t) for t in lines], get_profile("generic-80"))
    receipt = decode(job.data)
    assert receipt.lines == lines
    assert receipt.images == [] and job.image_lines == 0


def test_job_starts_with_init_and_chinese_mode_and_ends_outside_it():
    data = encode([TextLine("办事指南", "center", 2, 2), QrCode("https://a.cn/1"), Cut()],
                  get_profile("generic-80")).data
    assert data.startswith(b"\x1b@\x1c&")
    assert data.count(b"\x1c&") == data.count(b"\x1c.")
    receipt = decode(data)
    title = receipt.events[0]
    assert (title.text, title.align, title.size, title.chinese_mode) == ("办事指南", 1, 0x11, True)
    assert receipt.qr_payloads == ["https://a.cn/1"] and receipt.cuts == 1
