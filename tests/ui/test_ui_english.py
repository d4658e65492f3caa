# SPDX-License-Identifier: Apache-2.0
"""The English interface (issue 13): EN on home, every kiosk-made text in English, taps only.

Screenshots: test-output/screenshots/en-*.png (normal) and en-large-*.png (large text).
Content stays as the hall wrote it: an item's name, guide and department, theme names and the
hall's configured words are allowed in Chinese, and only those (tests/ui/english.py).
"""
from __future__ import annotations

import pytest
from ui_kit import button, overflowing
from english import SWITCH, cut_words, hall_words, item_content, leftover_chinese, shown_texts
from kivy.metrics import dp
from test_ui_large_text import _check as large_text_rules

pytestmark = pytest.mark.ui


def allowed(ui, items=()) -> list[str]:
    out = hall_words(ui.kiosk.config)
    for item in items:
        out += item_content(item)
    return out


def browse_words(ui) -> list[str]:
    cat = ui.kiosk.catalogue
    out = [name for name, _count in cat.departments()]
    themes = ui.kiosk.themes
    for _group, rows in (themes.groups() if themes else []):
        out += [name for name, _count in rows]
    return out


def assert_english(ui, shot: str, extra=(), items=()) -> None:
    ui.frames(2)
    path = ui.screenshot(shot)
    bad = leftover_chinese(ui.app.root, allowed(ui, items) + list(extra))
    assert not bad, f"{shot} ({path}): Chinese kiosk text left: {bad}"
    over = [bad for top in ui.window.children for bad in overflowing(top)]   # the keyboard too
    assert not over, f"{shot}: text larger than its widget: {over}"
    assert not cut_words(ui.app.root), f"{shot}: words cut in the middle: {cut_words(ui.app.root)}"
    if ui.app.theme.large:            # 适老化 in English too: text ≥ 30 dp, targets ≥ 60 dp
        large_text_rules(ui, ui.app.overlay if ui.app.overlay.parent else ui.screen, dp(30), dp(60))


def to_english(ui) -> None:
    assert ui.app.manager.current == "home"
    assert ui.screen.ids.language_btn.text == "English"
    ui.tap(ui.screen.ids.language_btn)
    assert ui.app.ui.language == "en"


def search_and_open(ui, keys="spjy"):
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    ui.frames(2)
    for key in keys:
        ui.tap_key(key)
    search = ui.screen
    hits = ui.kiosk.search(keys, limit=60).hits
    assert search.total > 0 and "found" in search.ids.status.text
    return search, [h.item for h in hits]


def walk(ui, prefix: str) -> None:
    """home → search (keys) → item → QR → home → browse → department list → 找工作人员 → countdown."""
    assert_english(ui, f"{prefix}-home")
    search, hit_items = search_and_open(ui, "hkzx")     # 户口注销…: guides with materials and steps
    kb = ui.keyboard()          # the pinyin input method's candidates are hanzi by their nature
    cands = [getattr(c, "text", c) for c in kb.composer.candidates] if kb is not None else []
    assert_english(ui, f"{prefix}-search", items=hit_items, extra=cands)
    rows = search.ids.results.children[::-1]
    with_guide = [n for n, item in enumerate(hit_items[:len(rows)]) if item.materials and item.steps]
    assert with_guide, "the walk needs a result with a guide"
    ui.tap(rows[with_guide[0]])
    assert ui.app.manager.current == "item"
    item = ui.kiosk.item(ui.screen.item_id)
    assert_english(ui, f"{prefix}-item", items=[item] + ui.kiosk.guide_twins(item))
    assert "Documents to bring" in " ".join(shown_texts(ui.screen))
    if ui.screen.ids.qr_btn.parent is not None:
        ui.tap(ui.screen.ids.qr_btn)
        assert ui.app.manager.current == "qr"
        assert_english(ui, f"{prefix}-qr", items=[item])
    ui.tap(button(ui.app.root, "Home"))
    assert ui.app.manager.current == "home"
    ui.tap(ui.screen.ids.tile_department)
    assert ui.app.manager.current == "browse"
    assert_english(ui, f"{prefix}-browse", extra=browse_words(ui))
    first = [w for w in ui.screen.ids.groups.walk(restrict=True) if w.__class__.__name__ == "DeptButton"][0]
    ui.tap(first)
    assert ui.app.manager.current == "list"
    listed = [i for i in ui.kiosk.catalogue.items if i.department == ui.screen._params["value"]]
    assert_english(ui, f"{prefix}-list", items=listed)
    ui.tap(button(ui.app.root, "Home"))
    ui.tap(ui.screen.ids.tile_person)
    assert ui.app.manager.current == "list"
    assert ui.screen.title.startswith("Individuals")
    assert_english(ui, f"{prefix}-list-individuals", items=ui.kiosk.catalogue.filter(audience="个人"))
    ui.tap(button(ui.app.root, "Home"))
    ui.tap(ui.screen.ids.tile_assist)              # no hub configured: the desk screen
    assert ui.app.manager.current == "help"
    assert_english(ui, f"{prefix}-help")
    ui.idle_for(ui.kiosk.session.idle_seconds + 1)
    assert ui.kiosk.session.phase.value == "countdown"
    assert_english(ui, f"{prefix}-countdown")


def test_english_walk_normal_text(ui):
    """GIVEN the home screen WHEN EN is tapped and a visitor searches, opens a guide, its QR,
    browses and asks for staff THEN no kiosk-made text is Chinese and nothing overflows."""
    to_english(ui)
    walk(ui, "en")


def test_english_walk_large_text(ui):
    to_english(ui)
    ui.tap(ui.screen.ids.tile_large)
    assert ui.app.theme.large
    assert "Large text" in ui.screen.ids.tile_large.text
    walk(ui, "en-large")


def test_session_end_returns_to_chinese(ui):
    """GIVEN an English session WHEN it times out THEN the next citizen meets Chinese: the home
    tiles, the bar and the switch (EN) are back, and the language is the configured one."""
    to_english(ui)
    ui.tap(ui.screen.ids.tile_search)
    assert "Back" in [b.text for b in ui.app.root.walk(restrict=True) if hasattr(b, "text")]
    ui.idle_for(ui.kiosk.session.idle_seconds + 1)
    ui.idle_for(ui.kiosk.session.countdown_seconds + 1)
    assert ui.kiosk.session.phase.value == "idle" and ui.app.manager.current == "home"
    assert ui.app.ui.language == "zh"
    home = ui.screen
    assert home.ids.language_btn.text == "English"
    assert home.ids.tile_department.text == "按部门" and home.ids.tile_search.text.startswith("办事指南")
    ui.screenshot("en-after-session-end")
    ui.tap(home.ids.tile_search)               # the bar too
    assert "返回" in [b.text for b in ui.app.root.walk(restrict=True) if hasattr(b, "text")]


def test_switch_back_to_chinese_in_the_bar(ui):
    """The bar's 中文 switches back on any screen, and the screen's own texts follow at once."""
    to_english(ui)
    search, _items = search_and_open(ui)
    assert "found" in search.ids.status.text
    ui.tap(button(ui.app.root, SWITCH))
    assert ui.app.ui.language == "zh"
    assert "找到" in search.ids.status.text and button(ui.app.root, "EN")
    assert "返回" in [b.text for b in ui.app.root.walk(restrict=True) if hasattr(b, "text")]


def test_configured_language_starts_each_session(make_ui):
    """ui.language = "en": every session starts in English; the switch still offers 中文."""
    ui = make_ui(**{"ui.language": "en"})
    assert ui.app.ui.language == "en"
    assert ui.screen.ids.language_btn.text == SWITCH
    assert ui.screen.ids.tile_department.text == "Departments"
    ui.tap(ui.screen.ids.language_btn)
    assert ui.app.ui.language == "zh"
    ui.kiosk.session.end("finished")
    ui.frames(2)
    assert ui.app.ui.language == "en"


def test_ocr_reads_the_english_home(ui):
    """Issue 13: OCR (Debian's tesseract, English model) of the English home screen's pixels reads
    its key words: what a foreigner sees is English a machine can read, not boxes or Chinese."""
    import pytesseract
    from PIL import Image

    to_english(ui)
    ui.frames(2)
    shot = ui.screenshot("en-home-ocr")
    from PIL import ImageOps
    gray = Image.open(shot).convert("L").resize((2560, 1600))
    # white words on the blue tiles read best inverted; dark words on the page as they are
    words = " ".join(pytesseract.image_to_string(img, lang="eng")
                     for img in (gray, ImageOps.invert(gray))).lower()
    tiles = [ui.screen.ids[t].text.split("\n")[0] for t in ("tile_theme", "tile_search", "tile_ask",
                                                               "tile_department")]
    for label in tiles:
        for word in label.lower().split():
            if len(word) > 3:                      # short words are OCR's hardest and say least
                assert word in words, f"{word!r} of {label!r} not read; OCR read: {words!r}"
    assert "identity check" in words and "large text" in words
    for word in ("weihai", "economic", "development", "service", "mon-fri"):   # hall.name_en, hall.opening_hours_en
        assert word in words, f"the hall's English {word!r} not read; OCR read: {words!r}"


def test_the_halls_words_follow_the_language(ui):
    """GIVEN the hall's English words in config (hall.*_en) WHEN a visitor switches to English
    THEN 找工作人员 shows the desk in English, and 中文 brings the hall's Chinese words back
    on the screen that is up (home relabels itself too)."""
    from ui_kit import button, visible_labels

    to_english(ui)
    assert ui.screen.hall_name == ui.kiosk.config["hall.name_en"]
    ui.tap(ui.screen.ids.tile_assist)                  # no hub here: Find staff
    assert ui.app.manager.current == "help"
    shown = " ".join(w.text for w in visible_labels(ui.screen))
    assert "Ground floor, right of the hall entrance: general information desk" in shown
    assert "一楼" not in shown and "Mon-Fri 9:00-12:00" in shown
    ui.screenshot("en-help-desk")
    ui.tap(button(ui.screen, "中文"))
    shown = " ".join(w.text for w in visible_labels(ui.screen))
    assert "一楼大厅入口右侧 综合咨询服务台" in shown and "Ground floor" not in shown
