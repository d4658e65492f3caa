# SPDX-License-Identifier: Apache-2.0
"""找工作人员: where the hall's staffed desk is, when it is staffed and its phone.

Shown instead of 呼叫帮办 whenever remote assist cannot come (no hub configured, or the
hub refuses this terminal): help that is always real. The words come from config
(hall.desk_location, hall.desk_hours, hall.desk_phone; in English their ``_en`` forms where set)."""
from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.i18n import N_, _

from .widgets import KioskScreen


def desk(kiosk) -> tuple[str, str, str]:
    """(location, hours, phone) of the staffed desk in the session's language (Kiosk.hall)."""
    hall = kiosk.hall()
    return hall["desk"], hall["desk_hours"], hall["desk_phone"]


def ask_at_desk(kiosk) -> str:
    """One sentence for items without a guide: 请到窗口咨询, where and the phone."""
    location, _hours, phone = desk(kiosk)
    if phone:
        return _("请到窗口咨询：{location}，电话 {phone}。").format(location=location, phone=phone)
    return _("请到窗口咨询：{location}。").format(location=location)


class HelpDeskScreen(KioskScreen):
    location = StringProperty("")
    hours = StringProperty("")
    phone = StringProperty("")

    def show(self, **params) -> None:
        self.title = N_("找工作人员")
        self.location, self.hours, self.phone = desk(self.kiosk)

    def relabel(self) -> None:
        self.show()                               # the hall's words in the other language
