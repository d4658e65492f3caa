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


class KioskButton(Button):
    """A primary button: white text on blue, wraps inside its bounds."""


class RowButton(Button):
    """A white list row: left-aligned text, up to two lines, shortened with …."""


class BodyLabel(Label):
    """Wrapping text that grows to its height."""


class FieldLabel(Label):
    """The key column of the item screen (办理部门, 承诺时限 …)."""


from .keyboard import KioskKeyboard  # noqa: E402,F401  (the keyboard and its input method: keyboard.py)


# TextInput creates the Window when imported: load it only when a screen builds one.
Factory.register("SearchInput", module="screens.search_input")
Factory.register("KioskInput", module="screens.search_input")
