# SPDX-License-Identifier: Apache-2.0
"""The work order's receipt on screen: the 查询码 in large print, the deadline in working days,
the status page's QR, and only what is true about where the order is:

- 已提交 when the hub acknowledged it (with the order's number);
- 已保存，联网后自动提交 when it is kept in the kiosk's outbox and not yet taken;
- a plain failure with the desk when the hub refused it for good (kept at the kiosk).

The 回执 prints once on the receipt printer; when it cannot, the citizen is asked to
photograph the screen. The code is in the session only (wiped at its end)."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from ehall_common.order_code import shown
from kiosk.i18n import N_, current

from .widgets import KioskScreen

# msgids: order_done.kv shows them with app._()
TAKEN = N_("已提交。工作人员会按时答复您。")
KEPT = N_("已保存在本机，联网后自动提交。")
REFUSED = N_("抱歉，留言没能提交，已保存在本机。请到服务台告诉工作人员。")
PRINTING = N_("正在打印回执…")
PRINTED = N_("请在出纸口取走回执。")
NO_PAPER = N_("回执暂时不能打印，请用手机拍下本页，保存查询码。")


class OrderDoneScreen(KioskScreen):
    headline = StringProperty("")
    ok = BooleanProperty(True)
    code = StringProperty("")
    number = StringProperty("")
    deadline = StringProperty("")
    print_text = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    modules = NumericProperty(1)

    def show(self, **params) -> None:
        from kiosk.printing.order_receipt import deadline_words
        from .qr import qr_texture

        self.title = N_("留言回执")
        done = self.session.data.get("order_done")
        if done is None:                      # nothing submitted in this session: nothing to show
            self.wipe()
            self.headline, self.ok = N_("没有可显示的回执。"), False
            return
        submitted, sent = done
        self.ok = sent is None or sent.taken
        self.headline = TAKEN if sent is not None and sent.taken else KEPT if sent is None else REFUSED
        self.code = shown(submitted.code)
        self.number = sent.number if sent is not None and sent.taken else ""
        self.deadline = deadline_words(submitted.days, submitted.deadline)
        self.qr = qr_texture(submitted.link(current()))   # English: the page in English (?lang=en)
        self.modules = self.qr.width
        if sent is None or sent.taken:
            self._print(submitted, sent)
        else:
            self.print_text = ""

    def relabel(self) -> None:
        """EN / 中文 on the receipt screen: the deadline's words and the QR's page follow (the
        status page in English is ``?lang=en``); nothing is printed again."""
        from kiosk.printing.order_receipt import deadline_words
        from .qr import qr_texture

        done = self.session.data.get("order_done")
        if done is None:
            return
        submitted, _sent = done
        self.deadline = deadline_words(submitted.days, submitted.deadline)
        self.qr = qr_texture(submitted.link(current()))
        self.modules = self.qr.width

    def _print(self, submitted, sent) -> None:
        from kiosk.printing.order_receipt import order_receipt

        self.print_text = PRINTING
        token = self.session.token
        doc = order_receipt(submitted, sent, self.kiosk.hall())
        self.kiosk.print_receipt(doc, lambda outcome: Clock.schedule_once(lambda _dt: self._printed(token, outcome)))

    def _printed(self, token: str, outcome) -> None:
        if self.session.token != token:
            return
        self.print_text = PRINTED if (outcome.printed or outcome.duplicate) else NO_PAPER

    @staticmethod
    def crisp_side(available: float, modules: int) -> float:
        return max(1, int(available // modules)) * modules

    def finish(self) -> None:
        self.session.home()

    def wipe(self) -> None:
        self.headline = self.code = self.number = self.deadline = self.print_text = ""
        self.qr = None
