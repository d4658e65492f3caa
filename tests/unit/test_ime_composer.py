# SPDX-License-Identifier: Apache-2.0
"""The input method's state (kiosk/input/ime.py) without Kivy: inline pinyin composition,
commits, 联想, strokes, and the field edits it asks for."""
import json
from pathlib import Path

import pytest

from kiosk.input.engines import Engines
from kiosk.input.ime import Composer, Kind, Mode, fit

STROKES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "strokes" / "strokes.json")
                     .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engines():
    eng = Engines().start()
    assert eng.ready.wait(60)
    assert eng.pinyin is not None and eng.handwriting is not None, eng.problems
    return eng


def type_letters(comp, letters, text="", cursor=0):
    for ch in letters:
        edit = comp.letter(ch, text, cursor)
        text, cursor = edit.text, edit.cursor
    return text, cursor


def test_letters_compose_inline_and_a_candidate_replaces_them(engines):
    comp = Composer(engines)
    text, cursor = type_letters(comp, "bj", "去", 1)
    assert (text, cursor) == ("去bj", 3) and comp.kind is Kind.PINYIN
    assert comp.candidates[0] == "北京"
    edit = comp.choose(0, text, cursor)
    assert (edit.text, edit.cursor) == ("去北京", 3)
    assert comp.kind is Kind.FOLLOW and "市" in comp.candidates and not comp.composing


def test_a_word_for_the_beginning_leaves_the_rest_composing(engines):
    comp = Composer(engines)
    text, cursor = type_letters(comp, "banhuzhao")
    edit = comp.choose(comp.candidates.index("办"), text, cursor)
    assert (edit.text, edit.cursor) == ("办huzhao", 7) and comp.letters == "huzhao"
    assert comp.candidates[0] == "护照"
    edit = comp.space(edit.text, edit.cursor)
    assert edit.text == "办护照" and not comp.composing


def test_backspace_and_moving_the_cursor_end_the_composition(engines):
    comp = Composer(engines)
    text, cursor = type_letters(comp, "sh")
    edit = comp.backspace(text, cursor)
    assert edit.text == "s" and comp.letters == "s"
    edit = comp.backspace(edit.text, edit.cursor)
    assert edit.text == "" and not comp.composing and comp.kind is Kind.NONE
    text, cursor = type_letters(comp, "ab")
    comp.check(text, 0)                          # the citizen tapped at the start of the field
    assert not comp.composing and comp.backspace(text, 0) is None


def test_other_modes_type_as_usual(engines):
    comp = Composer(engines)
    comp.set_mode(Mode.LATIN)
    assert comp.letter("a", "", 0) is None       # the key goes to the field unchanged
    comp.set_mode(Mode.DIGITS)
    assert comp.letter("a", "", 0) is None and comp.space("", 0) is None


def test_strokes_give_candidates_each_time_and_undo(engines):
    comp = Composer(engines)
    comp.set_mode(Mode.HANDWRITING)
    strokes = STROKES["characters"]["中"]
    seen = []
    for stroke in strokes:
        comp.add_stroke(stroke, 300)
        seen.append(list(comp.candidates))
    assert all(len(s) >= 8 for s in seen) and "中" in seen[-1]
    comp.add_stroke(strokes[0], 300)
    edit = comp.backspace("x", 1)                # takes back the extra stroke, not the x
    assert edit.text == "x" and len(comp.strokes) == 4
    edit = comp.choose(comp.candidates.index("中"), "x", 1)
    assert edit.text == "x中" and not comp.strokes and comp.kind is Kind.FOLLOW


def test_a_character_written_past_the_square_is_fitted_not_squashed():
    big = [[(x * 3 - 300, y * 3 - 300) for x, y in s] for s in STROKES["characters"]["十"]]
    fitted, side = fit(big, 300)
    xs = [x for s in fitted for x, _ in s]
    assert side == 300 and 0 <= min(xs) and max(xs) <= 300


def test_engines_missing_leave_the_keys_working(tmp_path):
    class Nothing:
        pinyin = handwriting = None

        @staticmethod
        def open_handwriting():
            pass

        class ready:
            @staticmethod
            def is_set():
                return True
    comp = Composer(Nothing())
    edit = comp.letter("b", "", 0)
    assert edit.text == "b" and comp.candidates == []
    comp.set_mode(Mode.HANDWRITING)
    comp.add_stroke([(1, 1), (5, 5)], 300)
    assert comp.candidates == []


def _model_mappings() -> int:
    from kiosk.input.handwriting import MODEL

    with open("/proc/self/maps") as fh:
        return sum(str(MODEL) in line for line in fh)


def test_the_handwriting_model_is_mapped_only_from_handwriting_to_the_sessions_end():
    eng = Engines().start()
    assert eng.ready.wait(60) and eng.pinyin is not None
    before = _model_mappings()                     # other tests' engines may hold theirs
    comp = Composer(eng)
    type_letters(comp, "bj")
    assert _model_mappings() == before, "拼音 opened the 手写 model"
    comp.set_mode(Mode.HANDWRITING)
    for stroke in STROKES["characters"]["中"]:
        comp.add_stroke(stroke, 300)
    assert "中" in comp.candidates and _model_mappings() > before
    eng.close_handwriting()                        # the session's end
    assert _model_mappings() == before
    comp.set_mode(Mode.HANDWRITING)                # the next citizen writes: open again
    comp.add_stroke(STROKES["characters"]["中"][0], 300)
    assert comp.candidates and _model_mappings() > before
    eng.close_handwriting()
