# SPDX-License-Identifier: Apache-2.0
"""管理登录: a staff badge, or a PIN, opens the admin screen (screens/admin_flow.py).

Opened by a 3 s press on the hall name on the home screen. While it is shown a helper's badge
counts too (elsewhere a helper's badge is assist mode's). Five wrong PINs lock the PIN for
five minutes (kiosk/ops/admin_access.py)."""
from __future__ import annotations

import math
import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.i18n import N_, _

from . import assist_keypad  # noqa: F401 - NumPad for the kv
from .widgets import KioskScreen

NOT_SET = N_("本机还没有设置管理人员（admin.pins、assist.staff_pins），请联系维护人员（见 docs/operations.md）。")


class AdminLoginScreen(KioskScreen):
    message = StringProperty("")
    checking = BooleanProperty(False)       # a PIN is being checked (the 确认 button waits)

    @property
    def access(self):
        from .admin_flow import controller
        return controller(self.app).access

    def show(self, **params) -> None:
        self.title = N_("管理登录")
        self.ids.pad.text = ""
        self.message = self._lock_message() or ("" if self.access.configured else _(NOT_SET))

    def on_pre_enter(self, *_args) -> None:
        self.access.awaiting_badge = True

    def on_leave(self, *_args) -> None:
        self.access.awaiting_badge = False

    def _lock_message(self) -> str:
        left = self.access.lock_seconds_left()
        return _("PIN 输错次数过多，已锁定。请 {minutes} 分钟后再试，或刷工作人员卡。").format(
            minutes=math.ceil(left / 60)) if left > 0 else ""

    def submit(self) -> None:
        pin = self.ids.pad.text
        self.ids.pad.text = ""
        if self.checking:
            return
        if not pin:
            self.message = _("请输入 PIN。")
            return
        access = self.access
        if access.refuse_locked():
            self.message = self._lock_message()
            return
        self.checking, self.message = True, _("正在核对…")
        token = self.session.token

        def check() -> None:       # scrypt for every staff member: off the UI thread
            match = access.match_pin(pin)
            Clock.schedule_once(lambda _dt: self._checked(match, token))

        threading.Thread(target=check, name="admin-pin", daemon=True).start()

    def _checked(self, match, token) -> None:
        self.checking = False
        if self.session.token != token or self.manager is None or self.manager.current != self.name:
            return                                       # the screen was left meanwhile
        if self.access.finish_pin(match) is not None:    # the flow opens the admin screen
            self.message = ""
            return
        self.message = self._lock_message() or _("PIN 不正确，还可以再试 {n} 次。").format(n=self.access.tries_left)

    def cancel(self) -> None:
        self.session.home()

    def wipe(self) -> None:
        self.message = ""
        self.checking = False
        if "pad" in self.ids:
            self.ids.pad.text = ""
