# SPDX-License-Identifier: Apache-2.0
"""The input method's state, without Kivy: modes, the pinyin composition, the strokes on the
writing pad, the candidates and 联想.

The keyboard (screens/keyboard.py) feeds keys and strokes in and applies the :class:`Edit` it
gets back to its text field. Pinyin composes inline: the typed letters stand in the field (so
a search by initials answers on every key, as before) and a candidate replaces the letters it
stands for; letters it does not cover keep composing (a sentence typed in one go is committed
word by word). After a commit the candidates are 联想: what usually follows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

MAX_CANDIDATES = 60
MAX_STROKES = 40            # a character has at most ~30 strokes; more is scribbling


class Mode(Enum):
    PINYIN = "拼音"
    HANDWRITING = "手写"
    DIGITS = "123"
    LATIN = "ABC"


class Kind(Enum):
    NONE = ""
    PINYIN = "pinyin"
    HANDWRITING = "handwriting"
    FOLLOW = "follow"           # 联想


@dataclass(frozen=True)
class Edit:
    """The field's new text and cursor (a character index)."""
    text: str
    cursor: int


def _is_letter(ch: str) -> bool:
    return len(ch) == 1 and ("a" <= ch <= "z" or "A" <= ch <= "Z")


class Composer:
    """One keyboard's input method. Methods that take ``(text, cursor)`` return an :class:`Edit`
    when they handled the key, or None when the key should go to the field as usual."""

    def __init__(self, engines):
        self.engines = engines
        self.mode = Mode.PINYIN
        self.letters = ""                 # the pinyin being composed, as it stands in the field
        self.start = 0                    # where those letters begin in the field
        self.strokes: list[list[tuple[float, float]]] = []
        self.side = 0.0                   # the writing square's side, the strokes' coordinates
        self.kind = Kind.NONE
        self.candidates: list[str] = []
        self._pinyin: list = []           # the pinyin Candidates behind self.candidates
        self.last_ms = 0.0                # how long the last candidate lookup took

    # -- state ---------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.engines.ready.is_set() and self.engines.settled.is_set()

    @property
    def composing(self) -> bool:
        return bool(self.letters)

    def reset(self) -> None:
        """Forgets everything (a new field, the session's end); the mode goes back to 拼音."""
        self.mode = Mode.PINYIN
        self.end()

    def end(self) -> None:
        """Stops composing: typed letters stay in the field as they are; strokes and candidates go."""
        self.letters, self.start = "", 0
        self.strokes = []
        self._show(Kind.NONE, [])

    def set_mode(self, mode: Mode) -> None:
        self.end()
        self.mode = mode
        if mode is Mode.HANDWRITING:
            self.engines.open_handwriting()

    def check(self, text: str, cursor: int) -> None:
        """Ends the composition when the field no longer holds it where it was (the citizen
        tapped elsewhere in the field, or the text was replaced)."""
        if self.letters and (cursor != self.start + len(self.letters)
                             or text[self.start:cursor] != self.letters):
            self.letters, self.start = "", 0
            self._show(Kind.NONE, [])

    def _show(self, kind: Kind, candidates: list[str]) -> None:
        self.kind = kind
        self.candidates = candidates[:MAX_CANDIDATES]
        if kind is not Kind.PINYIN:
            self._pinyin = []

    # -- keys ----------------------------------------------------------------------
    def letter(self, ch: str, text: str, cursor: int) -> Edit | None:
        """A letter key: in 拼音 mode it composes (and stands in the field)."""
        if self.mode is not Mode.PINYIN or not _is_letter(ch):
            return None
        self.strokes = []
        if not self.letters:
            self.start = cursor
        self.letters += ch.lower()
        self._lookup()
        return Edit(text[:cursor] + ch.lower() + text[cursor:], cursor + 1)

    def backspace(self, text: str, cursor: int) -> Edit | None:
        if self.strokes:                      # 删除 on the pad takes back the last stroke
            self.strokes.pop()
            self._classify()
            return Edit(text, cursor)
        if self.letters:
            self.letters = self.letters[:-1]
            if self.letters:
                self._lookup()
            else:
                self.end()
            return Edit(text[:cursor - 1] + text[cursor:], cursor - 1)
        if self.kind is Kind.FOLLOW:
            self._show(Kind.NONE, [])
        return None

    def space(self, text: str, cursor: int) -> Edit | None:
        """空格 commits the first candidate while composing or writing; else it types a space."""
        if (self.letters or self.strokes) and self.candidates:
            return self.choose(0, text, cursor)
        if self.kind is Kind.FOLLOW:
            self._show(Kind.NONE, [])
        return None

    def other_key(self) -> None:
        """Any other key (digits, punctuation, 搜索, 清空): the letters stay as typed."""
        if self.letters or self.kind is Kind.FOLLOW:
            self.letters, self.start = "", 0
            self._show(Kind.NONE, [])

    # -- candidates ----------------------------------------------------------------
    def choose(self, index: int, text: str, cursor: int) -> Edit | None:
        """The candidate at ``index`` goes into the field; 联想 follows."""
        if not 0 <= index < len(self.candidates):
            return None
        word = self.candidates[index]
        if self.kind is Kind.PINYIN:
            consumed = self._pinyin[index].consumed
            start, rest = self.start, self.letters[consumed:]
            after = text[start + len(self.letters):]
            edit = Edit(text[:start] + word + rest + after, start + len(word) + len(rest))
            if rest:
                self.letters, self.start = rest, start + len(word)
                self._lookup()
            else:
                self.letters, self.start = "", 0
                self._follow(text[:start] + word)
            return edit
        if self.kind in (Kind.HANDWRITING, Kind.FOLLOW):
            self.strokes = []
            self._follow(text[:cursor] + word)
            return Edit(text[:cursor] + word + text[cursor:], cursor + len(word))
        return None

    def _lookup(self) -> None:
        engine = self.engines.pinyin
        if engine is None:
            self._show(Kind.PINYIN, [])
            return
        started = time.perf_counter()
        self._pinyin = engine.candidates(self.letters, MAX_CANDIDATES)
        self.last_ms = (time.perf_counter() - started) * 1000
        self.kind = Kind.PINYIN
        self.candidates = [c.text for c in self._pinyin]

    def _follow(self, before: str) -> None:
        engine = self.engines.pinyin
        self._show(Kind.FOLLOW, engine.following(before) if engine is not None and before else [])

    # -- 手写 -------------------------------------------------------------------------
    def add_stroke(self, points, side: float) -> None:
        """A finished stroke on the writing square (``side`` wide, top-left origin): the
        candidates are recomputed for all the strokes so far."""
        if self.mode is not Mode.HANDWRITING or not points or side <= 0:
            return
        self.letters, self.start = "", 0
        if len(self.strokes) < MAX_STROKES:
            self.strokes.append([(float(x), float(y)) for x, y in points])
        self.side = side
        self._classify()

    def clear_strokes(self) -> None:
        self.strokes = []
        self._show(Kind.NONE, [])

    def _classify(self) -> None:
        rec = self.engines.handwriting
        if not self.strokes or rec is None:
            self._show(Kind.HANDWRITING if self.strokes else Kind.NONE, [])
            return
        started = time.perf_counter()
        strokes, side = fit(self.strokes, self.side)
        found = rec.classify(strokes, side, side, 20)
        self.last_ms = (time.perf_counter() - started) * 1000
        self._show(Kind.HANDWRITING, [c for c, _score in found if c.strip()])


def fit(strokes, side: float):
    """The strokes as drawn on the writing square; a character written well past the square's
    edges is scaled (keeping its shape) into the square instead of being squashed at its edge."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    slack = side * 0.1
    if min(xs) >= -slack and min(ys) >= -slack and max(xs) <= side + slack and max(ys) <= side + slack:
        return strokes, side
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    size = max(width, height, 1.0)
    scale = side * 0.8 / size
    ox = side / 2 - (min(xs) + width / 2) * scale
    oy = side / 2 - (min(ys) + height / 2) * scale
    return [[(x * scale + ox, y * scale + oy) for x, y in s] for s in strokes], side
