# SPDX-License-Identifier: Apache-2.0
"""The hub refuses this terminal (not registered, wrong token): 呼叫帮办 says so and recovers."""
from aui_helpers import overflowing


def test_refused_terminal_greys_the_tile_and_recovers(assist_ui):
    """GIVEN a linked hub WHEN it refuses this terminal THEN the home tile reads 暂未开通 and a tap
    only shows the notice (no consent, nothing requested); WHEN the hub takes it again THEN the
    tile is live and a tap leads to the consent screen."""
    ui = assist_ui
    ui.kiosk.session.go("search")
    ui.kiosk.session.home()
    ui.frames(2)
    home = ui.app.manager.get_screen("home")
    assert "暂未开通" not in home.ids.tile_assist.text

    ui.service.set(state="unavailable")
    ui.frames(2)
    assert "暂未开通" in home.ids.tile_assist.text
    ui.tap(home.ids.tile_assist)
    ui.frames(2)
    assert ui.app.manager.current == "home"
    assert "暂未开通" in ui.app.root.notice
    assert ui.service.calls == []
    assert not overflowing(ui.screen)

    ui.service.set(state="idle")
    ui.frames(2)
    assert "暂未开通" not in home.ids.tile_assist.text
    ui.tap(home.ids.tile_assist)
    ui.frames(2)
    assert ui.app.manager.current == "assist_consent"
