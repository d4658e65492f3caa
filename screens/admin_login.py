# SPDX-License-Identifier: Apache-2.0
"""管理登录: a staff badge, or a PIN, opens the admin screen (screens/admin_flow.py).

Opened by a 3 s press on the hall name on the home screen. While it is shown a helper's badge
counts too (elsewhere a helper's badge is assist mode's). Five wrong PINs lock the PIN for
five minutes (kiosk/ops/admin_access.py)."""
from __future__ import annotations

import math

from kivy.properties import StringProperty

from . import assist_keypad  # noqa: F401 - NumPad for the kv
from .widgets import KioskScreen

NOT_SET = "本机还没有设置管理人员（admin.pins、assist.staff_pins），请联系维护人员（见 docs/operations.md）。"


class AdminLoginScreen(KioskScreen):
    message = StringProperty("")

    @property
    def access(self):
        from .admin_flow import controller
        return controller(self.app).access

    def show(self, **params) -> None:
        self.title = "管理登录"
        self.ids.pad.text = ""
        self.message = self._lock_message() or ("" if self.access.configured else NOT_SET)

    def on_pre_enter(self, *_args) -> None:
        self.access.awaiting_badge = True

    def on_leave(self, *_args) -> None:
        self.access.awaiting_badge = False

    def _lock_message(self) -> str:
        left = self.access.lock_seconds_left()
        return f"PIN 输错次数过多，已锁定。请 {math.ceil(left / 60)} 分钟后再试，或刷工作人员卡。" if left > 0 else ""

    def submit(self) -> None:
        pin = self.ids.pad.text
        self.ids.pad.text = ""
        if not pin:
            self.message = "请输入 PIN。"
            return
        if self.access.login_pin(pin) is not None:     # the flow opens the admin screen
            self.message = ""
            return
        self.message = self._lock_message() or f"PIN 不正确，还可以再试 {self.access.tries_left} 次。"

    def cancel(self) -> None:
        self.session.home()

    def wipe(self) -> None:
        self.message = ""
        if "pad" in self.ids:
            self.ids.pad.text = ""
