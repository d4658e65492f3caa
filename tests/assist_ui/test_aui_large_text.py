# SPDX-License-Identifier: Apache-2.0
"""Large-text mode (适老化) on every assist screen and overlay: text ≥ 30 dp, targets ≥ 60 dp."""
from kivy.metrics import dp
from kivy.uix.button import Button

from aui_helpers import overflowing, visible_labels


def _check(widget):
    small = [(w.text[:20], w.font_size) for w in visible_labels(widget) if w.font_size < dp(30) - 0.5]
    assert not small, f"text below 30 dp: {small}"
    tiny = [(w.text[:20], tuple(w.size)) for w in widget.walk(restrict=True)
            if isinstance(w, Button) and w.opacity > 0 and not w.disabled
            and (w.width < dp(60) or w.height < dp(60))]
    assert not tiny, f"targets below 60 dp: {tiny}"
    assert not overflowing(widget)


def test_assist_screens_in_large_text(assist_ui):
    ui = assist_ui
    ui.kiosk.session.set_large_text(True)
    ui.frames(2)
    for route, params in (("assist_consent", {}), ("assist_wait", {}),
                          ("assist_fallback", {"reason": "timeout"}), ("staff_pin", {})):
        ui.kiosk.session.go(route, **params)
        ui.frames(3)
        assert ui.app.manager.current == route
        _check(ui.screen)
        ui.screenshot(f"large-{route.replace('_', '-')}")
    ui.kiosk.session.home()
    ui.frames(2)
    ui.tap(ui.screen.ids.tile_assist)
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="queued", position=4, estimate_s=400)
    ui.frames(2)
    _check(ui.screen)
    ui.tap(ui.screen.ids.browse_btn)
    _check(ui.ctl.banner)
    ui.service.set(state="connected", helper_name="王芳")
    ui.frames(3)
    assert ui.app.manager.current == "assist_call"
    _check(ui.screen)
    ui.screenshot("large-assist-call")
    assert callable(ui.ctl.mode.elevate_by_badge)  # the badge entry exists for the PC/SC colleague
    ui.ctl.mode.pins["W01"] = "scrypt$unused"
    ui.ctl.mode.elevate_by_badge("W01")
    ui.frames(2)
    _check(ui.ctl.toolbar)
    ui.screenshot("large-assist-toolbar")
