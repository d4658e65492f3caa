# SPDX-License-Identifier: Apache-2.0
"""Search words (俗称) on screen: a keyword-only hit shows the name and, smaller, the keyword."""
import pytest
from kivy.metrics import dp

from ui_kit import overflowing, visible_labels

LONG = "个体工商户设立登记（含经营范围涉及前置审批事项的个体工商户在网上申请设立登记并领取纸质执照的情形）"
ITEMS = ("id,name,department,keywords\n"
         "H1,企业设立登记,行政审批服务局,营业执照;开公司\n"
         "H2,营业执照遗失补领,行政审批服务局,\n"
         f"H3,{LONG},行政审批服务局,营业执照、开店\n"
         "H4,婚姻登记,民政局,结婚证\n")


@pytest.fixture
def hall_ui(make_ui, tmp_path):
    path = tmp_path / "hall.csv"
    path.write_text(ITEMS, encoding="utf-8")
    return make_ui(**{"catalogue.path": str(path)})


def _type(ui, keys):
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    for key in keys:
        ui.tap_key(key)
    return ui.screen.ids.results.children[::-1]


def _inside(inner, outer, tol=1):
    ix, iy = inner.to_window(*inner.pos)
    ox, oy = outer.to_window(*outer.pos)
    return (ix >= ox - tol and iy >= oy - tol and ix + inner.width <= ox + outer.width + tol
            and iy + inner.height <= oy + outer.height + tol)


def test_keyword_hit_shows_name_and_search_word_and_opens(hall_ui):
    """GIVEN a hall catalogue where 营业执照 is a keyword of H1 and H3 WHEN y y z z are
    tapped THEN the name match comes first, then H1 and H3 with their names plain and
    （搜索词：营业执照） under them, matched characters highlighted; a tap opens the item."""
    ui = hall_ui
    rows = _type(ui, "yyzz")
    search = ui.screen
    assert search.total == 3 and "找到 3 项" in search.ids.status.text
    assert rows[0].text == "[color=b3261e][u]营业执照[/u][/color]遗失补领"
    via = rows[1:]
    assert [r.ids.name.text for r in via] == ["企业设立登记", LONG]
    mark = "（搜索词：[color=b3261e][u]营业执照[/u][/color]）"
    assert [r.ids.via.text for r in via] == [mark, mark]
    for row in via:
        name, word = row.ids.name, row.ids.via
        assert _inside(name, row) and _inside(word, row)
        assert word.top <= name.y + 1                        # under the name
        assert word.font_size < name.font_size and word.font_size >= dp(20) - 0.5
        assert row.height >= dp(48)
        word.texture_update()
        assert word.texture_size[0] > 5 * word.font_size     # the glyphs were rendered, not boxes of nothing
    assert via[1].ids.name.texture_size[1] <= via[1].ids.name.height + 2   # a long name is shortened
    assert not overflowing(search)
    ui.screenshot("search-keyword")
    ui.tap(via[0])
    assert ui.app.manager.current == "item"
    assert ui.screen.ids.content.children[-1].text.startswith("企业设立登记")


def test_keyword_rows_fit_in_large_text_mode(hall_ui):
    """GIVEN 大字模式 WHEN a keyword is typed THEN the search word line is ≥ 30 dp,
    the row is a ≥ 60 dp target, and nothing overflows."""
    ui = hall_ui
    ui.tap(ui.screen.ids.tile_large)
    assert ui.app.theme.large
    rows = _type(ui, "kd")                                    # 开店: H3 only through its keyword
    assert [r.ids.via.text for r in rows] == ["（搜索词：[color=b3261e][u]开店[/u][/color]）"]
    row = rows[0]
    assert row.height >= dp(60) and row.ids.via.font_size >= dp(30) - 0.5
    assert row.ids.via.top <= row.ids.name.y + 1
    small = [(w.text[:20], w.font_size) for w in visible_labels(ui.screen) if w.font_size < dp(30) - 0.5]
    assert not small
    assert not overflowing(ui.screen)
    ui.screenshot("large-search-keyword")
    ui.tap(row)
    assert ui.app.manager.current == "item"
    assert ui.screen.ids.content.children[-1].text.startswith("个体工商户")
