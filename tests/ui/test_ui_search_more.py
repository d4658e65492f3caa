# SPDX-License-Identifier: Apache-2.0
"""Search beyond the first page, a fresh query after 首页 or a new session, and the
keyboard stepping aside while the citizen scrolls the results (large mode)."""
from kivy.metrics import dp

from ui_kit import button, overflowing


def _type(ui, keys):
    for key in keys:
        ui.tap_key(key)


def _rows(search):
    from screens.search import SearchScreen  # noqa: F401  (the screen's rows)
    return [w for w in search.ids.results.children[::-1] if w is not search._more]


def _window_rect(w):
    x, y = w.to_window(*w.pos)
    return x, y, x + w.width, y + w.height


def _fully_visible(rows, scroll):
    sx0, sy0, sx1, sy1 = _window_rect(scroll)
    out = []
    for r in rows:
        x0, y0, x1, y1 = _window_rect(r)
        if y0 >= sy0 - 1 and y1 <= sy1 + 1:
            out.append(r)
    return out


def _drag(ui, x, y0, y1, steps=6):
    """A finger on the results list, moved from y0 to y1 through Kivy's input path."""
    from kivy.tests.common import UnitTestTouch
    t = UnitTestTouch(x, y0)
    t.touch_down()
    ui.frames(1)
    for n in range(1, steps + 1):
        t.touch_move(x, y0 + (y1 - y0) * n / steps)
        ui.frames(1)
    t.touch_up()
    ui.frames(3)


def test_more_results_lists_the_next_thirty_until_all_are_listed(ui):
    """GIVEN hz (255 matches) WHEN 更多结果 at the end of the list is tapped THEN 30 more
    rows follow, in the engine's order, the first new one scrolled into view; at the
    end every match is listed and 更多结果 is gone."""
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    _type(ui, "hz")
    total = search.total
    assert total > 60 and len(_rows(search)) == 30
    more = search._more
    assert search.ids.results.children[0] is more                  # the last row of the list
    assert more.text == f"更多结果（还有 {total - 30} 项）"
    assert f"找到 {total} 项，已列出 30 项" in search.ids.status.text
    ui.tap_key("搜索")                                  # the keyboard goes; the list gets the screen
    expected = [h.item.name for h in ui.kiosk.search("hz", limit=None).hits]
    first_taps = 0
    while search._more.parent is not None:
        search.ids.scroll.scroll_y = 0                  # to the end of the list (the finger's work)
        ui.frames(3)
        before = len(_rows(search))
        if first_taps == 0:
            assert search._more in _fully_visible([search._more], search.ids.scroll)
            ui.screenshot("search-more-button")
        ui.tap(search._more)
        ui.frames(3)
        rows = _rows(search)
        assert len(rows) == min(total, before + 30)
        assert rows[before] in _fully_visible(rows, search.ids.scroll)   # the first new one is in view
        first_taps += 1
        if first_taps == 1:
            assert "已列出 60 项" in search.ids.status.text
            ui.screenshot("search-more")
            assert not overflowing(search)
    assert first_taps == -(-(total - 30) // 30)
    names = [r.text if not hasattr(r, "name_text") else r.name_text for r in _rows(search)]
    from ui_kit import visible_labels  # noqa: F401
    import re
    assert [re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", n) for n in names] == expected
    assert f"找到 {total} 项，最相关" in search.ids.status.text


def test_query_starts_afresh_after_home_and_after_a_new_session(ui):
    """GIVEN ptzh typed WHEN 首页 is tapped and search opened again THEN the field is empty
    and pthz gives pthz (not ptzhpthz); after the session times out the same."""
    ui.tap(ui.screen.ids.tile_search)
    _type(ui, "ptzh")
    assert ui.screen.ids.field.text == "ptzh"
    ui.tap(button(ui.screen, "首页"))
    assert ui.app.manager.current == "home"
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    assert search.ids.field.text == "" and len(_rows(search)) == 0
    _type(ui, "pthz")
    assert search.ids.field.text == "pthz"
    assert _rows(search)[0].text.replace("[color=b3261e][u]", "").startswith("普通")
    ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
    ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)
    assert ui.app.manager.current == "home"
    ui.tap(ui.screen.ids.tile_search)
    assert ui.screen.ids.field.text == "" and len(_rows(ui.screen)) == 0
    _type(ui, "hz")
    assert ui.screen.ids.field.text == "hz"
    ui.screenshot("search-fresh-after-session")


def test_large_mode_keyboard_steps_aside_while_the_results_are_scrolled(ui):
    """GIVEN large mode and hk typed (few results fit above the keyboard) WHEN the citizen
    drags the results list THEN the keyboard hides and the list has room for 4 results
    of two lines (3 whole ones at any scroll position; with the keyboard up 3 one-line rows,
    tests/ui/test_ui_search_keyboard_up.py); a tap on the field brings the keyboard back."""
    ui.tap(ui.screen.ids.tile_large)
    assert ui.app.theme.large
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    _type(ui, "hk")
    scroll = search.ids.scroll
    typing = len(_fully_visible(_rows(search), scroll))
    ui.screenshot("search-large-typing")
    assert ui.keyboard() is not None and typing >= 3
    x0, y0, x1, y1 = _window_rect(scroll)
    _drag(ui, (x0 + x1) / 2, y0 + (y1 - y0) * 0.3, y0 + (y1 - y0) * 0.3 + 150)
    assert ui.keyboard() is None and not search.ids.field.focus
    ui.frames(3)
    shown = _fully_visible(_rows(search), scroll)
    assert len(shown) >= 3, (typing, len(shown))
    assert all(r.height >= ui.app.theme.row_h for r in shown)     # two-line rows again
    assert scroll.height >= 4 * ui.app.theme.row_h        # room for four results, wherever the list stops
    assert ui.app.manager.current == "search"        # a drag opens nothing
    ui.screenshot("search-large-scrolled")
    assert not overflowing(search)
    ui.tap(search.ids.field)
    assert search.ids.field.focus and ui.keyboard() is not None
    _type(ui, "z")
    assert search.ids.field.text == "hkz"


def test_large_mode_more_results_button(ui):
    """GIVEN large mode and hk typed WHEN 搜索 hides the keyboard and the list is at its end
    THEN 更多结果（还有 N 项） is a large button, and it lists 30 more."""
    ui.tap(ui.screen.ids.tile_large)
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    _type(ui, "hk")
    ui.tap_key("搜索")
    assert ui.keyboard() is None
    search.ids.scroll.scroll_y = 0
    ui.frames(3)
    more = search._more
    assert more in _fully_visible([more], search.ids.scroll)
    assert more.height >= dp(60) and more.font_size >= dp(30) - 0.5
    assert more.text == f"更多结果（还有 {search.total - 30} 项）"
    ui.screenshot("search-large-more-button")
    assert not overflowing(search)
    ui.tap(more)
    assert len(_rows(search)) == 60


def test_normal_mode_scrolling_also_hides_the_keyboard(ui):
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    _type(ui, "sb")
    x0, y0, x1, y1 = _window_rect(search.ids.scroll)
    _drag(ui, (x0 + x1) / 2, y0 + 20, y0 + 170)
    assert ui.keyboard() is None
    ui.screenshot("search-scrolled")
