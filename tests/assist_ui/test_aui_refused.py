# SPDX-License-Identifier: Apache-2.0
"""The hub refuses this terminal (not registered, wrong token): 呼叫帮办 says so and recovers."""
from aui_helpers import overflowing


def test_refused_terminal_offers_the_desk_and_recovers(assist_ui):
    """GIVEN a linked hub WHEN it refuses this terminal THEN 呼叫帮办 becomes 找工作人员 on the
    home tile and in every bar, and a tap opens the desk screen (no consent, nothing requested);
    WHEN the hub takes it again THEN 呼叫帮办 is back and a tap leads to the consent screen."""
    ui = assist_ui
    ui.kiosk.session.go("search")
    ui.kiosk.session.home()
    ui.frames(2)
    home = ui.app.manager.get_screen("home")
    assert home.ids.tile_assist.text.startswith("呼叫帮办") and ui.app.assist_ready

    ui.service.set(state="unavailable")
    ui.frames(2)
    assert home.ids.tile_assist.text.startswith("找工作人员") and not ui.app.assist_ready
    assert not any(w in home.ids.tile_assist.text for w in ("暂未开通", "未开通"))
    ui.tap(home.ids.tile_assist)
    ui.frames(2)
    assert ui.app.manager.current == "help"
    assert ui.service.calls == []
    assert not overflowing(ui.screen)

    ui.service.set(state="idle")
    ui.kiosk.session.home()
    ui.frames(2)
    assert home.ids.tile_assist.text.startswith("呼叫帮办")
    ui.tap(home.ids.tile_assist)
    ui.frames(2)
    assert ui.app.manager.current == "assist_consent"
