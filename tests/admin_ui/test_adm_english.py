# SPDX-License-Identifier: Apache-2.0
"""The admin screen in English (issue 13), tapped through Kivy's input path: the admin service's
and the simulator's own status lines (kiosk/ops/admin*.py, kiosk/ops/simulator.py) follow the
language of the screen, and the receipt test page prints in it.

The lines are made in the core without Kivy as marked texts with their values (kiosk/i18n.py
``N_(template, **values)``) and translated where the screen shows them, so the same line reads
in the other language after a switch."""
from adm_helpers import PIN_ADMIN, login, shown_texts, tap_action, tap_panel, tap_section
from english import cut_words, leftover_chinese

from drivers.receipt_printer import create_printer

SECTIONS = ("devices", "print", "content", "settings", "power")


def _english(ui, shot):
    """No Chinese kiosk text on the window (the EN / 中文 switch's 中文 aside), nothing cut."""
    from aui_helpers import overflowing

    ui.frames(2)
    path = ui.screenshot(shot)
    bad = leftover_chinese(ui.app.root, [])
    assert not bad, f"{shot} ({path}): Chinese left on the English admin screen: {bad}"
    assert not overflowing(ui.screen), (shot, overflowing(ui.screen))
    assert not cut_words(ui.app.root), (shot, cut_words(ui.app.root))
    ids = ui.screen.ids
    menu = [ids[k] for k in ids if k.startswith("sec_")]
    shortened = [b.text for b in menu if b._label.get_extents(b.text)[0] > b.text_size[0]]
    assert not shortened, f"{shot}: section names shortened with …: {shortened}"


def _to_english(ui):
    login(ui, PIN_ADMIN)
    assert ui.screen.ids.lang_btn.text == "EN"
    ui.tap(ui.screen.ids.lang_btn)
    ui.frames(2)
    assert ui.app.ui.language == "en" and ui.screen.ids.lang_btn.text == "中文"


def test_self_test_status_and_test_page_are_english(admin_ui, capture_printer):
    """GIVEN the admin screen switched to EN WHEN the admin runs 自检 on the receipt printer and
    prints its test page THEN the result lines, the paper forecast and every section read in
    English, and the captured receipt's headings are English (its Chinese samples stay: they are
    what it tests)."""
    ui = admin_ui()
    device = create_printer(capture_printer.uri, name="receipt_printer")
    device.open()
    ui.kiosk.devices["receipt_printer"] = device
    _to_english(ui)
    assert "Receipt printer: normal" in shown_texts(ui)
    tap_action(ui, "test:receipt_printer")
    ui.wait_until(lambda: ui.screen.status == "Receipt printer: self-test passed", timeout=10)
    assert "Self-test passed" in shown_texts(ui)
    _english(ui, "admin-en-self-test")

    tap_section(ui, "print")
    assert any(t.startswith("Receipt paper left: about ") for t in shown_texts(ui))
    tap_action(ui, "print:receipt")
    ui.wait_until(lambda: ui.screen.status == "Receipt printer: test page printed", timeout=10)
    _english(ui, "admin-en-print")
    assert capture_printer.wait_jobs(1)
    job = capture_printer.jobs()[-1]
    for words in (b"Print test", b"Chinese sample: ", b"Punctuation: ", b"Mixed ABC abc", b"Scan test"):
        assert words in job, words
    assert "打印测试".encode("gb18030") not in job and "中文测试".encode("gb18030") not in job
    assert "政务服务大厅自助终端".encode("gb18030") in job          # the sample itself

    tap_action(ui, "paper")
    ui.frames(2)
    assert ui.screen.status.startswith("Paper change recorded. Receipt paper left: about 50.0 m")
    for section in SECTIONS[2:]:
        tap_section(ui, section)
        _english(ui, f"admin-en-{section}")
    tap_action(ui, "poweroff")
    _english(ui, "admin-en-poweroff-confirm")
    tap_action(ui, "cancel")

    ui.tap(ui.screen.ids.lang_btn)            # 中文: the same line, in Chinese
    ui.frames(2)
    assert ui.app.ui.language == "zh"
    tap_section(ui, "print")
    assert ui.screen.status.startswith("已记录换纸。小票纸预计剩余 50.0 米")


def test_simulator_panel_lines_follow_the_language(admin_ui):
    """GIVEN --simulate and the admin screen in EN WHEN staff set the receipt printer to 缺纸 on the
    模拟器 panel THEN what the panel says it did and its state lines are English; 中文 shows the
    same lines in Chinese."""
    ui = admin_ui(simulate=True)
    printer = create_printer("sim://", name="receipt_printer")
    printer.open()
    ui.kiosk.devices["receipt_printer"] = printer
    _to_english(ui)
    tap_section(ui, "sim")
    tap_panel(ui, "sim:printer:paper_out")
    assert ui.screen.status == "Receipt printer: out of paper"
    assert any("Receipt printer: out of paper" in t for t in shown_texts(ui))
    _english(ui, "admin-en-sim")
    ui.tap(ui.screen.ids.lang_btn)
    ui.frames(2)
    assert ui.screen.status == "小票打印机：缺纸"
    assert any("小票打印机：缺纸" in t for t in shown_texts(ui))


def test_english_admin_sections_fit_in_large_text(admin_ui):
    """Large text (适老化) in English: the longer English lines still fit, no word cut."""
    ui = admin_ui(**{"ui.large_text": True})
    _to_english(ui)
    assert ui.app.theme.large
    for section in SECTIONS:
        tap_section(ui, section)
        _english(ui, f"admin-en-large-{section}")
