# SPDX-License-Identifier: Apache-2.0
"""Steps the admin screen tests share: the long press, the PIN pad, finding shown text."""
from kivy.tests.common import UnitTestTouch

PIN_ADMIN, PIN_HELPER = "24680", "13579"      # A01 (admin) and W01 (helper) in the admin_ui fixture


def long_press(ui, widget_id="title", seconds=3.0):
    label = ui.screen.ids[widget_id]
    touch = UnitTestTouch(*label.to_window(*label.center))
    touch.touch_down()
    ui.frames(1)
    ui.clock.advance(seconds)
    ui.frames(3)
    touch.touch_up()
    ui.frames(2)


def enter_pin(ui, pin):
    """Types the PIN, taps 确认 and waits until the check (on a worker) has answered."""
    screen = ui.screen
    pad = screen.ids.pad
    for digit in pin:
        ui.tap(pad.keys[digit])
    ui.tap(screen.ids.ok_btn)
    ui.wait_until(lambda: not screen.checking)
    ui.frames(2)


def login(ui, pin):
    ui.kiosk.session.home()
    ui.frames(2)
    long_press(ui)
    assert ui.app.manager.current == "admin_login"
    enter_pin(ui, pin)
    ui.wait_until(lambda: ui.app.manager.current == "admin")


def shown_texts(ui):
    from kivy.uix.label import Label
    return [w.text for w in ui.screen.walk(restrict=True)
            if isinstance(w, Label) and w.text and w.opacity > 0 and w.get_root_window() is not None]


def tap_section(ui, name):
    ui.tap(ui.screen.ids[f"sec_{name}"])
    ui.frames(2)


def tap_action(ui, key):
    ui.tap(ui.screen.buttons[key])


def tap_panel(ui, key):
    """Taps a panel button (the whole panel is in view) and waits until the simulator has acted."""
    scroll = ui.screen.ids.scroll
    ui.frames(2)                              # laid out (the section was just drawn)
    btn = ui.screen.buttons[key]
    _x, y = btn.to_window(*btn.pos)
    _sx, sy = scroll.to_window(*scroll.pos)
    assert sy <= y and y + btn.height <= sy + scroll.height, f"{key}: off the panel (it must fit unscrolled)"
    bridge = ui.app.admin_flow.sim_bridge
    before = bridge.revision
    ui.tap(btn)
    ui.wait_until(lambda: bridge.revision > before)   # a ScrollView hands a tap on a moment later
    ui.frames(2)
