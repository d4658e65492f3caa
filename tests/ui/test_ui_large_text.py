# SPDX-License-Identifier: Apache-2.0
"""Large-text mode (适老化) on every screen: text ≥ 30 dp, targets ≥ 60 dp, nothing overflows.
Normal mode: targets ≥ 48 dp."""
import pytest
from kivy.metrics import dp
from kivy.uix.button import Button
from kivy.uix.checkbox import CheckBox

from ui_kit import overflowing, visible_labels

ROUTES = [("home", {}), ("browse", {"by": "department"}), ("browse", {"by": "theme", "group": "个人"}),
          ("browse", {"by": "theme", "group": "法人"}), ("list", {"by": "theme", "value": "个人:户籍办理", "page": 0}),
          ("list", {"by": "department", "value": "行政审批服务局", "page": 0}),
          ("search", {}), ("item", {"id": "SI-0049"}), ("item", {"id": "SI-0050"}),
          ("qr", {"id": "SI-0049"})]


def _targets(widget):
    return [w for w in widget.walk(restrict=True)
            if isinstance(w, (Button, CheckBox)) and w.opacity > 0 and not w.disabled
            and w.height > 1]


def _check(ui, widget, min_font, min_target):
    small = [(w.text[:20], w.font_size) for w in visible_labels(widget) if w.font_size < min_font - 0.5]
    assert not small, f"text below {min_font}px: {small}"
    tiny = [(getattr(w, "text", "")[:20], tuple(w.size)) for w in _targets(widget)
            if w.width < min_target or w.height < min_target]
    assert not tiny, f"targets below {min_target}px: {tiny}"
    assert not overflowing(widget)


def _visit(ui, screen, params):
    if screen == "home":
        ui.kiosk.session.home()
    else:
        ui.kiosk.session.go(screen, **params)
    ui.frames(3)
    assert ui.app.manager.current == screen


def test_large_text_on_every_screen(ui):
    """GIVEN 大字模式 tapped WHEN each screen and the countdown show THEN body text is
    ≥ 30 dp, touch targets ≥ 60 dp and every text fits its widget."""
    ui.tap(ui.screen.ids.tile_large)
    assert ui.app.theme.large and "已开启" in ui.screen.ids.tile_large.text
    for screen, params in ROUTES:
        _visit(ui, screen, params)
        if screen == "search":
            for key in "sbk":
                ui.tap_key(key)
            kb = ui.keyboard()
            assert kb.height * kb.scale / 4 >= dp(60)            # 4 rows of keys
        _check(ui, ui.screen, dp(30), dp(60))
        if screen in ("home", "item") and params.get("id") != "SI-0050":
            ui.screenshot(f"large-{screen}")
    ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
    _check(ui, ui.app.overlay, dp(30), dp(60))
    ui.tap(ui.app.overlay.ids.more_btn)
    assert ui.app.theme.large


@pytest.mark.parametrize("screen,params", ROUTES)
def test_normal_mode_targets(ui, screen, params):
    """GIVEN normal mode WHEN a screen shows THEN targets are ≥ 48 dp and text fits."""
    _visit(ui, screen, params)
    _check(ui, ui.screen, dp(20), dp(48))
