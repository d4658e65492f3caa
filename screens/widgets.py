# SPDX-License-Identifier: Apache-2.0
"""Widgets every screen shares: the screen base, buttons, labels, the keyboard."""
from __future__ import annotations

import logging
import re
import weakref
from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import NumericProperty, StringProperty
from kivy.core.text import Label as CoreLabel
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


class Typeset:
    """Wraps Chinese by the rules (避头尾, kiosk/typeset.py) in a Label or a Button: no line
    starts with closing punctuation (，。、）…) and none ends with opening punctuation. Kivy wraps
    only at spaces and otherwise anywhere; here the lines are made at the Unicode line-breaking
    algorithm's opportunities, measured with the widget's own font, and Kivy draws them as given.
    Markup is wrapped too where each line is plain or one ``[size=N]…[/size]`` (a tile's second
    line): that line is measured at its size. ``text`` stays what it was set to."""

    def texture_update(self, *largs):
        core = self._label
        if self.markup:
            # Kivy's markup path sets the core's text itself ([color=…]text[/color]) and refreshes
            # it: the lines are made just before that refresh
            if getattr(core, "_typeset_for", None) is None or core._typeset_for() is not self:
                core._typeset_for = weakref.ref(self)
                core.refresh = _typeset_refresh(core, type(core).refresh)
            super().texture_update(*largs)   # type: ignore[misc]
            return
        room = self._typeset_room()
        if room and self.text and _has_cjk(self.text):
            wrapped = _typeset(self.text, room, core, False)
            if wrapped is not None:
                core.text = wrapped
        super().texture_update(*largs)       # type: ignore[misc]
        if core.text != self.text:
            core.text = self.text             # the next change wraps from the source again

    def _typeset_room(self) -> float:
        width = self.text_size[0] if self.text_size else None
        if not width or width <= 0:
            return 0.0
        pad = self.padding[0] + self.padding[2] if len(self.padding) == 4 else 2 * self.padding[0]
        return width - pad - 1                # -1: Kivy's own wrapping must not find a line too wide


_COLOURED = re.compile(r"(\[color=[#0-9a-fA-F]+\])(.*)(\[/color\])", re.S)


def _typeset_refresh(core, refresh):
    def typeset_then_refresh() -> None:
        owner = core._typeset_for()
        room = owner._typeset_room() if owner is not None else 0.0
        whole = _COLOURED.fullmatch(core.text or "")
        if room and whole is not None and _has_cjk(whole.group(2)):
            wrapped = _typeset(whole.group(2), room, core, True)
            if wrapped is not None:
                core.text = whole.group(1) + wrapped + whole.group(3)
        refresh(core)
    return typeset_then_refresh


_SIZED = re.compile(r"\[size=(\d+)\]([^\[\]]*)\[/size\]")


def _typeset(text: str, room: float, core, markup: bool) -> str | None:
    """``text`` with its line breaks made by the rules; None where markup is not of the simple
    kind (the widget then wraps as Kivy does)."""
    from kiosk.typeset import wrap

    if not markup:
        return "\n".join(wrap(text, room, lambda s: core.get_extents(s)[0]))
    out = []
    for line in text.split("\n"):
        sized = _SIZED.fullmatch(line)
        if sized is None and ("[" in line or "]" in line):
            return None
        if sized is None:
            out += [escape(part) for part in wrap(unescape(line), room, lambda s: core.get_extents(s)[0])]
            continue
        size, inner = sized.group(1), unescape(sized.group(2))
        probe = CoreLabel(font_size=int(size), font_name=core.options["font_name"], bold=core.options["bold"])
        parts = wrap(inner, room, lambda s, probe=probe: probe.get_extents(s)[0])
        # one tag around all of its lines: a line break outside it is as tall as the outer size
        out.append(f"[size={size}]" + "\n".join(escape(part) for part in parts) + "[/size]")
    return "\n".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def unescape(text: str) -> str:
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


class KioskButton(Typeset, Button):
    """A primary button: white text on blue, wraps inside its bounds (by the Chinese rules)."""


class RowButton(Button):
    """A white list row: left-aligned text, up to two lines, shortened with …."""


class TypesetLabel(Typeset, Label):
    """A label that wraps Chinese by the rules (:class:`Typeset`)."""


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


class BodyLabel(TypesetLabel):
    """Wrapping text that grows to its height."""


class BarTitle(TypesetLabel):
    """A top bar's title beside its buttons: one line at ``big`` when it fits, else up to two
    lines at ``small``, and cut with … only past that (an item's long name, or large text's wide
    buttons, never leave 「网…事」). Set ``title``; ``text`` is what fits."""

    title = StringProperty("")
    big = NumericProperty(0)
    small = NumericProperty(0)

    def on_kv_post(self, base_widget) -> None:
        self.fbind("title", self._fit)
        self.fbind("width", self._fit)
        self.fbind("big", self._fit)
        self.fbind("small", self._fit)
        self.fbind("font_name", self._fit)
        self._fit()

    def _fit(self, *_args) -> None:
        from kiosk.typeset import wrap

        room = self.width - 1
        if not self.title or room <= 0 or not self.big or not self.small:
            self.text = self.title
            return
        if self._measure(self.big)(self.title) <= room:
            self.font_size, self.text = self.big, self.title
            return
        measure = self._measure(self.small)
        lines = wrap(self.title, room, measure)
        self.font_size = self.small
        if len(lines) <= 2:
            self.text = self.title
            return
        second = lines[1]
        while second and measure(second + "…") > room:
            second = second[:-1]
        self.text = lines[0] + "\n" + second.rstrip() + "…"

    def _measure(self, size: float):
        core = CoreLabel(font_size=size, font_name=self.font_name, bold=self.bold)
        return lambda s: core.get_extents(s)[0]


class FieldLabel(TypesetLabel):
    """The key column of the item screen (办理部门, 承诺时限 …)."""


from .keyboard import KioskKeyboard  # noqa: E402,F401  (the keyboard and its input method: keyboard.py)


# TextInput creates the Window when imported: load it only when a screen builds one.
Factory.register("SearchInput", module="screens.search_input")
Factory.register("KioskInput", module="screens.search_input")
