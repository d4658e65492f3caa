# SPDX-License-Identifier: Apache-2.0
"""The keyboard's input method through Kivy's input path: 拼音 keys → candidates → a tap commits;
strokes drawn on the 手写 pad with touch events → candidates after each stroke → a tap commits;
联想 after a commit; the mode switch; paging; large-text mode; contrast from the pixels.

The handwriting strokes are tests/fixtures/strokes/strokes.json (hand-placed polylines on a
300 × 300 pad, see tests/unit/test_handwriting.py), scaled onto the pad's writing square.
"""
import json
from pathlib import Path

import pytest
from ui_kit import ready_keyboard

from pixels import frame, text_contrast, window_rect

STROKES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "strokes" / "strokes.json")
                     .read_text(encoding="utf-8"))


def _search(ui):
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    vk = ready_keyboard(ui)
    return ui.screen, vk


def shown_candidates(vk):
    """The candidate buttons on the bar now, left to right (what the citizen sees)."""
    from screens.keyboard import CandidateButton
    return [w for w in vk.bar.ids.cands.children[::-1] if isinstance(w, CandidateButton)]


def candidate(vk, text):
    found = [b for b in shown_candidates(vk) if b.text == text]
    assert found, f"{text!r} not among {[b.text for b in shown_candidates(vk)]}"
    return found[0]


def draw(ui, vk, strokes, after_each=None):
    """Draws ``strokes`` (300 × 300, top-left origin) on the pad's square with touches."""
    from kivy.tests.common import UnitTestTouch
    pad = vk.pad
    side = pad.square
    left, top = pad.center_x - side / 2, pad.center_y + side / 2

    def win(x, y):
        return vk.to_parent(left + x / 300 * side, top - y / 300 * side)

    for n, stroke in enumerate(strokes, 1):
        t = UnitTestTouch(*win(*stroke[0]))
        t.touch_down()
        ui.frames(1)
        for x, y in stroke[1:]:
            t.touch_move(*win(x, y))
            ui.frames(1)
        t.touch_up()
        ui.frames(2)
        if after_each:
            after_each(n)


def test_latency_seen_by_the_keyboard(ui, capsys):
    """Figures, not targets (targets live in bench/): a key's input-method work and a stroke's,
    candidates drawn on the bar included, through the real input path."""
    search, vk = _search(ui)
    keys = []
    for key in "woxiangbanhuzhao":
        ui.tap_key(key)
        keys.append(vk.last_key_ms)
    ui.tap(shown_candidates(vk)[0])
    ui.tap(vk.bar.ids.mode_hand)
    ui.wait_until(lambda: vk.pad.parent is vk)
    ui.frames(2)
    strokes = []
    for char in ("中", "木", "王"):
        draw(ui, vk, STROKES["characters"][char], after_each=lambda n: strokes.append(vk.last_stroke_ms))
        ui.tap(vk.bar.ids.cands.children[-1])
    keys.sort()
    strokes.sort()
    with capsys.disabled():
        print(f"\n拼音 engine lookup (last key) {vk.composer.last_ms:.1f} ms. "
              f"拼音 key → candidates on the bar: median {keys[len(keys) // 2]:.1f} ms, max {keys[-1]:.1f} ms "
              f"({len(keys)} keys); 手写 stroke → candidates on the bar: median {strokes[len(strokes) // 2]:.1f} ms, "
              f"max {strokes[-1]:.1f} ms ({len(strokes)} strokes)")
    assert search.ids.field.text.startswith("我") and "护照" in search.ids.field.text


def test_pinyin_initials_then_a_candidate_tap_writes_beijing(ui):
    """GIVEN the search screen WHEN b, j are tapped THEN the letters stand in the field, the bar
    shows ≥ 8 candidates, the catalogue's words (保健) first, 北京 among the first; WHEN 北京 is tapped THEN the field shows 北京, the
    search finds items for 北京 and the bar offers 联想 (市 …)."""
    search, vk = _search(ui)
    assert vk.bar.ids.mode_pinyin.active                      # 拼音 is the starting mode
    ui.tap_key("b")
    ui.tap_key("j")
    assert search.ids.field.text == "bj"
    shown = shown_candidates(vk)
    assert len(shown) >= 8 and "北京" in [b.text for b in shown[:4]], [b.text for b in shown]
    assert shown[0].text == "保健"                               # the hall's words first (保健食品…)
    ui.screenshot("ime-pinyin-candidates")
    ui.tap(candidate(vk, "北京"))
    assert search.ids.field.text == "北京"
    assert search.ids.field.cursor_index() == 2
    follow = [b.text for b in shown_candidates(vk)]
    assert "市" in follow, follow
    ui.tap(candidate(vk, "市"))
    assert search.ids.field.text == "北京市"
    ui.screenshot("ime-pinyin-committed")


def test_a_sentence_typed_in_one_go_commits_word_by_word(ui):
    search, vk = _search(ui)
    for key in "banhuzhao":
        ui.tap_key(key)
    assert shown_candidates(vk)[0].text == "办护照"
    ui.tap(candidate(vk, "办"))                                 # only the first word
    assert search.ids.field.text == "办huzhao"
    assert shown_candidates(vk)[0].text == "护照"
    ui.tap_key("空格")                                          # 空格 takes the first candidate
    assert search.ids.field.text == "办护照"


def test_initials_in_the_search_offer_the_halls_words(ui):
    """spjy: the letters search the catalogue as before; the bar offers 食品 (a hall word) and,
    once tapped, 经营 for the rest: 食品经营 in the field finds the 食品经营 items."""
    search, vk = _search(ui)
    for key in "spjy":
        ui.tap_key(key)
    assert search.total > 0
    ui.tap(candidate(vk, "食品"))
    assert search.ids.field.text == "食品jy"
    assert shown_candidates(vk)[0].text == "经营"
    ui.tap(shown_candidates(vk)[0])
    assert search.ids.field.text == "食品经营" and search.total > 0
    assert "食品" in search.ids.results.children[-1].text


def test_chinese_typed_in_the_search_finds_items(ui):
    search, vk = _search(ui)
    for key in "huzhao":
        ui.tap_key(key)
    ui.tap_key("空格")
    assert search.ids.field.text == "护照"
    assert search.total > 0
    assert "护照" in search.ids.results.children[-1].text
    ui.screenshot("ime-search-huzhao")


def test_backspace_edits_the_letters_and_paging_shows_more(ui):
    search, vk = _search(ui)
    for key in "shi":
        ui.tap_key(key)
    first_page = [b.text for b in shown_candidates(vk)]
    assert vk.bar.pages > 1 and not vk.bar.ids.prev_page.opacity == 0
    ui.tap(vk.bar.ids.next_page)
    second = [b.text for b in shown_candidates(vk)]
    assert second and not set(second) & set(first_page)
    ui.tap(vk.bar.ids.prev_page)
    assert [b.text for b in shown_candidates(vk)] == first_page
    ui.tap_key("删除")
    assert search.ids.field.text == "sh"
    ui.tap_key("删除")
    ui.tap_key("删除")
    assert search.ids.field.text == "" and not shown_candidates(vk)


def test_handwriting_strokes_refresh_candidates_and_a_tap_commits(ui):
    """GIVEN 手写 WHEN 中 is drawn stroke by stroke on the pad THEN candidates appear after each
    stroke and 中 is among them at the end; a tap writes 中, the pad is wiped, 联想 offers 国."""
    search, vk = _search(ui)
    ui.tap(vk.bar.ids.mode_hand)
    ui.wait_until(lambda: vk.pad.parent is vk and vk.pad.square > 0)
    ui.frames(2)
    assert vk.bar.ids.mode_hand.active and not vk.bar.ids.mode_pinyin.active
    seen = []
    draw(ui, vk, STROKES["characters"]["中"],
         after_each=lambda n: seen.append([b.text for b in shown_candidates(vk)]))
    assert len(seen) == 4 and all(len(s) >= 8 for s in seen), seen
    assert seen[0] != seen[-1]                                   # they change as strokes are added
    assert "中" in seen[-1], seen[-1]
    ui.screenshot("ime-handwriting-candidates")
    ui.tap(candidate(vk, "中"))
    assert search.ids.field.text == "中"
    assert not vk.composer.strokes and not vk.pad._ink          # the pad is wiped for the next one
    ui.tap(candidate(vk, "国"))
    assert search.ids.field.text == "中国"


def test_handwriting_undo_rewrite_and_a_second_character(ui):
    search, vk = _search(ui)
    ui.tap(vk.bar.ids.mode_hand)
    ui.wait_until(lambda: vk.pad.parent is vk)
    ui.frames(2)
    draw(ui, vk, STROKES["characters"]["十"][:1])
    assert shown_candidates(vk)
    ui.tap(vk.pad.ids.rewrite)                                  # 重写
    assert not vk.composer.strokes and not shown_candidates(vk)
    draw(ui, vk, STROKES["characters"]["口"] + STROKES["characters"]["口"][:1])
    ui.tap_key("删除")                                          # takes back the extra stroke
    assert len(vk.composer.strokes) == 3 and search.ids.field.text == ""
    ui.tap(candidate(vk, "口"))
    draw(ui, vk, STROKES["characters"]["十"])
    ui.tap_key("空格")                                          # the first candidate
    assert search.ids.field.text == "口十"


def test_modes_digits_and_latin(ui):
    search, vk = _search(ui)
    ui.tap(vk.bar.ids.mode_digits)
    ui.frames(3)
    for key in "3701X":
        ui.tap_key(key)
    assert search.ids.field.text == "3701X"
    ui.tap_key("清空")
    ui.tap(vk.bar.ids.mode_latin)
    ui.frames(3)
    for key in ("大写", "P", "大写", "d", "f"):
        ui.tap_key(key)
    assert search.ids.field.text == "Pdf" and not shown_candidates(vk)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_bar_and_pad_are_dark_on_light_and_grow(ui, large):
    """Mode switch, candidates and paging ≥ 7:1 from the pixels; in large-text mode the bar's
    targets are ≥ 60 dp tall and its captions larger."""
    from kivy.metrics import dp
    ui.kiosk.session.set_large_text(large)
    search, vk = _search(ui)
    ui.wait_until(lambda: vk.large == large)
    for key in "shi":
        ui.tap_key(key)
    ui.frames(3)
    assert len(shown_candidates(vk)) >= 8, ([b.text for b in shown_candidates(vk)], search.ids.field.text, vk.composer.letters, vk.composer.candidates[:5], vk.bar.hint)
    img = frame(ui.window)
    widgets = shown_candidates(vk) + [vk.bar.ids[k] for k in ("mode_pinyin", "mode_hand", "mode_digits",
                                                              "mode_latin", "next_page")]
    for w in widgets:
        ratio = text_contrast(img, window_rect(w), inset=3)[0]
        assert ratio >= 7.0, f"{w.text!r}: {ratio:.2f}:1"
    bar_px = vk.bar.height * vk.scale
    assert bar_px >= dp(60), bar_px
    if large:
        assert vk.cand_font * vk.scale >= 34
    ui.screenshot("large-ime-bar" if large else "ime-bar")
