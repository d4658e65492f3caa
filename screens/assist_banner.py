# SPDX-License-Identifier: Apache-2.0
"""The small strip at the bottom while the citizen browses during a call request
("正在等待帮办…" with 查看/取消) or during a call (返回通话/挂断).

The call controls must be reachable on every screen, the docked on-screen
keyboard included: :class:`OnTop` puts the strip on the Window itself (not in the
app's root), keeps it the Window's topmost child (drawn last, offered every touch
first) whenever another child such as the keyboard arrives, and lifts it above
the keyboard and any bar at the bottom (the helper toolbar), so it covers no key.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_, _

from .assist_wait import wait_line


class AssistBanner(BoxLayout):
    ctl = ObjectProperty(None)
    text = StringProperty(N_("正在等待帮办…"))
    calling = BooleanProperty(False)

    def refresh(self, ctl) -> None:
        svc = ctl.service
        if svc is None:
            return
        if self.calling:
            self.text = _("正在与帮办人员通话，对方可以看到您的屏幕")
        else:
            self.text = _("正在等待帮办…") + wait_line(svc.state, svc.position, svc.estimate_s)

    def open(self) -> None:
        if self.calling:
            self.ctl.return_to_call()
        else:
            self.ctl.show_wait()

    def stop(self) -> None:
        if self.calling:
            self.ctl.hangup()
        else:
            self.ctl.cancel()


def top_of(widget) -> float:
    """The window y of a child's top edge (a Scatter such as the keyboard: its scaled box)."""
    (_x, y), (_w, h) = widget.bbox if hasattr(widget, "bbox") else (widget.pos, widget.size)
    return y + h


class OnTop:
    """Shows ``widget`` as the Window's topmost child, its bottom at ``floor()`` or above
    the docked keyboard when that is shown. Main thread only."""

    def __init__(self, widget, floor=lambda: 0.0) -> None:
        self.widget, self.floor = widget, floor
        self._event = None

    @property
    def shown(self) -> bool:
        return self.widget.parent is not None

    def show(self) -> None:
        from kivy.core.window import Window

        if self.widget.parent is None:
            Window.add_widget(self.widget)
            Window.bind(children=self._children_changed)
        self.place()

    def hide(self) -> None:
        from kivy.core.window import Window

        if self.widget.parent is not None:
            Window.unbind(children=self._children_changed)
            self.widget.parent.remove_widget(self.widget)
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _children_changed(self, *_args) -> None:
        # a keyboard is docked only after it is added: place once that is done, before drawing
        if self._event is None:
            self._event = Clock.schedule_once(self._placed_later, -1)

    def _placed_later(self, _dt) -> None:
        self._event = None
        self.place()

    def place(self) -> None:
        from kivy.core.window import Window

        from .widgets import KioskKeyboard

        window = self.widget.parent
        if window is None:
            return
        if window.children and window.children[0] is not self.widget:
            Window.unbind(children=self._children_changed)
            window.remove_widget(self.widget)          # to the top: last drawn, first touched
            window.add_widget(self.widget)
            Window.bind(children=self._children_changed)
        y = float(self.floor())
        for child in window.children:
            if isinstance(child, KioskKeyboard):
                y = max(y, top_of(child))
        self.widget.y = y
