# SPDX-License-Identifier: Apache-2.0
"""打印办事指南 on the item screen: paper in hand, or plain words and the QR instead."""
import pytest

from drivers.receipt_printer import create_printer


@pytest.fixture
def printer(ui):
    device = create_printer("sim://", name="receipt_printer")
    device.open()
    ui.kiosk.devices = {"receipt_printer": device}
    return device


def _notice(ui):
    return ui.app.root.notice


def test_print_guide_hands_the_citizen_a_receipt(ui, printer):
    """GIVEN an item with materials WHEN the citizen taps 打印办事指南 THEN the guide prints
    once, the screen says where to take it, and a second tap prints no second copy."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: _notice(ui) == "请在出纸口取走您的办事指南。")
    assert len(printer.jobs) == 1
    assert "普通护照签发".encode("gb18030") in printer.output
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: _notice(ui) == "办事指南已经打印好了，请在出纸口取走。")
    assert len(printer.jobs) == 1
    assert ui.app.manager.current == "item"


def test_paper_out_says_so_and_offers_the_qr(ui, printer):
    """GIVEN a printer out of paper and an item that can be done online WHEN the citizen taps
    打印办事指南 THEN within seconds the screen asks the citizen to tell the desk and shows the QR code."""
    printer.set_mode("paper_out")
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: ui.app.manager.current == "qr", timeout=5)
    assert _notice(ui).startswith("打印机暂时不能用，请到服务台告知工作人员")
    assert "已通知" not in _notice(ui)        # no hub here: nobody was notified
    assert printer.jobs == []
    ui.screenshot("print-failed-qr")


def test_paper_out_without_an_online_channel_points_to_the_desk(ui, printer):
    """GIVEN a printer out of paper and an item done only at the window (no QR) WHEN the
    citizen taps 打印办事指南 THEN the item stays, and the notice (below the content, above
    the buttons) names the desk and its phone instead of a QR code that is not there."""
    printer.set_mode("paper_out")
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    assert ui.screen.ids.qr_btn.parent is None
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: _notice(ui).startswith("打印机暂时不能用，请到服务台告知工作人员"), timeout=5)
    ui.frames(2)
    assert ui.app.manager.current == "item"
    text = ui.screen.ids.notice.text
    assert "二维码" not in text and "请到窗口咨询" in text and "0631-12345" in text
    notice, scroll = ui.screen.ids.notice, ui.screen.ids.scroll
    assert notice.top <= scroll.y + 1 and notice.y >= ui.screen.ids.bar.top - 1   # between, covering nothing
    ui.screenshot("item-print-failed-desk")


def test_no_printer_configured(ui):
    ui.kiosk.devices = {}
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: ui.app.manager.current == "qr")
    assert _notice(ui).startswith("打印服务暂不可用")


def test_a_held_guide_is_kept_for_a_retry_then_dropped_when_the_session_ends(ui, printer):
    printer.set_mode("paper_out")
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: ui.app.manager.current == "qr", timeout=5)
    assert len(printer.pending_jobs()) == 1           # kept: not silently dropped
    printer.set_mode("online")
    ui.kiosk.session.back()
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)                   # the citizen tries again: same job, printed once
    ui.wait_until(lambda: _notice(ui) == "请在出纸口取走您的办事指南。")
    assert len(printer.jobs) == 1 and printer.pending_jobs() == []
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: _notice(ui).startswith("办事指南已经打印好了"))
    printer.set_mode("paper_out")                      # another guide is held when the citizen leaves
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: _notice(ui).startswith("打印机暂时不能用"), timeout=5)
    assert len(printer.pending_jobs()) == 1
    ui.kiosk.session.end("finished")
    assert printer.pending_jobs() == []


def test_a4_page_when_an_a4_printer_is_configured(ui, printer, tmp_path):
    """GIVEN an A4 printer as well WHEN the citizen taps 打印 A4 版 THEN one PDF page set
    arrives at the printer's spool and the screen says where to take it."""
    from drivers.a4_printer import create_a4_printer

    a4 = create_a4_printer(f"sim://?spool={tmp_path}")
    a4.open()
    ui.kiosk.devices["a4_printer"] = a4
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    assert ui.screen.a4 and ui.screen.ids.print_a4_btn.parent is ui.screen.ids.print_btn.parent
    ui.screenshot("item-a4")
    ui.tap(ui.screen.ids.print_a4_btn)
    ui.wait_until(lambda: _notice(ui) == "请在出纸口取走您的办事指南。", timeout=10)
    pdfs = list(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert printer.jobs == []                           # the receipt printer was not used


def test_no_a4_button_without_an_a4_printer(ui, printer):
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    assert not ui.screen.a4 and ui.screen._kept["print_a4_btn"].parent is None
    import gc
    gc.collect()                                   # the hidden button must survive a collection
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    assert ui.app.manager.current == "item"
    ui.screenshot("item-print-buttons")


def test_three_action_buttons_fit_in_large_text(ui, printer, tmp_path):
    """GIVEN large-text mode and an A4 printer THEN the item's three action buttons (QR, print,
    A4) still show their whole captions (help is the top bar's button)."""
    from ui_kit import overflowing
    from drivers.a4_printer import create_a4_printer

    a4 = create_a4_printer(f"sim://?spool={tmp_path}")
    a4.open()
    ui.kiosk.devices["a4_printer"] = a4
    ui.kiosk.session.set_large_text(True)
    ui.kiosk.session.go("item", id="SI-0001")          # online: the QR button too
    ui.frames(3)
    bar = ui.screen.ids.print_btn.parent
    assert [w.text for w in bar.children[::-1]] == ["手机继续办理", "打印办事指南", "打印 A4 版"]
    assert not overflowing(bar)
    ui.screenshot("large-item-a4")
