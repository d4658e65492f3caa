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
