# SPDX-License-Identifier: Apache-2.0
"""Fonts, contrast, lockdown, errors, the bridge's threading."""
import threading

import pytest

from ui_kit import button, overflowing


def test_cjk_font_is_not_tofu(ui):
    """GIVEN the registered font WHEN two hanzi render THEN their textures differ."""
    from kivy.core.text import Label as CoreLabel

    def px(ch):
        lab = CoreLabel(text=ch, font_size=40)
        lab.refresh()
        return lab.texture.pixels
    assert px("政") != px("务")
    assert px("删") != px("除")


@pytest.mark.parametrize("name", sorted(__import__("screens.theme").theme.PAIRS))
def test_colour_pairs_have_contrast(name):
    """GIVEN each text/background pair of the theme THEN its contrast is at least 4.5:1."""
    from screens import theme
    fg, bg = theme.PAIRS[name]
    assert theme.contrast(fg, bg) >= 4.5


def test_home_help_is_real_without_a_hub(ui):
    """GIVEN no helpdesk hub WHEN home shows THEN the help tile says 找工作人员 (never
    暂未开通) and all text fits; WHEN tapped THEN the desk screen names where, when and the
    phone, from config; every screen's bar carries the same 找工作人员."""
    home = ui.screen
    assert home.ids.tile_assist.text.startswith("找工作人员") and "开通" not in home.ids.tile_assist.text
    assert not overflowing(home)
    ui.tap(home.ids.tile_assist)
    assert ui.app.manager.current == "help"
    texts = " ".join(w.text for w in ui.screen.walk() if getattr(w, "text", ""))
    cfg = ui.kiosk.config
    for expected in (cfg["hall.desk_location"], cfg["hall.opening_hours"], "0631-12345"):
        assert expected in texts
    assert "帮办" not in texts and "视频" not in texts
    assert not overflowing(ui.screen)
    ui.screenshot("help-desk")
    for screen, params in (("search", {}), ("browse", {"by": "department"}), ("qr", {"id": "SI-0001"}),
                           ("list", {"by": "audience", "value": "个人", "page": 0}), ("item", {"id": "SI-0049"})):
        ui.kiosk.session.go(screen, **params)
        ui.frames(2)
        ui.tap(button(ui.screen, "找工作人员"))
        assert ui.app.manager.current == "help", screen


def test_help_desk_words_come_from_config(make_ui):
    ui = make_ui(**{"hall.desk_location": "二楼 B 区 3 号窗口", "hall.desk_hours": "周一至周六 8:30-17:30",
                    "hall.desk_phone": "0631-5556677"})
    ui.kiosk.session.go("help")
    ui.frames(2)
    texts = " ".join(w.text for w in ui.screen.walk() if getattr(w, "text", ""))
    assert "二楼 B 区 3 号窗口" in texts and "周一至周六 8:30-17:30" in texts and "0631-5556677" in texts


def test_window_close_is_refused(ui):
    """GIVEN kiosk mode WHEN the window is asked to close (Alt+F4, close) THEN it refuses."""
    assert ui.window.dispatch("on_request_close") is True


def test_error_in_a_screen_returns_home_with_a_plain_message(ui):
    """GIVEN a route that fails WHEN it is shown THEN home returns with an apology."""
    ui.kiosk.session.go("item", id="NO-SUCH-ITEM")
    ui.frames(2)
    assert ui.app.manager.current == "home"
    assert ui.app.root.notice.startswith("抱歉")
    ui.kiosk.session.go("browse", by="department")
    ui.frames(1)
    from kivy.base import ExceptionManager
    assert ui.app._error_handler.handle_exception(RuntimeError("boom")) == ExceptionManager.PASS
    assert ui.app.manager.current == "home"


def test_bridge_updates_on_the_main_thread(ui):
    """GIVEN a change made on another thread WHEN frames run THEN the screen follows."""
    t = threading.Thread(target=ui.kiosk.session.go, args=("browse",), kwargs={"by": "category"})
    t.start()
    t.join()
    ui.wait_until(lambda: ui.app.manager.current == "browse")
    assert ui.screen.by == "category"
