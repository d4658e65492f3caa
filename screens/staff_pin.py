# SPDX-License-Identifier: Apache-2.0
"""The helper's PIN pad for assist mode (协助模式), opened by a 3 s press on the
terminal id of the home screen (:class:`LongPressLabel`)."""
from __future__ import annotations

import math
import time

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.i18n import N_, _

from . import assist_keypad  # noqa: F401 - NumPad for the kv
from .widgets import BodyLabel, KioskScreen

LONG_PRESS_SECONDS = 3.0


class LongPressLabel(BodyLabel):
    """A label that fires ``on_long_press`` when held for ``seconds``.

    Time comes from the session's clock, so tests advance a fake clock instead of waiting.
    """

    seconds = NumericProperty(LONG_PRESS_SECONDS)
    __events__ = ("on_long_press",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._touch = None
        self._since = 0.0
        self._check = None

    @staticmethod
    def _clock():
        app = App.get_running_app()
        return app.kiosk.session.clock if app is not None else time.monotonic

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.grab(self)
        self._touch, self._since = touch, self._clock()()
        self._check = Clock.schedule_interval(lambda _dt: self._held(), 0.1)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._held()
        self._stop()
        return True

    def _held(self) -> None:
        if self._touch is not None and self._clock()() - self._since >= self.seconds:
            self._stop()
            self.dispatch("on_long_press")

    def _stop(self) -> None:
        self._touch = None
        if self._check is not None:
            self._check.cancel()
            self._check = None

    def on_long_press(self) -> None:
        pass


class StaffPinScreen(KioskScreen):
    message = StringProperty("")

    @property
    def mode(self):
        from .assist_flow import controller
        return controller(self.app).mode

    def show(self, **params) -> None:
        self.title = N_("工作人员验证")
        self.ids.pad.text = ""
        self.message = self._lock_message() or ("" if self.mode.configured else
                                                _("本机还没有设置工作人员 PIN，请联系管理员（见 docs/assist-mode.md）。"))

    def _lock_message(self) -> str:
        left = self.mode.lock_seconds_left()
        return _("输错次数过多，已锁定。请 {n} 分钟后再试。").format(n=math.ceil(left / 60)) if left > 0 else ""

    def submit(self) -> None:
        pin = self.ids.pad.text
        self.ids.pad.text = ""
        if not pin:
            self.message = _("请输入 PIN。")
            return
        helper = self.mode.elevate(pin)
        if helper is not None:
            self.message = ""
            self.session.back()
            self.app.notify(_("已进入协助模式（{helper}）。").format(helper=helper))
            return
        self.message = self._lock_message() or _("PIN 不正确，还可以再试 {n} 次。").format(n=self.mode.tries_left)

    def wipe(self) -> None:
        self.message = ""
        if "pad" in self.ids:
            self.ids.pad.text = ""
