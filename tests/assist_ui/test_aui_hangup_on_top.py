# SPDX-License-Identifier: Apache-2.0
"""挂断 is always reachable during a call: tapped through Kivy's input path on every
screen, the search screen with its docked keyboard up included."""
from PIL import Image

from screens.app import SCREENS

PARAMS = {"item": {"id": "SI-0049"}, "list": {}, "qr": {"id": "SI-0049"}}


def _call(ui):
    ui.service.set(state="connected", helper_name="王芳")
    ui.frames(3)
    assert ui.app.manager.current == "assist_call"


def _hangup_tapped(ui, before: int) -> bool:
    return ui.service.calls[before:] == [("hangup",)] and not ui.ctl.in_call


def test_hangup_reachable_on_every_screen(assist_ui):
    """GIVEN a call WHEN the citizen is on any screen THEN the in-call strip is the window's
    topmost child and a tap on its 挂断 hangs up (on the call screen: its own 挂断)."""
    ui = assist_ui
    tried = []
    for name in SCREENS:
        _call(ui)
        before = len(ui.service.calls)
        if name != "assist_call":
            ui.kiosk.session.go(name, **PARAMS.get(name, {}))
            ui.frames(3)
            if ui.app.manager.current != name:         # a screen that needs a state first
                ui.kiosk.session.home()
                ui.frames(2)
                continue
            banner = ui.ctl.banner
            assert ui.window.children[0] is banner, name
            assert banner.ids.stop_btn.text == "挂断"
            ui.tap(banner.ids.stop_btn)
        else:
            ui.tap(ui.screen.ids.hangup_btn)
        ui.frames(2)
        assert _hangup_tapped(ui, before), (name, ui.service.calls[before:])
        tried.append(name)
        ui.kiosk.session.home()
        ui.frames(2)
    print("screens tried:", tried)
    assert {"home", "browse", "search", "item", "assist_call"} <= set(tried), tried


def test_hangup_above_the_search_keyboard(assist_ui):
    """GIVEN a call and the search screen with its keyboard up WHEN the citizen taps 挂断
    THEN the call ends (the strip sits above the keyboard and covers no key; the tap types
    nothing)."""
    ui = assist_ui
    _call(ui)
    ui.kiosk.session.go("search")
    ui.frames(3)
    ui.tap_key("a")
    field = ui.screen.ids.field
    text = field.text
    vk = ui.keyboard()
    assert vk is not None and field.focus, "the keyboard is up"
    banner = ui.ctl.banner
    assert ui.window.children[0] is banner
    kb_top = vk.bbox[0][1] + vk.bbox[1][1]
    assert banner.y >= kb_top - 1 and banner.top <= ui.window.height
    shot = ui.screenshot("assist-hangup-over-keyboard")
    btn = banner.ids.stop_btn
    x, y = btn.to_window(*btn.center)
    img = Image.open(shot).convert("RGB")
    r, g, b = img.getpixel((int(x), img.height - 1 - int(y)))
    assert r > 120 and g < 80 and b < 80, "挂断 (red) is drawn where it is tapped"
    before = len(ui.service.calls)
    ui.tap(btn)
    assert _hangup_tapped(ui, before)
    assert field.text == text, "the tap typed nothing"
    assert banner.parent is None
