# SPDX-License-Identifier: Apache-2.0
"""留言查询: the citizen types the 查询码 from their receipt (the ABC keys) and sees the order's
status, deadline and the staff's reply, as the hub's status page shows them: never the phone,
the name or the description. An order still in this kiosk's outbox says so; too many wrong codes
from this terminal ask for a pause (the hub decides); an unreachable hub is said plainly."""
from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from .theme import keyboard_size
from .widgets import KioskScreen

HINT = "请输入回执上的查询码（10 位字母和数字），然后点“查询”。"
WORDS = {
    "wrong": "没有找到这个查询码，请核对回执后重新输入。",
    "wait": "输错次数较多，请过几分钟再试，或到服务台咨询。",
    "offline": "暂时连不上工作人员系统，请稍后再查，或用手机扫回执上的二维码。",
    "pending": "这条留言已保存在本机，还没有提交（联网后自动提交）。",
}


class OrderLookupScreen(KioskScreen):
    status = StringProperty(HINT)
    result = StringProperty("")
    busy = BooleanProperty(False)
    found = BooleanProperty(False)
    keyboard_height = NumericProperty(0)
    typing = BooleanProperty(False)

    def show(self, **params) -> None:
        from kivy.core.window import Window

        self.title = "留言查询"
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        Clock.schedule_once(lambda _dt: self._focus())

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
            self.status = "请先输入查询码。"
            return
        self.busy, self.status, self.result, self.found = True, "正在查询…", "", False
        token = self.session.token

        def ask() -> None:
            outcome = records.lookup(code)
            Clock.schedule_once(lambda _dt: self._answered(token, outcome))
        threading.Thread(target=ask, name="order-lookup", daemon=True).start()

    def _answered(self, token: str, found) -> None:
        if self.session.token != token:
            return
        self.busy = False
        if found.outcome == "found":
            self.found = True
            self.release_keyboard()
            self.status = f"工单编号 {found.number}（{found.category}）：{found.words}"
            deadline = found.deadline.replace("-", "年", 1).replace("-", "月", 1) + "日前" if found.deadline else ""
            self.result = (f"答复时限：{deadline}\n" if deadline else "") + \
                ("工作人员的答复：" + found.reply if found.reply else "工作人员尚未答复。")
            return
        self.status = WORDS.get(found.outcome, WORDS["offline"])
        if found.outcome == "pending" and found.deadline:
            self.result = f"类别：{found.category}"

    def again(self) -> None:
        self.ids.field.text = ""
        self.status, self.result, self.found = HINT, "", False
        self._focus()

    def wipe(self) -> None:
        self.release_keyboard()
        self.busy = self.found = self.typing = False
        self.status, self.result = HINT, ""
        if "field" in self.ids:
            self.ids.field.text = ""
