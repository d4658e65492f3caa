# SPDX-License-Identifier: Apache-2.0
"""Listeners Kivy adds without bound (issue 18, docs/memory.md): fixed once, before the screens
are built (:func:`apply`).

- ScrollView (Kivy 2.3, kivy/uix/scrollview.py ``update_from_scroll``): every scroll or layout
  binds ``bar_color`` to the bar's colour again (``fbind`` adds one more each time), and the fade
  0.5 s later unbinds one. A ScrollView laid out or scrolled several times within half a second
  (the results list as a citizen types) kept one more listener each time: the resident screens'
  lists gained about 4 per session in the soak, for all day. Here each call first removes the
  one it is about to add again, so a ScrollView has at most one.
"""
from __future__ import annotations

_APPLIED: list[bool] = []


def apply() -> None:
    if _APPLIED:
        return
    from kivy.uix.scrollview import ScrollView

    kivys = ScrollView.update_from_scroll

    def update_from_scroll(self, *largs):
        self.funbind("bar_color", self._change_bar_color)    # Kivy binds it again below
        return kivys(self, *largs)

    update_from_scroll.__doc__ = kivys.__doc__
    ScrollView.update_from_scroll = update_from_scroll
    _APPLIED.append(True)
