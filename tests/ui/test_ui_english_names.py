# SPDX-License-Identifier: Apache-2.0
"""Item names in an English session (issue 13): the catalogue's ``name_en`` where it has one,
otherwise the official Chinese name marked "(Chinese name)"; an English name is found by search
like a keyword. Taps through Kivy's input path on a small hall catalogue."""
import pytest

from ui_kit import overflowing

ITEMS = ("id,name,department,name_en\n"
         "N1,居民身份证申领,公安局,Resident ID card application\n"
         "N2,婚姻登记,民政局,\n")


@pytest.fixture
def hall_ui(make_ui, tmp_path):
    path = tmp_path / "hall.csv"
    path.write_text(ITEMS, encoding="utf-8")
    return make_ui(**{"catalogue.path": str(path)})


def _english_search(ui, keys):
    ui.tap(ui.screen.ids.language_btn)
    assert ui.app.ui.language == "en"
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    for key in keys:
        ui.tap_key(key)
    ui.frames(2)
    return ui.screen.ids.results.children[::-1]


def test_english_name_is_shown_and_found_and_the_chinese_name_marked(hall_ui):
    """GIVEN N1 with an English name and N2 without WHEN an English visitor types "resident"
    THEN N1 is listed by its English name, matched letters marked, and its page shows the
    English name with the Chinese name under it; typed "hydj", N2 shows as 婚姻登记 (Chinese name)."""
    ui = hall_ui
    rows = _english_search(ui, "resident")
    assert ui.screen.total == 1
    assert rows[0].text == "[color=b3261e][u]Resident[/u][/color] ID card application"
    assert not overflowing(ui.screen)
    ui.screenshot("en-name-search")
    ui.tap(rows[0])
    assert ui.app.manager.current == "item"
    texts = [getattr(w, "text", "") for w in ui.screen.ids.content.children[::-1]]
    assert texts[:2] == ["Resident ID card application", "Chinese name: 居民身份证申领"]
    ui.screenshot("en-name-item")
    ui.tap(_bar_switch(ui))
    assert ui.app.ui.language == "zh"
    assert ui.screen.ids.content.children[-1].text == "居民身份证申领"     # Chinese: the name only

    ui.kiosk.session.end("finished")
    ui.frames(2)
    rows = _english_search(ui, "hydj")
    assert rows[0].text == "[color=b3261e][u]婚姻登记[/u][/color] (Chinese name)"
    ui.tap(rows[0])
    assert ui.screen.ids.content.children[-1].text == "婚姻登记 (Chinese name)"
    assert not overflowing(ui.screen)
    ui.screenshot("en-name-marked")
    ask = ui.app.screens["ask"]                    # 问一问's item answers name items the same way
    from types import SimpleNamespace
    assert ask._item_name(SimpleNamespace(id="N2", title="婚姻登记", spans=())) == "婚姻登记 (Chinese name)"
    assert ask._item_name(SimpleNamespace(id="N1", title="居民身份证申领", spans=())) == "Resident ID card application"


def _bar_switch(ui):
    from ui_kit import button
    return button(ui.app.root, "中文")
