# SPDX-License-Identifier: Apache-2.0
"""Browsing by life topic (按主题) and by department A–Z, paged, names in full; normal and large mode."""
import pytest

from ui_kit import WIN_H, WIN_W, button, overflowing


def _buttons(browse):
    return list(reversed(browse.ids.groups.children))          # in the order shown


def _inside(widget, box):
    """widget's whole rectangle is inside box (both in window coordinates)."""
    x, y = widget.to_window(*widget.pos)
    bx, by = box
    return bx[0] - 1 <= x and x + widget.width <= bx[1] + 1 and by[0] - 1 <= y and y + widget.height <= by[1] + 1


def _scroll_box(browse):
    sv = browse.ids.scroll
    x, y = sv.to_window(*sv.pos)
    return (x, x + sv.width), (y, y + sv.height)


def _bars_inside_window(screen):
    """The top bar and the pager (when shown) lie wholly inside the window."""
    bars = [w for w in screen.walk(restrict=True) if type(w).__name__ == "NavBar"]
    bars += [screen.ids[k].parent for k in ("prev_btn",) if k in screen.ids and screen.ids[k].get_root_window()]
    assert bars
    for w in bars:
        x, y = w.to_window(*w.pos)
        assert 0 <= y and y + w.height <= WIN_H + 1 and 0 <= x and x + w.width <= WIN_W + 1, (type(w).__name__, y, w.height)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_home_theme_tile_then_a_theme_then_its_items(ui, large):
    """GIVEN home WHEN 按主题办事 is tapped THEN the personal themes show with their item counts;
    WHEN 户籍办理 is tapped THEN its items are listed; 法人主题 shows the enterprise themes."""
    if large:
        ui.tap(ui.screen.ids.tile_large)
        assert ui.app.theme.large
    home = ui.screen
    assert "按主题办事" in home.ids.tile_theme.text
    assert home.ids.tile_theme.x < home.ids.tile_search.x                  # first on the home screen
    ui.tap(home.ids.tile_theme)
    browse = ui.screen
    assert ui.app.manager.current == "browse" and browse.title == "个人办事主题"
    assert browse.ids.tab_theme_person.selected and not browse.ids.tab_department.selected
    tiles = _buttons(browse)
    names = [t.text.split("  ")[0] for t in tiles]
    assert names[:4] == ["生育收养", "户籍办理", "证件办理", "社会保障"]     # everyday life events first
    counts = {t.text.split("  ")[0]: t.text for t in tiles}
    assert "60\u00a0项" in counts["户籍办理"]
    mode = "large" if large else "normal"
    ui.screenshot(f"themes-personal-{mode}")
    assert browse.paged == large                                           # normal: one screen; large: pages
    first_page = tiles
    for page in range(browse.pages):
        shown = _buttons(browse)
        box = _scroll_box(browse)
        assert all(_inside(t, box) for t in shown), f"a theme is off screen on page {page + 1}"
        assert not overflowing(browse)
        _bars_inside_window(browse)
        if page:
            names += [t.text.split("  ")[0] for t in shown]
        if page < browse.pages - 1:
            ui.tap(browse.ids.next_btn)
    assert names[:12] == ["生育收养", "户籍办理", "证件办理", "社会保障", "婚姻登记", "就业创业", "住房保障",
                          "交通出行", "出境入境", "医疗卫生", "离职退休", "死亡殡葬"]
    assert len(names) == len(set(names)) == len(dict(ui.kiosk.themes.groups())["个人"])
    while browse.page:
        ui.tap(browse.ids.prev_btn)
    tiles = _buttons(browse)
    assert tiles[1].text == first_page[1].text
    ui.tap(tiles[1])                                                        # 户籍办理
    lst = ui.screen
    assert ui.app.manager.current == "list"
    assert lst.title == "户籍办理（共 60 项）" and lst.total == 60
    shown = [r.text for r in reversed(lst.ids.rows.children)]
    expected = ui.kiosk.themes.items("个人:户籍办理")
    assert shown[0] == expected[0].name and len(shown) == (4 if large else 7)   # normal: under the filter bar
    assert (lst.ids.filter_bar.parent is None) == large
    _bars_inside_window(lst)
    assert lst.ids.rows.children[0].y >= lst.ids.prev_btn.top                # the last row is above the pager
    assert all("户" in s or "居住证" in s or "身份" in s or "亲属" in s or "民族" in s for s in shown), shown
    ui.screenshot(f"themes-list-{mode}")
    assert not overflowing(lst)
    ui.tap(lst.ids.rows.children[-1])
    assert ui.app.manager.current == "item" and ui.screen.item_id == expected[0].id
    ui.tap(button(ui.screen, "返回"))
    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "browse" and ui.screen.group == "个人"

    ui.tap(ui.screen.ids.tab_theme_legal)
    browse = ui.screen
    assert browse.title == "法人办事主题" and browse.ids.tab_theme_legal.selected
    assert browse.page == 0
    ui.screenshot(f"themes-legal-{mode}")
    legal = []
    for page in range(browse.pages):
        legal += [t.text.split("  ")[0] for t in _buttons(browse)]
        assert all(_inside(t, _scroll_box(browse)) for t in _buttons(browse))
        assert not overflowing(browse)
        if page < browse.pages - 1:
            ui.tap(browse.ids.next_btn)
    assert legal[:3] == ["设立变更", "准营准办", "资质认证"] and legal[-2:] == ["档案文物", "其他"]
    assert len(legal) == 33
    assert len(ui.kiosk.session.history) == 2                               # tabs replace, Back goes home


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_departments_alphabetised_paged_and_never_truncated(ui, large):
    """GIVEN 按部门 WHEN the citizen pages through THEN departments come A–Z by pinyin, each
    page fits the screen, and every name is shown in full (wrapped, no …)."""
    if large:
        ui.tap(ui.screen.ids.tile_large)
    ui.tap(ui.screen.ids.tile_department)
    browse = ui.screen
    assert browse.title == "按部门浏览" and browse.paged
    mode = "large" if large else "normal"
    pages = browse.pages
    assert 3 <= pages <= (10 if large else 5)
    assert browse.ids.page_label.text == f"第 1/{pages} 页" and browse.ids.prev_btn.disabled
    seen = []
    for page in range(pages):
        rows = _buttons(browse)
        seen += [r.value for r in rows]
        box = _scroll_box(browse)
        for r in rows:
            r.texture_update()
            assert "…" not in r.text and r.value in r.text
            assert r.texture_size[1] <= r.height + 1 and r.texture_size[0] <= r.width + 1
            assert _inside(r, box), f"{r.value} is not fully on screen (page {page + 1})"
        assert not overflowing(browse)
        _bars_inside_window(browse)
        if any("联合社会事业局" in v for v in [r.value for r in rows]):
            ui.screenshot(f"departments-long-{mode}")
        if page == 0:
            ui.screenshot(f"departments-{mode}")
            assert seen[0] == "财政局"
        if page < pages - 1:
            ui.tap(browse.ids.next_btn)
            assert browse.page == page + 1
    assert browse.ids.next_btn.disabled
    assert len(seen) == 44 == len(set(seen))
    assert seen.index("公安分局") < seen.index("行政审批服务局") < seen.index("住房和城乡建设局")
    ui.tap(next(r for r in _buttons(browse) if r.value == "住房和城乡建设局"))
    assert ui.app.manager.current == "list" and ui.screen.total == 61
    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "browse" and ui.screen.page == pages - 1


def test_a_catalogue_without_themes_says_so_instead_of_an_empty_grid(make_ui, tmp_path):
    """GIVEN theme rules that give the legal group nothing WHEN 法人主题 is opened THEN the screen
    says so and points to 按部门; the personal grid still works."""
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nthemes = ["户籍办理"]\nname = ["户口"]\n', encoding="utf-8")
    ui = make_ui(**{"catalogue.theme_rules": str(rules)})
    ui.tap(ui.screen.ids.tile_theme)
    browse = ui.screen
    assert [t.text.split("  ")[0] for t in _buttons(browse)] == ["户籍办理"]
    ui.tap(browse.ids.tab_theme_legal)
    texts = [w.text for w in browse.ids.groups.children]
    assert texts == ["暂无法人办事主题，请按部门查找或搜索事项。"]
    assert not browse.paged and not overflowing(browse)
    ui.screenshot("themes-none")


def test_a_themes_items_can_be_narrowed_by_legal_category(ui):
    """GIVEN a theme's list WHEN a category chip (行政许可 …) is tapped THEN only its items are
    listed, the count says so, and 全部 brings all back; the bars stay inside the window.
    In large text the chips give way to the rows."""
    large = False
    ui.tap(ui.screen.ids.tile_theme)
    ui.tap(next(t for t in _buttons(ui.screen) if t.text.startswith("社会保障")))
    lst = ui.screen
    items = ui.kiosk.themes.items("个人:社会保障")
    chips = list(reversed(lst.ids.filters.children))
    assert chips[0].text == f"全部\u00a0{len(items)}" and chips[0].selected
    cats = {}
    for i in items:
        cats[i.category or "其他事项"] = cats.get(i.category or "其他事项", 0) + 1
    biggest = max(cats, key=cats.get)
    assert chips[1].text == f"{biggest}\u00a0{cats[biggest]}"
    mode = "large" if large else "normal"
    _bars_inside_window(lst)
    assert lst.ids.rows.children[0].y >= lst.ids.prev_btn.top
    assert not overflowing(lst)
    ui.tap(chips[2])
    lst = ui.screen
    second = list(reversed(lst.ids.filters.children))[2]
    name = second.text.split("\u00a0")[0]
    assert second.selected and lst.total == cats[name], [(c.text, c.selected) for c in lst.ids.filters.children] + [lst.total, cats]
    assert lst.title == f"社会保障·{name}（{cats[name]} 项）"
    shown = {r.text for r in lst.ids.rows.children}
    assert shown <= {i.name for i in items if (i.category or "其他事项") == name}
    ui.screenshot(f"themes-filter-{mode}")
    _bars_inside_window(lst)
    assert lst.ids.rows.children[0].y >= lst.ids.prev_btn.top
    ui.tap(list(reversed(lst.ids.filters.children))[0])
    assert ui.screen.total == len(items)
    assert len(ui.kiosk.session.history) == 3                # home, browse, list: filters replace
    ui.tap(button(ui.screen, "返回"))
    ui.tap(ui.screen.ids.tab_department)
    ui.tap(_buttons(ui.screen)[0])
    assert ui.app.manager.current == "list" and not ui.screen.ids.filters.children
    assert ui.screen.ids.filter_bar.parent is None           # departments: no filter bar
    ui.tap(button(ui.screen, "返回"))
    ui.tap(ui.screen.ids.tab_theme_person)
    ui.tap(next(t for t in _buttons(ui.screen) if t.text.startswith("社会保障")))
    assert ui.screen.ids.filter_bar.parent is not None
    ui.tap(button(ui.screen, "首页"))
    ui.tap(ui.screen.ids.tile_large)
    ui.tap(ui.screen.ids.tile_theme)
    ui.tap(next(t for t in _buttons(ui.screen) if t.text.startswith("社会保障")))
    assert ui.screen.ids.filter_bar.parent is None and len(ui.screen.ids.rows.children) == 4
