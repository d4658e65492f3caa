# SPDX-License-Identifier: Apache-2.0
"""Fonts, contrast, lockdown, errors, the bridge's threading."""
import threading

import pytest

from conftest import overflowing


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


def test_home_text_fits_and_assist_says_unavailable(ui):
    """GIVEN no helpdesk hub WHEN home shows THEN 呼叫帮办 says 暂未开通 and all text fits."""
    home = ui.screen
    assert "暂未开通" in home.ids.tile_assist.text
    assert not overflowing(home)
    ui.tap(home.ids.tile_assist)
    assert "暂未开通" in ui.app.root.notice and "0631-12345" in ui.app.root.notice


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
