# SPDX-License-Identifier: Apache-2.0
"""留言查询: the citizen types the 查询码 from their receipt (the ABC keys) and sees the order's
status, deadline and the staff's reply, as the hub's status page shows them: never the phone,
the name or the description. An order still in this kiosk's outbox says so; too many wrong codes
from this terminal ask for a pause (the hub decides); an unreachable hub is said plainly.

An identified citizen whose identity carries a citizen tag (the identity worker's HMAC of the ID
number, kiosk/citizen_tag.py) also has 查看我的工单: the orders they agreed to find by card, as a
list (number, category, status, deadline, replied or not), from the hub and this kiosk's outbox."""
from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import N_, _

from .theme import keyboard_size
from .widgets import KioskScreen

# msgids (order.kv shows the status with app._()); a found order's status is made with _()
HINT = N_("请输入回执上的查询码（10 位字母和数字），然后点“查询”。")
WORDS = {
    "wrong": N_("没有找到这个查询码，请核对回执后重新输入。"),
    "wait": N_("输错次数较多，请过几分钟再试，或到服务台咨询。"),
    "offline": N_("暂时连不上工作人员系统，请稍后再查，或用手机扫回执上的二维码。"),
    "pending": N_("这条留言已保存在本机，还没有提交（联网后自动提交）。"),
}
MINE_WORDS = {
    "none": N_("没有找到用这张身份证提交、并同意凭身份证查询的工单。没有勾选的工单请凭回执上的查询码查询。"),
    "wait": N_("查询次数较多，请过几分钟再试，或到服务台咨询。"),
    "offline": N_("暂时连不上工作人员系统，请稍后再查，或用手机扫回执上的二维码。"),
}
MINE_SHOWN = 20
# the hub's status words (helpdesk/records_api.py STATUS_WORDS): shown translated; others as sent
HUB_WORDS = (N_("已受理，等待分派"), N_("已分派，正在办理"), N_("已答复"), N_("已办结"), N_("已退回"))


class OrderLookupScreen(KioskScreen):
    status = StringProperty(HINT)
    result = StringProperty("")
    busy = BooleanProperty(False)
    found = BooleanProperty(False)
    can_rate = BooleanProperty(False)      # a finished order not yet rated: 评价本次办理
    can_mine = BooleanProperty(False)      # identified with a citizen tag: 查看我的工单
    listing = BooleanProperty(False)       # 查看我的工单's list is shown
    mine = None                            # its answer (made again on a language switch)
    keyboard_height = NumericProperty(0)
    typing = BooleanProperty(False)
    last = None                            # the order found (its status is made again on a language switch)

    def show(self, **params) -> None:
        from kivy.core.window import Window

        self.title = N_("留言查询")
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        self._offer_rating()                   # back from the rating: offered no more
        from .order import citizen_tag_of
        self.can_mine = bool(citizen_tag_of(self.session)) and getattr(self.kiosk, "records", None) is not None
        Clock.schedule_once(lambda _dt: self._focus())

    def _offer_rating(self) -> None:
        """好差评 of a finished order (已答复/已办结), once: not when the hub has its rating, nor
        after one from this session (it may still be in the outbox)."""
        from .rating import may_rate
        found = self.last
        done = self.session.data.get("rated_orders", set())
        self.can_rate = bool(self.found and found is not None and found.status in ("replied", "closed")
                             and not found.rated and found.number not in done and may_rate(self.kiosk))

    def rate(self) -> None:
        if not self.can_rate or self.last is None:
            return
        self.session.data.setdefault("rated_orders", set()).add(self.last.number)
        self.can_rate = False
        self.session.go("rate", target="order", target_id=self.last.number)

    def _focus(self) -> None:
        if self.manager is not None and self.manager.current == self.name and not self.found:
            self.ids.field.focus = True

    def on_pre_leave(self, *args) -> None:
        self.release_keyboard()

    def release_keyboard(self) -> None:
        if "field" in self.ids:
            self.ids.field.focus = False

    def query(self) -> None:
        records = getattr(self.kiosk, "records", None)
        code = self.ids.field.text
        if self.busy or records is None:
            return
        if not code.strip():
            self.status = N_("请先输入查询码。")
            return
        self.busy, self.status, self.result, self.found, self.can_rate = True, N_("正在查询…"), "", False, False
        token = self.session.token

        def ask() -> None:
            outcome = records.lookup(code)
            Clock.schedule_once(lambda _dt: self._answered(token, outcome))
        threading.Thread(target=ask, name="order-lookup", daemon=True).start()

    def my_orders(self) -> None:
        """查看我的工单: the tag goes to the hub over the kiosk's link (off the UI thread)."""
        from .order import citizen_tag_of
        records = getattr(self.kiosk, "records", None)
        tag = citizen_tag_of(self.session)
        if self.busy or records is None or not tag:
            return
        self.release_keyboard()
        self.busy, self.status, self.result, self.found, self.can_rate = True, N_("正在查询…"), "", False, False
        self.listing, self.mine = False, None
        token = self.session.token

        def ask() -> None:
            answer = records.mine(tag)
            Clock.schedule_once(lambda _dt: self._mine_answered(token, answer))
        threading.Thread(target=ask, name="order-mine", daemon=True).start()

    def _mine_answered(self, token: str, answer) -> None:
        if self.session.token != token:
            return
        self.busy = False
        self.mine = answer
        self._say_mine(answer)

    def _say_mine(self, answer) -> None:
        if not answer.orders:
            self.listing = False
            self.status = MINE_WORDS["none"] if answer.outcome == "found" else MINE_WORDS.get(
                answer.outcome, MINE_WORDS["offline"])
            self.result = ""
            return
        self.listing = True
        self.status = _("您的工单（{n} 条）：").format(n=len(answer.orders))
        lines = []
        for o in answer.orders[:MINE_SHOWN]:
            if o.pending:
                head = _("尚未提交（{category}）：已保存在本机，联网后自动提交").format(category=_(o.category))
            else:
                head = _("工单编号 {number}（{category}）：{words}").format(
                    number=o.number, category=_(o.category), words=_(o.words))
            year, _sep, rest = o.deadline.partition("-")
            month, _sep, day = rest.partition("-")
            tail = _("答复时限：{deadline}").format(deadline=_("{year}年{month}月{day}日前").format(
                year=year, month=month, day=day)) if o.deadline else ""
            said = _("已答复，凭查询码可查看答复内容") if o.replied else ("" if o.pending else _("尚未答复"))
            lines.append("\n    ".join(t for t in (head, tail, said) if t))
        if answer.outcome != "found":
            lines.append(_(MINE_WORDS.get(answer.outcome, MINE_WORDS["offline"])))
        self.result = "\n".join(lines)

    def _answered(self, token: str, found) -> None:
        if self.session.token != token:
            return
        self.busy = False
        self.listing, self.mine = False, None
        if found.outcome == "found":
            self.found = True
            self.release_keyboard()
            self.last = found
            self._say_found(found)
            self._offer_rating()
            return
        self.status = WORDS.get(found.outcome, WORDS["offline"])
        if found.outcome == "pending" and found.deadline:
            self.result = _("类别：{category}").format(category=_(found.category))

    def _say_found(self, found) -> None:
        """The order's status in the session's language (the hub's words and reply are as it sent them)."""
        self.status = _("工单编号 {number}（{category}）：{words}").format(
            number=found.number, category=_(found.category), words=_(found.words))
        year, _sep, rest = found.deadline.partition("-")
        month, _sep, day = rest.partition("-")
        deadline = _("{year}年{month}月{day}日前").format(year=year, month=month, day=day) if found.deadline else ""
        reply = _("工作人员的答复：{reply}").format(reply=found.reply) if found.reply else _("工作人员尚未答复。")
        self.result = (_("答复时限：{deadline}").format(deadline=deadline) + "\n" if deadline else "") + reply

    def relabel(self) -> None:
        if self.found and self.last is not None:
            self._say_found(self.last)
        elif self.mine is not None:
            self._say_mine(self.mine)

    def again(self) -> None:
        self.ids.field.text = ""
        self.status, self.result, self.found, self.can_rate = HINT, "", False, False
        self.listing, self.mine = False, None
        self._focus()

    def wipe(self) -> None:
        self.release_keyboard()
        self.busy = self.found = self.typing = self.can_rate = self.can_mine = self.listing = False
        self.status, self.result, self.last, self.mine = HINT, "", None, None
        if "field" in self.ids:
            self.ids.field.text = ""
