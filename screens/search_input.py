# SPDX-License-Identifier: Apache-2.0
"""The citizen's text fields (kept apart: importing TextInput opens Kivy's window).

:class:`KioskInput` is any field the kiosk keyboard types into (the input method edits it:
screens/keyboard.py); :class:`SearchInput` is the search field."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.textinput import TextInput

# Kivy's TextInput._adjust_viewport is wrapped by kivy.clock.triggered: one trigger and one list
# of arguments for the whole class, which keep the last field adjusted (and through its parents
# its whole screen) until another field is adjusted. The function itself, called per field below.
_ADJUST_VIEWPORT = getattr(TextInput._adjust_viewport, "__wrapped__", None)


class KioskInput(TextInput):
    """A one-line field for the kiosk keyboard; its 清空 key sends the keycode "clear".
    ``enter_caption`` names what the keyboard's enter key does here (a msgid of
    screens/keyboard.py CAPTIONS: 确定, 下一步, 换行 …)."""

    enter_caption = StringProperty("确定")
    _viewport_ev = None
    _viewport_at = (0, 0)

    def _adjust_viewport(self, cc, cr):
        """Kivy's (the cursor kept inside the field's view, on the next frame) with the trigger
        and the cursor kept by this field: nothing shared keeps a field whose screen was dropped
        (a dropped 问一问 screen, with its question index, stayed alive when the session's end
        refreshed its field after the drop: issue 18; screens/screen_set.py)."""
        if _ADJUST_VIEWPORT is None:                  # a Kivy without the wrapper: its own
            super()._adjust_viewport(cc, cr)
            return
        self._viewport_at = (cc, cr)
        if self._viewport_ev is None:
            self._viewport_ev = Clock.create_trigger(self._adjust_viewport_now, -1)
        self._viewport_ev()

    def _adjust_viewport_now(self, _dt=0) -> None:
        _ADJUST_VIEWPORT(self, *self._viewport_at)

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
