# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办, step 1: what the helper will see, then 同意呼叫 or 不用了."""
from __future__ import annotations

from kiosk.i18n import N_

from .widgets import KioskScreen

NOTICE = N_("接通后，帮办人员会通过视频看到您，也能看到这台机器的屏幕，"
             "以便一步步指导您操作。\n"
             "屏幕上的身份证号、姓名等个人信息会打码显示。\n"
             "您可以随时挂断。")


class AssistConsentScreen(KioskScreen):
    def show(self, **params) -> None:
        self.title = N_("呼叫帮办")

    def accept(self) -> None:
        from .assist_flow import controller
        controller(self.app).request()

    def decline(self) -> None:
        from .assist_flow import controller
        controller(self.app).decline()
