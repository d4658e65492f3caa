# SPDX-License-Identifier: Apache-2.0
"""The citizen's text fields (kept apart: importing TextInput opens Kivy's window).

:class:`KioskInput` is any field the kiosk keyboard types into (the input method edits it:
screens/keyboard.py); :class:`SearchInput` is the search field."""
from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.textinput import TextInput


class KioskInput(TextInput):
    """A one-line field for the kiosk keyboard; its 清空 key sends the keycode "clear".
    ``enter_caption`` names what the keyboard's enter key does here (a msgid of
    screens/keyboard.py CAPTIONS: 确定, 下一步, 换行 …)."""

    enter_caption = StringProperty("确定")

    def keyboard_on_key_down(self, window, keycode, text, modifiers):
        if keycode and keycode[1] == "clear":
            self.text = ""
            return True
        return super().keyboard_on_key_down(window, keycode, text, modifiers)

    def keyboard_on_key_up(self, window, keycode):
        if keycode and keycode[1] == "clear":
            return True
        return super().keyboard_on_key_up(window, keycode)


class SearchInput(KioskInput):
    """The search field."""

    enter_caption = StringProperty("搜索")
