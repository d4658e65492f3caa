# SPDX-License-Identifier: Apache-2.0
"""The input method's half of :class:`screens.keyboard.KioskKeyboard`: a letter, space or
backspace goes to the composer (kiosk/input/ime.py) and its edit to the focused field; a tap on a
candidate, a finished stroke and 重写 likewise. The keyboard supplies ``target``, ``composer``,
``bar`` (the candidate bar) and ``pad`` (the writing pad)."""
from __future__ import annotations

import time
from typing import Any


class InputMethodKeys:
    """Mixed into the keyboard (before VKeyboard): what the keys and the bar do to the field."""

    target: Any
    composer: Any
    bar: Any
    pad: Any
    last_stroke_ms = 0.0     # a finished stroke: recognition and bar redrawn

    def _field(self):
        from kivy.uix.textinput import TextInput
        target = self.target
        return target if isinstance(target, TextInput) else None

    def _ime_key(self, internal, special) -> bool:
        """Gives the key to the composer; True when it handled it (the field was edited)."""
        field = self._field()
        if field is None:
            return False
        comp = self.composer
        text, cursor = field.text, field.cursor_index()
        comp.check(text, cursor)
        if special == "backspace":
            edit = comp.backspace(text, cursor)
        elif special == "spacebar":
            edit = comp.space(text, cursor)
        elif internal and special is None and len(internal) == 1 and internal.isascii() and internal.isalpha():
            edit = comp.letter(internal, text, cursor)
        else:
            if special in ("clear", "enter") or internal:
                comp.other_key()
                self.bar.show()
            return False
        if edit is None:
            self.bar.show()
            return False
        self._apply(field, edit)
        if not comp.strokes:
            self.pad.clear_ink()
        self.bar.show()
        return True

    @staticmethod
    def _apply(field, edit) -> None:
        if field.text != edit.text:
            field.text = edit.text
        field.cursor = field.get_cursor_from_index(edit.cursor)

    def choose(self, index: int) -> None:
        """A tap on a candidate: it goes into the field."""
        field = self._field()
        if field is None:
            return
        self.composer.check(field.text, field.cursor_index())
        edit = self.composer.choose(index, field.text, field.cursor_index())
        if edit is not None:
            self._apply(field, edit)
        self.pad.clear_ink()
        self.bar.show()

    def stroke_done(self, stroke, side) -> None:
        started = time.perf_counter()
        self.composer.add_stroke(stroke, side)
        self.bar.show()
        self.last_stroke_ms = (time.perf_counter() - started) * 1000

    def rewrite(self) -> None:
        """重写: the pad is wiped and its candidates go."""
        self.composer.clear_strokes()
        self.pad.clear_ink()
        self.bar.show()
