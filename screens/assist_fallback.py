# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办 did not connect: plain words and what the citizen can do instead
(leave a phone number for a call back, 留言（工单）, the online service's QR code, the service desk)."""
from __future__ import annotations

import re

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.i18n import N_

from . import assist_keypad  # noqa: F401 - NumPad for the kv
from .widgets import KioskScreen

REASONS = {
    "no_helper": N_("抱歉，现在没有空闲的帮办人员。"),
    "timeout": N_("抱歉，等候时间较长，暂时没有接通。"),
    "hub_lost": N_("抱歉，帮办服务的网络连接中断了。"),
    "unavailable": N_("抱歉，远程帮办暂时无法使用。"),
}


SAVED = N_("已登记，工作人员会尽快给您回电。")
FAILED = N_("暂时无法登记，请拨打 {phone} 或到服务台咨询。")     # msgids: assist_fallback.kv shows them
_PHONE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")


def valid_phone(number: str) -> bool:
    """A mainland mobile (1[3-9] and 9 digits) or a landline with area code (0, 10–12 digits):
    the hub's rule (helpdesk/callbacks.py) for what the keypad can type."""
    return bool(_PHONE.fullmatch(number))


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
    warn = BooleanProperty(False)        # the message asks the citizen to do something
    sending = BooleanProperty(False)     # a call-back request is on its way
    phone = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    can_order = BooleanProperty(False)   # 留言（工单） where work orders can be kept

    def show(self, reason: str = "no_helper", **params) -> None:
        from .qr import qr_texture
        self.title = N_("暂时没有接通")
        self.reason_text = REASONS.get(reason, REASONS["unavailable"])
        self.fallback_reason = reason
        self.phone = self.kiosk.config["hall.phone"]
        self.qr = qr_texture(online_url(self.kiosk.config["catalogue.qr_url_template"]))
        from .order import may_order
        self.can_order = may_order(self.kiosk)

    def leave_message(self) -> None:
        from .order import start
        start(self.kiosk, origin="call")

    def submit(self) -> None:
        from .assist_flow import controller
        number = self.ids.pad.text
        if self.sending:
            return
        if not valid_phone(number):
            self.message, self.warn = N_("请输入 11 位手机号，或带区号的固定电话。"), True
            return
        ctl = controller(self.app)
        self.ids.pad.text = ""
        self.sending, self.warn = ctl.can_send_callback, False
        self.message = ctl.leave_callback(number, lambda ok: self._registered(ok, number),
                                          getattr(self, "fallback_reason", ""))

    def _registered(self, ok: bool, number: str) -> None:
        """The hub's answer (main thread, same session). On failure the number is put back
        on the keypad for another try; the session's end wipes it."""
        self.sending = False
        if ok:
            self.message, self.warn = SAVED, False
        else:
            self.message, self.warn = FAILED, True
            if not self.ids.pad.text:
                self.ids.pad.text = number

    def wipe(self) -> None:
        self.message = ""
        self.warn = self.sending = False
        self.qr = None
        if "pad" in self.ids:
            self.ids.pad.text = ""
