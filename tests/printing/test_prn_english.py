# SPDX-License-Identifier: Apache-2.0
"""The take-home guide in an English session (issue 13): printed through the TCP capture printer
and read back, the kiosk's words are English and the item's own texts stay as the catalogue has them."""
import re

import pytest
from test_prn_templates import HALL, URL, FakeItem, _print

import kiosk.printing.templates as templates
from kiosk import i18n

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")


@pytest.fixture
def english():
    i18n.use("en")
    yield
    i18n.use("zh")


def test_guide_receipt_in_english(capture_printer, english):
    item = FakeItem()
    receipt = _print(capture_printer, templates.guide_receipt(item, HALL, URL))
    lines = receipt.lines
    text = " ".join(line.strip() for line in lines)         # large print wraps the longer English lines
    assert "Service guide (take it home)" in lines
    assert "Department: 区民政局" in lines and "Time limit: 3 working days" in text
    assert "Fees: 不收费" in lines and "Phone: 020-88886666" in lines
    assert "Documents to bring (tick each one off)" in text and "□ 居民身份证原件" in lines
    assert "Scan with your phone to continue:" in text and receipt.qr_payloads == [URL]
    assert any(line.startswith("Printed: ") for line in lines)
    content = "\n".join([item.name, item.department, item.fee, *item.materials, *item.steps, *HALL.values()])
    leftover = [run for run in CJK.findall(text) if run not in content.replace("\n", "")]
    assert not leftover, leftover


def test_the_chinese_receipt_is_unchanged_by_the_catalog():
    text = templates.guide_receipt(FakeItem(), HALL, URL).plain_text()
    assert "办理时限：3个工作日" in text and "办事指南（请带回家）" in text


def test_queue_ticket_in_english(capture_printer, english):
    """The queue ticket's own words are English; the item and the window are printed as given."""
    import datetime as dt

    doc = templates.ticket_receipt("A012", HALL, item_name="社保卡补办", window="3号窗口", waiting=4,
                                   details=[("受理编号", "SL-1")], qr_url=URL,
                                   issued_at=dt.datetime(2026, 3, 2, 9, 30))
    receipt = _print(capture_printer, doc)
    lines, text = receipt.lines, " ".join(line.strip() for line in receipt.lines)
    assert "Queue number" in lines and "Ahead of you: 4 people" in lines
    assert "Item: 社保卡补办" in lines and "Window: 3号窗口" in lines
    assert "Please listen for your number" in text and receipt.qr_payloads == [URL]
    leftover = [run for run in CJK.findall(text) if run not in "社保卡补办 3号窗口 " + " ".join(HALL.values())]
    assert leftover == ["受理编号"], leftover        # a caller's own key, printed as given when unmarked


def test_test_slip_headings_in_english_samples_in_chinese(english):
    """The admin's test slip: English headings; the Chinese samples it exists to test stay."""
    from drivers.receipt_printer import get_profile

    text = "\n".join(templates.test_slip(get_profile("generic-80")).plain_text())
    assert "Print test" in text and "Chinese sample: 政务服务大厅自助终端" in text
    assert "打印测试" not in text and "中文测试" not in text


def test_guide_heading_english_name_with_the_chinese_one_or_the_chinese_marked(capture_printer, english):
    """The printed guide's heading: name_en with the official Chinese name under it (what the
    window staff know), or, without name_en, the Chinese name marked (Chinese name)."""
    class Named(FakeItem):
        name_en = "Senior citizen card"

    named = Named()
    lines = _print(capture_printer, templates.guide_receipt(named, HALL, URL)).lines
    assert "Senior citizen card" in lines and "Chinese name: 老年人优待证办理" in lines
    plain = "\n".join(templates.guide_receipt(FakeItem(), HALL, URL).plain_text())
    assert "老年人优待证办理 (Chinese name)" in plain


def test_a4_test_page_headings_in_english(english):
    from kiosk.printing.a4 import a4_test_page

    text = "\n".join(a4_test_page().plain_text())
    assert "A4 print test" in text and "Chinese sample: 居民身份证" in text and "Large print" in text
    assert "打印测试" not in text and "勾选框" not in text and "打印时间" not in text
