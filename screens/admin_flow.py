# SPDX-License-Identifier: Apache-2.0
"""The admin screen (管理) inside the app: how it is reached and left.

Reached by a 3 s press on the hall name and a PIN (管理登录), or by a staff badge (an admin's
from any screen, a helper's while 管理登录 waits). Entering ends the citizen's session first
(everything wiped), so the admin screen never shows a citizen's data. Leaving (退出管理, or the
idle timeout ending the session) signs the staff member out. The core is kiosk/ops/admin.py;
its state reaches the screens through kiosk.ui_bridge.AdminBridge.
"""
from __future__ import annotations

from kivy.clock import Clock

from kiosk.ops.admin import admin_of
from kiosk.ops.simulator import simulator_of
from kiosk.ui_bridge import AdminBridge, SimulatorBridge


def controller(app) -> "AdminFlow":
    """The app's admin flow, made on first use (KioskApp.on_start makes it)."""
    flow = getattr(app, "admin_flow", None)
    if flow is None:
        flow = AdminFlow(app)
        app.admin_flow = flow
    return flow


class AdminFlow:
    def __init__(self, app):
        self.app = app
        self.session = app.kiosk.session
        self.service = admin_of(app.kiosk)
        self.bridge = AdminBridge(self.service)
        self.bridge.bind(on_grant=self._on_grant, exit_code=self._on_exit_code)
        sim = simulator_of(app.kiosk)          # the 模拟器 panel: --simulate only, else None
        self.sim_bridge = SimulatorBridge(sim) if sim is not None else None
        self.service.access.watch_badges(app.kiosk.devices.get("smartcard"),
                                         post=lambda fn: Clock.schedule_once(lambda _dt: fn()))
        self.session.on_wipe(self._on_wipe)
        app.bind(on_stop=lambda *_a: self.detach())

    def detach(self) -> None:
        self.service.access.stop_watching_badges()
        self.bridge.close()
        if self.sim_bridge is not None:
            self.sim_bridge.close()          # the simulator is the kiosk's (kiosk.wiring.stop closes it)

    @property
    def access(self):
        return self.service.access

    def open_login(self) -> None:
        """The long press on the hall name: 管理登录 (PIN, or a badge while it is shown)."""
        self.session.go("admin_login")

    def _on_grant(self, _bridge, grant) -> None:
        """A PIN or a badge granted entry: the citizen's session ends (wiped) before anything shows."""
        self.session.end("admin")
        self.service.begin(grant)
        self.session.go("admin")

    def leave(self) -> None:
        """退出管理: signed out, back to the home screen."""
        self.service.end("exit")
        self.session.end("admin_exit")

    def _on_wipe(self) -> None:
        self.service.end("session_end")

    def _on_exit_code(self, _bridge, code: int) -> None:
        """重启程序 / 退出到桌面: the app stops with the code the service set (ehall_kiosk/main.py)."""
        if code >= 0:
            self.service.exit_code = None
            self.app.exit_code = code
            self.app.stop()
