# SPDX-License-Identifier: Apache-2.0
"""Widgets every screen shares: the screen base, buttons, labels, the keyboard."""
from __future__ import annotations

import logging
from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

log = logging.getLogger(__name__)


class KioskScreen(Screen):
    """A screen shows a route's params; it never switches screens itself."""

    title = StringProperty("")

    @property
    def app(self):
        return App.get_running_app()

    @property
    def kiosk(self):
        return self.app.kiosk

    @property
    def session(self):
        return self.app.kiosk.session

    def show(self, **params: Any) -> None:
        """Fills the screen for a route's params (called before it becomes current)."""

    def wipe(self) -> None:
        """Forgets everything the last citizen saw or typed here."""

    def relabel(self) -> None:
        """The language changed while this screen is up: make again the texts it set in Python
        (with ``_()``, docs/i18n.md). kv texts written ``app._('…')`` follow by themselves."""


class KioskButton(Button):
    """A primary button: white text on blue, wraps inside its bounds."""


class RowButton(Button):
    """A white list row: left-aligned text, up to two lines, shortened with …."""


class TypesetLabel(Label):
    """A label that wraps Chinese by the rules (避头尾, kiosk/typeset.py): no line starts with
    closing punctuation (，。、）…) and none ends with opening punctuation. Kivy wraps only at
    spaces and otherwise anywhere; here the lines are made at the Unicode line-breaking
    algorithm's opportunities, measured with the label's own font, and Kivy draws them as
    given. ``text`` stays what it was set to; only what is drawn has the line breaks."""

    def texture_update(self, *largs):
        core = self._label
        width = self.text_size[0] if self.text_size else None
        if not self.markup and width and width > 0 and self.text and _has_cjk(self.text):
            from kiosk.typeset import wrap

            pad = self.padding[0] + self.padding[2] if len(self.padding) == 4 else 2 * self.padding[0]
            room = width - pad - 1        # Kivy's own wrapping must not find a line too wide
            core.text = "\n".join(wrap(self.text, room, lambda s: core.get_extents(s)[0]))
        super().texture_update(*largs)
        if core.text != self.text:
            core.text = self.text         # the next change wraps from the source again


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


class BodyLabel(TypesetLabel):
    """Wrapping text that grows to its height."""


class FieldLabel(TypesetLabel):
    """The key column of the item screen (办理部门, 承诺时限 …)."""


from .keyboard import KioskKeyboard  # noqa: E402,F401  (the keyboard and its input method: keyboard.py)


# TextInput creates the Window when imported: load it only when a screen builds one.
Factory.register("SearchInput", module="screens.search_input")
Factory.register("KioskInput", module="screens.search_input")
