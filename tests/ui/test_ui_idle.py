# SPDX-License-Identifier: Apache-2.0
"""Idle countdown: more time keeps the citizen's place; timeout or 结束办理 wipes everything."""
from ui_kit import overflowing

RICH = "SI-0049"          # 普通护照签发（首次申请）: limits, fee, materials


def _countdown(ui):
    ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
    assert ui.kiosk.session.phase.value == "countdown"
    assert ui.app.overlay.parent is ui.app.root
    return ui.app.overlay


def test_countdown_more_time_keeps_the_screen(ui):
    """GIVEN a citizen on an item WHEN idle for idle_seconds THEN the countdown shows;
    WHEN 需要更多时间 is tapped THEN it closes and the same item is still shown."""
    ui.kiosk.session.go("item", id=RICH)
    ui.frames(2)
    overlay = _countdown(ui)
    assert overlay.ids.seconds.text == "20 秒后将返回首页"
    ui.idle_for(5)
    assert overlay.ids.seconds.text == "15 秒后将返回首页"
    assert ui.app.manager.current == "item"
    ui.screenshot("countdown")
    assert not overflowing(overlay)

    ui.tap_xy(5, 5)                               # a stray touch does not end the countdown
    assert ui.kiosk.session.phase.value == "countdown"
    ui.tap(overlay.ids.more_btn)
    assert ui.kiosk.session.phase.value == "active"
    assert overlay.parent is None
    assert ui.app.manager.current == "item" and ui.screen.item_id == RICH


def test_timeout_wipes_everything(ui):
    """GIVEN a citizen who turned on large text, searched and browsed WHEN the countdown
    runs out THEN home returns and nothing they did is visible to the next citizen."""
    home = ui.screen
    ui.tap(home.ids.tile_large)
    assert ui.app.theme.large
    ui.tap(home.ids.tile_search)
    search = ui.screen
    for key in "sbk":
        ui.tap_key(key)
    assert search.total > 0
    ui.kiosk.session.go("list", by="department", value="行政审批服务局", page=3)
    ui.kiosk.session.go("item", id=RICH)
    ui.frames(2)
    _countdown(ui)
    ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)

    s = ui.kiosk.session
    assert s.phase.value == "idle" and s.ended_count == 1
    assert ui.app.manager.current == "home" and ui.app.overlay.parent is None
    assert not ui.app.theme.large and not ui.app.ui.large_text
    assert s.search_text == "" and [r.screen for r in s.history] == ["home"]
    assert ui.keyboard() is None
    assert search.ids.field.text == "" and not search.ids.results.children
    lst = ui.app.screens["list"]
    assert lst.page == 0 and not lst.ids.rows.children
    assert ui.app.screens["item"].item_id == "" and not ui.app.screens["item"].ids.content.children

    ui.tap(ui.screen.ids.tile_search)             # the next citizen
    assert ui.screen.ids.field.text == "" and not ui.screen.ids.results.children


def test_end_button_finishes_the_session(ui):
    """GIVEN the countdown WHEN 结束办理 is tapped THEN the session ends at once."""
    ui.kiosk.session.go("search")
    ui.frames(2)
    overlay = _countdown(ui)
    assert ui.keyboard() is None                  # the overlay is not hidden behind the keys
    ui.tap(overlay.ids.end_btn)
    assert ui.kiosk.session.ended_count == 1
    assert ui.app.manager.current == "home" and overlay.parent is None
