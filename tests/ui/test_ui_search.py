# SPDX-License-Identifier: Apache-2.0
"""Search with the on-screen keyboard, highlighting, no-result help, IME text."""
import re

from ui_kit import overflowing


def plain(markup):
    return re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", markup)


def test_search_by_tapping_keys(ui):
    """GIVEN the search screen WHEN s, p, j, y are tapped on the on-screen keyboard
    THEN results update per key, 食品… is first with highlighted characters, and it opens."""
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    assert ui.app.manager.current == "search"
    ui.frames(2)
    assert search.ids.field.focus and ui.keyboard() is not None
    counts = []
    for key in "spjy":
        ui.tap_key(key)
        counts.append(search.total)
    assert search.ids.field.text == "spjy"
    assert counts[0] >= counts[-1] > 0
    from screens.search import highlight
    rows = search.ids.results.children[::-1]
    best = ui.kiosk.search("spjy").hits
    assert rows[0].text == highlight(best[0])       # the engine's best first, highlighted
    assert "[color=b3261e][u]" in rows[0].text
    assert any(plain(r.text).startswith("食品") for r in rows)   # 食品… is offered
    assert f"找到 {search.total} 项" in search.ids.status.text
    ui.screenshot("search")
    assert not overflowing(search)

    ui.tap_key("删除")
    assert search.ids.field.text == "spj"
    for key in "yxk":                            # 食品(含保健食品)经营许可: spjyxk
        ui.tap_key(key)
    top = search.ids.results.children[-1].text
    assert "[color=b3261e][u]" in top and plain(top).startswith("食品")
    # a tap on the keyboard's outer margin must not hide the keyboard
    vk = ui.keyboard()
    ui.tap_xy(*vk.to_parent(vk.width / 2, 2))
    assert search.ids.field.focus and ui.keyboard() is not None

    item_id = search.ids.results.children[-1]
    ui.tap(item_id)
    assert ui.app.manager.current == "item"
    assert ui.keyboard() is None                 # leaving the search hides the keyboard
    assert ui.screen.ids.content.children[-1].text.startswith("食品")


def test_clear_key_and_no_result(ui):
    """GIVEN typed text WHEN 清空 is tapped THEN the field empties; WHEN nothing matches
    THEN a plain message offers 呼叫帮办 and browsing; the hall's statistics count one search,
    the last one typed, as a zero-result query (kiosk/ops/stats_feed.py)."""
    from kiosk.ops.stats import HallCounter
    from kiosk.ops.stats_feed import StatsFeed
    counter = HallCounter()
    feed = StatsFeed(ui.kiosk, counter).start()
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    for key in "sbk":
        ui.tap_key(key)
    assert search.total > 0
    ui.tap_key("清空")
    assert search.ids.field.text == "" and search.total == 0
    for key in "9999":
        ui.tap_key(key)
    assert search.no_result and "没有找到" in search.ids.status.text
    assert search.ids.no_result_box.height > 0
    ui.screenshot("search-no-result")
    ui.tap_key("搜索")
    assert ui.keyboard() is None                 # 搜索 hides the keyboard
    ui.tap(search.ids.browse_btn)
    assert ui.app.manager.current == "browse"
    feed.stop()
    [day] = counter.days()
    assert (day["searches"], day["zero_searches"], day["zero_queries"]) == (1, 1, [["9999", 1]])


def test_chinese_text_from_a_physical_keyboard(ui):
    """GIVEN the search field WHEN an IME commits Chinese text THEN it is searched."""
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    ui.window.dispatch("on_textinput", "社保")
    ui.frames(2)
    assert search.ids.field.text == "社保"
    assert search.total > 0
    assert "社" in search.ids.results.children[-1].text


def test_markup_in_names_is_escaped():
    """GIVEN a name with markup characters WHEN highlighted THEN they are escaped."""
    from kiosk.catalogue import Item
    from kiosk.search import Hit
    from screens.search import highlight
    text = highlight(Hit(Item(id="x", name="[b]A&B[/b]"), (1,)))
    assert "&bl;" in text and "[b]" not in text.replace("[color=b3261e][u]b[/u][/color]", "")


def test_the_citizens_word_order_finds_the_item_and_says_so(ui):
    """GIVEN 迁户口 (the act first, as people say it; the catalogue names 户口迁入…) typed by an IME
    WHEN searched THEN nothing matches as typed, so the 户口迁 results show, and the screen says
    that it shows another reading of the words; a word with nothing behind it still says so."""
    ui.tap(ui.screen.ids.tile_search)
    search = ui.screen
    ui.window.dispatch("on_textinput", "迁户口")
    ui.frames(2)
    assert search.total > 0 and "没有找到“迁户口”。下面是“户口迁”的" in search.status
    first = search.ids.results.children[-1]
    assert first.text.replace("[/u]", "").count("户") and "迁" in first.text
    ui.screenshot("search-word-order")
    for _ in "迁户口":
        search.ids.field.do_backspace()
    ui.window.dispatch("on_textinput", "提取公积金")
    ui.frames(2)
    assert search.total == 0 and search.status.startswith("没有找到与“提取公积金”相关的事项")
