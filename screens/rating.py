# SPDX-License-Identifier: Apache-2.0
"""好差评 after a service (a helper call that ended, an item's guide printed): 非常满意 … 非常不满意,
one tap, skippable,
never in the way of leaving (返回/首页 stay). 不满意 and 非常不满意 ask why (GB/T 39735's reasons,
kiosk/records/service.py BAD_REASONS) before 提交评价. The rating goes through the outbox,
tied to what was rated (the call, its helper, the terminal), never to who rated.

At 结束办理 (``ending``, kiosk/session.py :meth:`Session.finish`) it rates the session's service
(the last item opened, or none): 跳过, a kept rating, 首页 and ``ui.rating_seconds`` untouched
all end the session (the wipe); 返回 goes back to the business (the citizen changed their mind)."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.i18n import N_, _

from .widgets import KioskScreen

THANKS = N_("谢谢您的评价！")
NOT_KEPT = N_("抱歉，评价没能保存。")
WHAT = {"call": N_("刚才的视频帮办服务"), "guide": N_("本事项的办事指南服务"), "session": N_("本次办理的服务"),
        "order": N_("这张工单的办理")}
SOME_SERVICE = N_("本次服务")


def may_rate(kiosk) -> bool:
    return getattr(kiosk, "records", None) is not None


class RatingScreen(KioskScreen):
    score = NumericProperty(0)           # 0: not chosen yet
    asking = BooleanProperty(False)      # a bad score: the reasons are shown
    chosen = ListProperty([])
    message = StringProperty("")
    what = StringProperty("")
    ending = BooleanProperty(False)      # the rating at 结束办理: the session ends after it
    notice = StringProperty("")          # the app's notice (通话已结束), in this layout: it covers nothing
    hosts_notice = True

    def show(self, target: str = "call", target_id: str = "", helper: str = "", ending: bool = False,
             **params) -> None:
        from kiosk.records.service import BAD_REASONS

        self.title = N_("服务评价")
        self.target, self.target_id, self.helper, self.ending = target, target_id, helper, bool(ending)
        self.what = WHAT.get(target, SOME_SERVICE)     # a msgid: rating.kv translates it
        self.score, self.asking, self.chosen, self.message = 0, False, [], ""
        box = self.ids.reasons
        box.clear_widgets()
        records = self.kiosk.records
        for reason in (records.bad_reasons if records is not None else BAD_REASONS):   # the hall's list
            button = Factory.ReasonButton()           # kv's own property (reason) is set after
            button.reason, button.text = reason, _(reason)
            button.bind(state=self._toggled)
            box.add_widget(button)

    def _toggled(self, button, state) -> None:
        chosen = [r for r in self.chosen if r != button.reason]     # the reason kept is the Chinese one
        self.chosen = chosen + [button.reason] if state == "down" else chosen
        if self.chosen:
            self.message = ""

    def rate(self, score: int) -> None:
        self.score = score
        if score <= 2:
            self.asking = True
            self.message = _("请选择不满意的原因（可多选），然后点“提交评价”。")
            return
        self._keep()

    def submit(self) -> None:
        if not self.chosen:
            self.message = _("请至少选择一个原因，或点“跳过”。")
            return
        self._keep()

    def _keep(self) -> None:
        records = getattr(self.kiosk, "records", None)
        ok = records is not None and records.rate(self.score, self.target, self.target_id, self.chosen,
                                                  helper=self.helper)
        if ok:
            self.session.rated = True                 # 结束办理 asks no more in this session
        self._leave()
        self.app.notify(_(THANKS if ok else NOT_KEPT))   # after the wipe: the home screen says it

    def _leave(self) -> None:
        if self.ending:
            self.session.end("finished")
        else:
            self.session.back()

    def relabel(self) -> None:
        for button in self.ids.reasons.children:
            button.text = _(button.reason)
        if self.message:
            self.message = _("请选择不满意的原因（可多选），然后点“提交评价”。")

    def skip(self) -> None:
        self._leave()

    def wipe(self) -> None:
        self.score, self.asking, self.chosen, self.message, self.notice = 0, False, [], "", ""
        self.ending = False
        self.target = self.target_id = self.helper = ""
        if "reasons" in self.ids:
            self.ids.reasons.clear_widgets()
