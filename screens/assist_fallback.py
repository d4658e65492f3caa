# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办 did not connect: plain words and what the citizen can do instead
(leave a phone number for a call back, the online service's QR code, the service desk)."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from . import assist_keypad  # noqa: F401 - NumPad for the kv
from .widgets import KioskScreen

REASONS = {
    "no_helper": "抱歉，现在没有空闲的帮办人员。",
    "timeout": "抱歉，等候时间较长，暂时没有接通。",
    "hub_lost": "抱歉，帮办服务的网络连接中断了。",
    "unavailable": "抱歉，远程帮办暂时无法使用。",
}


def valid_phone(number: str) -> bool:
    """A mainland mobile (11 digits, starting with 1) or a landline with area code (10–12 digits)."""
    if not number.isdigit():
        return False
    if number.startswith("1"):
        return len(number) == 11
    return number.startswith("0") and 10 <= len(number) <= 12


def grouped(number: str) -> str:
    """138 0013 8000: easier to check on screen."""
    if number.startswith("1"):
        return " ".join(p for p in (number[:3], number[3:7], number[7:]) if p)
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def online_url(template: str) -> str:
    """The online service's entry: the item template with nothing filled in."""
    return template.format(name="", id="")


class AssistFallbackScreen(KioskScreen):
    reason_text = StringProperty("")
    message = StringProperty("")
    phone = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def show(self, reason: str = "no_helper", **params) -> None:
        from .qr import qr_texture
        self.title = "暂时没有接通"
        self.reason_text = REASONS.get(reason, REASONS["unavailable"])
        self.phone = self.kiosk.config["hall.phone"]
        self.qr = qr_texture(online_url(self.kiosk.config["catalogue.qr_url_template"]))

    def submit(self) -> None:
        from .assist_flow import controller
        number = self.ids.pad.text
        if not valid_phone(number):
            self.message = "请输入 11 位手机号，或带区号的固定电话。"
            return
        self.message = controller(self.app).leave_callback(number)
        self.ids.pad.text = ""

    def wipe(self) -> None:
        self.message = ""
        self.qr = None
        if "pad" in self.ids:
            self.ids.pad.text = ""
