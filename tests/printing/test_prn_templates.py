# SPDX-License-Identifier: Apache-2.0
"""Receipt templates, printed through the TCP capture printer and read back."""
import datetime as dt
from dataclasses import dataclass

import pytest
from PIL import ImageOps
from pyzbar.pyzbar import decode as zbar_decode

import kiosk.printing.templates as templates
from drivers.receipt_printer import create_printer, get_profile
from kiosk.printing import ReceiptService, render
from prn_escpos_decoder import decode

URL = "https://zwfw.example.gov.cn/m/item/440100-001?from=kiosk"
HALL = {"name": "某某区政务服务中心", "hours": "周一至周五 9:00-17:30", "phone": "020-12345"}


@dataclass(frozen=True)
class FakeItem:  # the shape of kiosk.catalogue.Item
    id: str = "440100-001"
    name: str = "老年人优待证办理"
    department: str = "区民政局"
    category: str = "民政"
    audience: tuple = ("老年人",)
    channels: tuple = ("窗口", "网上")
    promised_days: int | None = 3
    legal_days: int | None = 20
    fee: str = "不收费"
    materials: tuple = ("居民身份证原件", "一寸照片一张")
    steps: tuple = ("取号", "交材料", "领证")
    phone: str = "020-88886666"
    url: str = ""
    source: str = "test"
    location: str = ""
    legal_basis: str = ""


def _print(capture_printer, doc, profile="generic-80"):
    printer = create_printer(capture_printer.uri, profile)
    outcome = ReceiptService(printer).print_document(doc)
    assert outcome.printed, outcome
    assert capture_printer.wait_jobs(1)
    [job] = capture_printer.jobs()
    return decode(job)


def _qr_from_image(image):
    found = zbar_decode(ImageOps.expand(image.convert("L"), border=16, fill=255))
    return [f.data.decode("utf-8") for f in found]


def test_guide_receipt_reads_right(capture_printer):
    """GIVEN an item and a hall WHEN the guide is printed on an 80 mm printer
    THEN a citizen reads the name, the checklist, the phone, and the QR leads to the URL."""
    receipt = _print(capture_printer, templates.guide_receipt(FakeItem(), HALL, URL))
    lines = receipt.lines
    assert "老年人优待证办理" in lines
    assert "□ 居民身份证原件" in lines and "□ 一寸照片一张" in lines
    assert "咨询电话：020-88886666" in lines
    assert "收费：不收费" in lines
    assert "办理时限：3个工作日" in lines
    assert "1. 取号" in lines
    assert "大厅电话：020-12345" in lines
    assert receipt.qr_payloads == [URL]
    assert receipt.cuts == 1 and receipt.dump().endswith("[cut]")
    title = next(e for e in receipt.events if getattr(e, "text", "") == "老年人优待证办理")
    assert title.size == 0x11  # large print


def test_guide_without_optional_fields_has_no_empty_labels():
    item = FakeItem(fee="", promised_days=None, legal_days=None, steps=(), phone="")
    text = templates.guide_receipt(item, HALL, URL).plain_text()
    assert not any(t.startswith(("收费", "办理时限", "咨询电话", "1.")) for t in text)


def test_long_material_wraps_with_hanging_indent():
    item = FakeItem(materials=("户口簿原件及首页和本人页复印件各一份（复印件需本人签名）",))
    job = render(templates.guide_receipt(item, HALL, URL), get_profile("generic-80"))
    lines = [op.text for op in job.ops if getattr(op, "text", "").startswith(("□", "   "))]
    assert lines[0].startswith("□ 户口簿") and len(lines) > 1
    assert all(line.startswith("   ") for line in lines[1:])


def test_guide_on_58mm_uses_an_image_qr_that_scans(capture_printer):
    """GIVEN a 58 mm printer without native QR WHEN the guide prints THEN the QR is an image
    that an independent decoder (zbar) reads back to the URL, and there is no cutter command."""
    receipt = _print(capture_printer, templates.guide_receipt(FakeItem(), HALL, URL), "generic-58")
    assert receipt.qr_payloads == []
    assert [u for img in receipt.images for u in _qr_from_image(img)] == [URL]
    assert receipt.cuts == 0
    assert "□ 居民身份证原件" in receipt.lines


def test_ticket_receipt_shows_the_number_big(capture_printer):
    doc = templates.ticket_receipt("A012", HALL, item_name="社保卡补办", window="3号窗口", waiting=4,
                                   issued_at=dt.datetime(2026, 3, 2, 9, 30))
    assert doc.job_id == "ticket-20260302-A012"
    receipt = _print(capture_printer, doc)
    number = next(e for e in receipt.events if getattr(e, "text", "") == "A012")
    assert number.size == 0x22
    assert "前面还有：4人" in receipt.lines and receipt.cuts == 1


@pytest.mark.parametrize("profile", ["generic-80", "generic-58"])
def test_test_slip_has_samples_rare_image_qr_and_cut(capture_printer, profile):
    receipt = _print(capture_printer, templates.test_slip(get_profile(profile), URL), profile)
    assert f"profile {profile}" in receipt.lines
    assert "中文测试：政务服务大厅自助终端" in receipt.lines
    assert not any("䶮" in line or "?" in line for line in receipt.lines)
    qrs = receipt.qr_payloads or [u for img in receipt.images for u in _qr_from_image(img)]
    assert qrs == [URL]
    images = [img for img in receipt.images if img.width == get_profile(profile).width_dots]
    assert len(images) == 1  # the 王䶮 line
    assert receipt.cuts == (1 if profile == "generic-80" else 0)


def test_print_guide_admin_with_the_catalogue_item(capture_printer):
    """GIVEN the real kiosk.catalogue.Item and a hall from config (opening_hours)
    WHEN the admin prints a guide THEN it reports the job and the paper shows the hours."""
    from kiosk import catalogue
    from kiosk.printing.admin import print_guide

    item = catalogue.Item(id="A1", name="社保卡补办", department="人社局", materials=("身份证",), phone="12333")
    hall = {"name": "政务服务中心", "opening_hours": "工作日 9:00-17:00", "phone": "12345"}
    lines = print_guide(item, URL, capture_printer.uri, "generic-80", hall)
    assert lines[0] == "guide for A1 社保卡补办" and any(line.startswith("printed job guide-A1-") for line in lines)
    assert capture_printer.wait_jobs(1)
    receipt = decode(capture_printer.jobs()[0])
    assert "□ 身份证" in receipt.lines and receipt.qr_payloads == [URL]
    assert any("9:00-17:00" in line for line in receipt.lines)


def test_print_test_admin_reports_a_fault(capture_printer):
    from drivers.base import DeviceError
    from kiosk.printing.admin import run_print_test

    capture_printer.set_mode("paper_out")
    with pytest.raises(DeviceError, match="NOT PRINTED: PRN_NO_PAPER"):
        run_print_test(capture_printer.uri, "generic-80")


def test_guide_receipt_prints_where_to_go_and_leaves_the_law_to_a4(capture_printer):
    """GIVEN an item with 办理地点 and 设定依据 WHEN the receipt prints THEN the citizen reads where
    to go; the legal basis (long legal text) is only on the A4 page."""
    item = FakeItem(location="政务服务中心一楼 民政窗口", legal_basis="《老年人权益保障法》第五十七条")
    receipt = _print(capture_printer, templates.guide_receipt(item, HALL, URL))
    joined = "".join("".join(receipt.lines).split())          # large print wraps the line
    assert "办理地点：政务服务中心一楼民政窗口" in joined
    assert not any("老年人权益保障法" in line for line in receipt.lines)
    a4_text = templates.guide_receipt(item, HALL, URL, basis=True).plain_text()
    assert "设定依据" in a4_text and "《老年人权益保障法》第五十七条" in a4_text
