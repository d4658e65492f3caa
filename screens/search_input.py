# SPDX-License-Identifier: Apache-2.0
"""The search field (kept apart: importing TextInput opens Kivy's window)."""
from __future__ import annotations

from kivy.uix.textinput import TextInput


class SearchInput(TextInput):
    """The search field; the keyboard's 清空 key sends the keycode "clear"."""

    def keyboard_on_key_down(self, window, keycode, text, modifiers):
        if keycode and keycode[1] == "clear":
            self.text = ""
            return True
        return super().keyboard_on_key_down(window, keycode, text, modifiers)

    def keyboard_on_key_up(self, window, keycode):
        if keycode and keycode[1] == "clear":
            return True
        return super().keyboard_on_key_up(window, keycode)
