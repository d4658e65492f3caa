# SPDX-License-Identifier: Apache-2.0
"""Assist mode at the terminal: long press → PIN pad → helper toolbar, audit lines, timeouts."""
import logging

from kivy.tests.common import UnitTestTouch

from aui_helpers import PIN_W01, overflowing


def _long_press(ui, seconds=3.0):
    label = ui.screen.ids.terminal_label
    touch = UnitTestTouch(*label.to_window(*label.center))
    touch.touch_down()
    ui.frames(1)
    ui.clock.advance(seconds)
    ui.frames(3)
    touch.touch_up()
    ui.frames(2)


def _enter(ui, pin):
    pad = ui.screen.ids.pad
    for digit in pin:
        ui.tap(pad.keys[digit])
    ui.tap(ui.screen.ids.ok_btn)


def _audit(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "ehall.audit"]


def test_pin_toolbar_actions_logged_and_inactivity(staff_ui, caplog):
    """GIVEN helpers' PIN hashes WHEN the terminal id is held 3 s THEN the PIN pad opens; a wrong
    PIN says so; the right one shows the toolbar; each action is logged with the helper id;
    two minutes without a helper action end the mode."""
    ui = staff_ui
    caplog.set_level(logging.INFO, logger="ehall.audit")
    _long_press(ui, seconds=1.0)
    assert ui.app.manager.current == "home"
    _long_press(ui)
    assert ui.app.manager.current == "staff_pin"
    _enter(ui, "1111")
    assert "PIN 不正确" in ui.screen.message and "4 次" in ui.screen.message
    assert not overflowing(ui.screen)
    ui.screenshot("staff-pin")
    _enter(ui, PIN_W01)
    assert ui.app.manager.current == "home" and ui.ctl.mode.helper_id == "W01"
    bar = ui.ctl.toolbar
    assert bar.parent is ui.app.root and "W01" in bar.ids.who.text
    ui.tap(bar.ids.large_btn)
    assert ui.kiosk.session.large_text and ui.app.theme.large
    ui.tap(bar.ids.item_btn)
    for digit in "49":
        ui.tap(bar._panel.ids.pad.keys[digit])
    rows = bar._panel.ids.results.children
    assert rows and rows[-1].text.startswith("SI-0049")
    ui.screenshot("assist-toolbar-item")
    ui.tap(rows[-1])
    assert ui.app.manager.current == "item" and ui.screen.item_id == "SI-0049"
    ui.tap(bar.ids.status_btn)
    assert bar.panel == "devices" and bar.status_text
    ui.screenshot("assist-toolbar-status")
    ui.tap(bar.ids.status_btn)
    lines = _audit(caplog)
    actions = [line.split("action=")[1].split()[0] for line in lines]
    assert actions == ["pin_wrong", "elevated", "large_text", "open_item", "device_status"]
    assert all("helper=W01" in line for line in lines[1:]) and "item=SI-0049" in lines[3]
    ui.clock.advance(119)
    ui.ctl.tick()
    assert ui.ctl.mode.active
    ui.clock.advance(1)
    ui.ctl.tick()
    ui.frames(2)
    assert not ui.ctl.mode.active and bar.parent is None
    assert "helper=W01" in _audit(caplog)[-1] and "reason=inactivity" in _audit(caplog)[-1]


def test_end_session_and_exit(staff_ui, caplog):
    """GIVEN assist mode WHEN the helper taps 结束办理 THEN the citizen's session ends and so
    does the mode; 退出协助模式 leaves it at once."""
    ui = staff_ui
    caplog.set_level(logging.INFO, logger="ehall.audit")
    ui.kiosk.session.search_text = "张三"
    _long_press(ui)
    _enter(ui, PIN_W01)
    ui.tap(ui.ctl.toolbar.ids.end_btn)
    ui.frames(2)
    assert ui.kiosk.session.ended_count == 1 and not ui.ctl.mode.active
    assert ui.ctl.toolbar.parent is None
    _long_press(ui)
    _enter(ui, "2468")
    assert ui.ctl.mode.helper_id == "W02"
    ui.tap(ui.ctl.toolbar.ids.exit_btn)
    assert not ui.ctl.mode.active and ui.ctl.toolbar.parent is None
    text = "\n".join(_audit(caplog))
    assert "action=end_session" in text and "reason=session_end" in text
    assert "helper=W02" in text and "reason=exit" in text and "张三" not in text


def test_lockout_after_five_wrong_pins(staff_ui):
    """GIVEN 5 wrong PINs THEN the pad says it is locked and refuses the right PIN."""
    ui = staff_ui
    _long_press(ui)
    for _ in range(5):
        _enter(ui, "0000")
    assert "已锁定" in ui.screen.message and "5 分钟" in ui.screen.message
    _enter(ui, PIN_W01)
    assert ui.app.manager.current == "staff_pin" and not ui.ctl.mode.active
    ui.clock.advance(300)
    _enter(ui, PIN_W01)
    assert ui.ctl.mode.helper_id == "W01"
