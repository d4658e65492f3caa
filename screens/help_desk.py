# SPDX-License-Identifier: Apache-2.0
"""找工作人员: where the hall's staffed desk is, when it is staffed and its phone.

Shown instead of 呼叫帮办 whenever remote assist cannot come (no hub configured, or the
hub refuses this terminal): help that is always real. The words come from config
(hall.desk_location, hall.desk_hours, hall.desk_phone)."""
from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.i18n import N_, _

from .widgets import KioskScreen


def desk(cfg) -> tuple[str, str, str]:
    """(location, hours, phone) of the staffed desk, with the hall's hours and phone as fallbacks."""
    return (cfg["hall.desk_location"], cfg["hall.desk_hours"] or cfg["hall.opening_hours"],
            cfg["hall.desk_phone"] or cfg["hall.phone"])


def ask_at_desk(cfg) -> str:
    """One sentence for items without a guide: 请到窗口咨询, where and the phone."""
    location, _hours, phone = desk(cfg)
    if phone:
        return _("请到窗口咨询：{location}，电话 {phone}。").format(location=location, phone=phone)
    return _("请到窗口咨询：{location}。").format(location=location)


class HelpDeskScreen(KioskScreen):
    location = StringProperty("")
    hours = StringProperty("")
    phone = StringProperty("")

    def show(self, **params) -> None:
        self.title = N_("找工作人员")
        self.location, self.hours, self.phone = desk(self.kiosk.config)
