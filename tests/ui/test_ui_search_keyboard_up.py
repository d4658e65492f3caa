# SPDX-License-Identifier: Apache-2.0
"""Large-text mode with the on-screen keyboard up: the citizen sees at least three results
above the keyboard while typing (before: one), each with its text drawn on screen."""
import pytest

from ui_kit import overflowing
from pixels import frame, text_contrast, window_rect

ITEMS = ("id,name,department,keywords\n"
         "H1,企业设立登记,行政审批服务局,营业执照;开公司\n"
         "H2,营业执照遗失补领,行政审批服务局,\n"
         "H3,个体工商户设立登记,行政审批服务局,营业执照、开店\n"
         "H4,婚姻登记,民政局,结婚证\n")


def _rows(search):
    return [w for w in search.ids.results.children[::-1] if w is not search._more]


def _seen_above_keyboard(ui, search):
    """Rows wholly inside the list's view, below the field and above the keyboard's top,
    whose text is drawn there (≥ 4.5:1 from the rendered pixels)."""
    kb = ui.keyboard()
    assert kb is not None, "the keyboard is up"
    kb_top = kb.to_window(kb.x, kb.top)[1] if kb.parent is not ui.window else kb.top
    img = frame(ui.window)
    sx0, sy0, sx1, sy1 = window_rect(search.ids.scroll)
    fy0 = search.ids.field.to_window(search.ids.field.x, search.ids.field.y)[1]
    seen = []
    for row in _rows(search):
        x0, y0 = row.to_window(row.x, row.y)
        x1, y1 = row.to_window(row.right, row.top)
        if y0 >= max(sy0, kb_top) - 1 and y1 <= min(sy1, fy0) + 1:
            if text_contrast(img, (int(x0), int(y0), int(x1), int(y1)), inset=4)[0] >= 4.5:
                seen.append(row)
    return seen


def _large_search(ui):
    ui.tap(ui.screen.ids.tile_large)
    assert ui.app.theme.large
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    return ui.screen


@pytest.mark.parametrize("keys", ["hk", "sb"])
def test_large_mode_three_results_show_above_the_keyboard(ui, keys):
    """GIVEN large mode WHEN the citizen types on the on-screen keyboard THEN at least three
    results are wholly on screen above the keyboard, their text drawn (not one and a half),
    tall enough to tap (≥ 60 dp), the count beside the field; a tap on the third opens it;
    when the keyboard goes, the rows are two-line again and the count is back above the list."""
    search = _large_search(ui)
    for key in keys:
        ui.tap_key(key)
    ui.frames(3)
    seen = _seen_above_keyboard(ui, search)
    ui.screenshot(f"search-large-keyboard-up-{keys}")
    assert len(seen) >= 3, len(seen)
    assert all(r.height >= 60 for r in seen)                 # the large-mode target (issue 13: ≥ 60 dp)
    assert search.ids.count.text == f"找到 {search.total} 项" and search.ids.count.opacity == 1
    assert not overflowing(search)
    third = seen[2]
    ui.tap(third)
    assert ui.app.manager.current == "item"
    ui.tap(ui.screen.ids.nav.ids.help_btn.parent.children[-1])     # 返回 (the top bar's first button)
    assert ui.app.manager.current == "search"
    ui.tap_key("搜索")                                  # the keyboard goes: the roomy layout is back
    ui.frames(3)
    assert ui.keyboard() is None
    assert all(r.height >= ui.app.theme.row_h for r in _rows(search))
    assert search.ids.status.opacity == 1 and search.ids.status.text.startswith("找到")


def test_large_mode_keyword_hits_are_one_line_with_their_word(make_ui, tmp_path):
    """GIVEN keyword (俗称) hits WHEN typed in large mode with the keyboard up THEN each shows its
    name and （搜索词：…） on one row, three rows above the keyboard."""
    path = tmp_path / "hall.csv"
    path.write_text(ITEMS, encoding="utf-8")
    ui = make_ui(**{"catalogue.path": str(path)})
    search = _large_search(ui)
    for key in "yyzz":
        ui.tap_key(key)
    ui.frames(3)
    seen = _seen_above_keyboard(ui, search)
    assert len(seen) == 3, len(seen)
    via = [r for r in seen if hasattr(r, "via_text")]
    assert via and all("搜索词" in r.ids.name.text and r.ids.via.opacity == 0 for r in via)
    ui.screenshot("search-large-keyboard-up-keywords")


def test_no_result_still_says_so_in_large_mode(ui):
    """GIVEN large mode and the keyboard up WHEN nothing matches THEN the line that says so
    and the ways on (by life topic, by department) are on screen above the keyboard; the one
    help button is the top bar's, which the message names; 按主题浏览 opens the topics."""
    search = _large_search(ui)
    for key in "vvv":
        ui.tap_key(key)
    ui.frames(3)
    assert search.no_result and search.ids.status.opacity == 1
    assert search.ids.status.text.startswith("没有找到")
    kb_top = ui.keyboard().top
    box = search.ids.no_result_box
    assert box.to_window(box.x, box.y)[1] >= kb_top - 1
    helps = [w for w in search.walk(restrict=True) if getattr(w, "text", "") == "找工作人员"
             and w.opacity > 0 and w.width > 1]
    assert len(helps) == 1 and "右上角的“找工作人员”" in search.ids.status.text     # one help button
    assert "按类别浏览" not in [getattr(w, "text", "") for w in search.walk(restrict=True)]
    ui.screenshot("search-large-keyboard-up-none")
    ui.tap(search.ids.theme_btn)
    assert ui.app.manager.current == "browse" and ui.screen.by == "theme"
