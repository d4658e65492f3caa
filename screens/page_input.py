# SPDX-License-Identifier: Apache-2.0
"""网上办's typing target (kept apart: importing TextInput opens Kivy's window; web.py registers
it with the Factory lazily)."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from .search_input import SearchInput


class PageInput(SearchInput):
    """The kiosk keyboard's target while a text field in the page has focus. What the keys and
    the input method do to this field's text (letters composing pinyin inline, a candidate
    replacing them, 删除, 清空) is sent to the page as the difference: backspaces for what went,
    the text that came. So the page shows what the field would; nothing else stays here."""
    web = ObjectProperty(None, allownone=True)
    enter_caption = StringProperty("确定")       # a page's field: Enter goes to the page, not a search

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._sent = ""              # what this field's text was when last sent to the page
        self._quiet = False

    def restart(self) -> None:
        """A new field in the page took focus: start from empty, sending nothing."""
        self._quiet = True
        self.text = ""
        self._sent = ""
        self._quiet = False

    def on_text(self, _field, text: str) -> None:
        if self._quiet or self.web is None:
            self._sent = text
            return
        old = self._sent
        same = 0
        while same < min(len(old), len(text)) and old[same] == text[same]:
            same += 1
        for _ in range(len(old) - same):
            self.web.press("Backspace")
        if text[same:]:
            self.web.type_text(text[same:])
        self._sent = text

    def do_backspace(self, from_undo=False, mode="bkspc"):
        if self.web is not None and not self.text:
            self.web.press("Backspace")          # what was in the page's field before
            return
        super().do_backspace(from_undo, mode)

    def keyboard_on_key_down(self, window, keycode, text, modifiers):
        name = keycode[1] if keycode else ""
        if name in ("enter", "numpadenter") and self.web is not None:
            self.web.press("Enter")
            return True
        if name == "tab" and self.web is not None:
            self.web.press("Tab")
            return True
        return super().keyboard_on_key_down(window, keycode, text, modifiers)
