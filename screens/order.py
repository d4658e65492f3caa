# SPDX-License-Identifier: Apache-2.0
"""留言（工单）: what nobody solved on the spot becomes a work order with a deadline.

One question per step, large text (many citizens are elderly): 类别 (咨询/求助/投诉/建议, and the
item it is about), 描述 (the kiosk keyboard: 拼音 or 手写; 500 characters, a counter), 联系电话
(required: a mainland mobile or landline, the 123 keyboard), 姓名 (only for an identified citizen,
masked from the ID card, and only if they agree), then the summary with 确认提交 (an identified
citizen may tick 以后插身份证也能查看本工单: off by default; the order then carries the identity
worker's citizen tag, never the ID number, see kiosk/citizen_tag.py): nothing is kept
or sent before that tap. Each step is a route (返回 goes one step back); the draft lives in the
session (wiped at its end). The receipt is screens/order_done.py.
"""
from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_, _
from kiosk.records.phone import normalise_phone

from .theme import keyboard_size
from .widgets import KioskScreen

STEPS = ("category", "describe", "phone", "name", "photos", "confirm")
CATEGORY_HINTS = {N_("咨询"): N_("问政策、问怎么办"), N_("求助"): N_("遇到困难需要帮忙"), N_("投诉"): N_("对服务不满意"),
                  N_("建议"): N_("对我们提意见建议")}     # the keys are what the order keeps
MAX_CHARS = 500
ACK_WAIT_S = 3.0          # how long 确认提交 waits for the hub's word before saying 已保存
DRAFT = "order_draft"


def may_order(kiosk) -> bool:
    """留言 is offered only where an order can be kept (an outbox with its key) and delivered."""
    records = getattr(kiosk, "records", None)
    return bool(records is not None and records.can_order)


def start(kiosk, item_id: str = "", origin: str = "", description: str = "") -> None:
    """An entry point (没解决, a missed call, an item's 留言/提交诉求): a fresh draft."""
    item = kiosk.item(item_id) if item_id else None
    kiosk.session.data[DRAFT] = {"category": "", "description": description[:MAX_CHARS], "phone": "", "name": "",
                                 "item_id": item.id if item else "", "item_name": item.name if item else "",
                                 "origin": origin}
    kiosk.session.go("order", step="category")


FORWARDED = ("message", "count", "item_name", "masked_name", "saving", "photo_count", "shooting", "can_tag",
             "by_card")


def citizen_tag_of(session) -> str:
    """The held identity's citizen tag (the identity worker's HMAC of the ID number), or ""."""
    if not session.identity_label():
        return ""
    return str(getattr(session.identity, "citizen_tag", "") or "")


class OrderStep(BoxLayout):
    """One step's layout (order.kv); the screen's state it shows is forwarded to it."""

    screen = ObjectProperty(None, allownone=True)
    message = StringProperty("")
    count = NumericProperty(0)
    item_name = StringProperty("")
    masked_name = StringProperty("")
    saving = BooleanProperty(False)
    photo_count = NumericProperty(0)
    shooting = BooleanProperty(False)
    can_tag = BooleanProperty(False)
    by_card = BooleanProperty(False)


class OrderScreen(KioskScreen):
    step = StringProperty("category")
    message = StringProperty("")
    count = NumericProperty(0)
    keyboard_height = NumericProperty(0)
    saving = BooleanProperty(False)
    item_name = StringProperty("")
    masked_name = StringProperty("")       # the ID card's name, masked (only when identified)
    typing = BooleanProperty(False)        # a field has the keyboard: the layout ends above it
    part = ObjectProperty(None, allownone=True)
    shooting = BooleanProperty(False)      # 添加照片: a shot is being made
    photo_count = NumericProperty(0)
    can_tag = BooleanProperty(False)       # identified, with a citizen tag: 以后插身份证也能查看本工单 offered
    by_card = BooleanProperty(False)       # the citizen ticked it (default: not)
    photos = None                          # screens.order_photos.PhotoTaker on the photos step

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in FORWARDED:
            self.bind(**{name: lambda _s, value, name=name: self.part is not None and setattr(self.part, name, value)})

    @property
    def draft(self) -> dict:
        return self.session.data.setdefault(DRAFT, {"category": "", "description": "", "phone": "", "name": "",
                                                    "item_id": "", "item_name": "", "origin": ""})

    def show(self, step: str = "category", **params) -> None:
        from kivy.core.window import Window

        self.step = step if step in STEPS else "category"
        self.message = ""
        self.title = N_("留言（提交诉求）")
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        self.item_name = self.draft["item_name"]
        self.masked_name = self.session.identity_label() and getattr(self.session.identity, "masked_name", "")
        self.can_tag = bool(citizen_tag_of(self.session))
        self.by_card = self.can_tag and bool(self.draft.get("by_card"))
        self.release_keyboard()                       # the last step's field, before it goes
        self._stop_photos()
        self.typing = False
        body = self.ids.body
        body.clear_widgets()
        part = getattr(Factory, f"Order{self.step.title()}Step")()
        part.screen = self
        for name in FORWARDED:
            setattr(part, name, getattr(self, name))
        body.add_widget(part)
        self.part = part
        if self.step == "describe":
            part.ids.field.text = self.draft["description"]
            self.count = len(self.draft["description"])
        elif self.step == "phone":
            part.ids.field.text = self.draft["phone"]
        elif self.step == "photos":
            from .order_photos import PhotoTaker, camera_of
            camera = camera_of(self.kiosk)
            if camera is None:                        # gone meanwhile: the summary
                self.session.replace("order", step="confirm")
                return
            self.photos = PhotoTaker(self, camera)
            self.photos.start()
        elif self.step == "confirm":
            for key, value in self.summary():
                part.ids.rows.add_widget(Factory.FieldRow(key=key, value=value))

        if self.step in ("describe", "phone"):       # the next step is the same screen: no on_enter
            Clock.schedule_once(lambda _dt: self._focus(part))

    def _focus(self, part) -> None:
        if part is self.part and self.manager is not None and self.manager.current == self.name:
            part.ids.field.focus = True

    def on_pre_leave(self, *args) -> None:
        self.release_keyboard()

    def release_keyboard(self) -> None:
        part = getattr(self, "part", None)
        if part is not None and "field" in part.ids:
            part.ids.field.focus = False

    # -- the steps -------------------------------------------------------------------
    def choose(self, category: str) -> None:
        self.draft["category"] = category
        self.session.go("order", step="describe")

    def typed(self, text: str) -> None:
        """The description as typed (the counter follows; past 500 it is cut, with a message)."""
        if len(text) > MAX_CHARS:
            self.part.ids.field.text = text[:MAX_CHARS]
            self.message = _("最多 {n} 字，多出的部分没有保留。").format(n=MAX_CHARS)
            return
        self.count = len(text)
        self.draft["description"] = text

    def described(self) -> None:
        text = " ".join(self.part.ids.field.text.split())
        if not text:
            self.message = _("请先写下您的问题或诉求，再点“下一步”。")
            self.part.ids.field.focus = True
            return
        self.draft["description"] = text[:MAX_CHARS]
        self.session.go("order", step="phone")

    def phoned(self) -> None:
        number = normalise_phone(self.part.ids.field.text)
        if number is None:
            self.message = _("电话号码不对，请输入 11 位手机号，或带区号的固定电话（如 0631-5201234）。")
            self.part.ids.field.focus = True
            return
        self.draft["phone"] = number
        self.session.go("order", step="name" if self.masked_name else self._after_name())

    def named(self, agree: bool) -> None:
        self.draft["name"] = self.masked_name if agree else ""
        self.session.go("order", step=self._after_name())

    def _after_name(self) -> str:
        from .order_photos import camera_of
        return "photos" if camera_of(self.kiosk) is not None else "confirm"

    def photographed(self) -> None:
        self.session.go("order", step="confirm")

    def _stop_photos(self) -> None:
        if self.photos is not None:
            self.photos.stop()
            self.photos = None

    def card_lookup(self, on: bool) -> None:
        """以后插身份证也能查看本工单, ticked or not (only for an identified citizen)."""
        on = bool(on and self.can_tag)
        self.draft["by_card"] = on
        self.by_card = on

    def edit(self) -> None:
        """修改: back to the description (the rest is kept)."""
        self.session.go("order", step="describe")

    # -- 确认提交 -----------------------------------------------------------------------
    def submit(self) -> None:
        records = getattr(self.kiosk, "records", None)
        d = self.draft
        if self.saving or records is None or not (d["category"] and d["description"] and d["phone"]):
            return
        from kiosk.records.outbox import OutboxError

        try:
            tag = citizen_tag_of(self.session) if d.get("by_card") else ""
            submitted = records.submit_order(d["category"], d["description"], d["phone"], d["item_id"],
                                             d["item_name"], d["name"], [p[0] for p in d.get("photos", ())],
                                             citizen_tag=tag)
        except (OutboxError, ValueError):
            self.message = _("抱歉，留言没能保存。请到服务台咨询，电话 {phone}。").format(phone=self.kiosk.config["hall.phone"])
            return
        self.saving = True
        token = self.session.token

        def wait() -> None:                    # the hub's word, off the UI thread
            sent = records.wait_sent(submitted.record_id, ACK_WAIT_S)
            Clock.schedule_once(lambda _dt: self._done(token, submitted, sent))
        threading.Thread(target=wait, name="order-ack", daemon=True).start()

    def _done(self, token: str, submitted, sent) -> None:
        self.saving = False
        if self.session.token != token:        # the session ended meanwhile: nothing to show
            return
        self.session.data.pop(DRAFT, None)
        self.session.data["order_done"] = (submitted, sent)
        self.session.go_past("order", "order_done")

    def summary(self) -> list[tuple[str, str]]:
        d = self.draft
        rows = [(_("类别"), _(d["category"]) if d["category"] else "")]
        if d["item_name"]:
            rows.append((_("相关事项"), d["item_name"]))
        rows += [(_("问题描述"), d["description"]), (_("联系电话"), d["phone"])]
        rows.append((_("姓名"), d["name"] or _("不留姓名")))
        if d.get("photos"):
            rows.append((_("照片"), _("{n} 张").format(n=len(d["photos"]))))
        return rows

    def relabel(self) -> None:
        """A language switch: the step again (the draft keeps what was typed)."""
        if self.part is not None:
            self.show(step=self.step)

    def on_leave(self, *args) -> None:
        self._stop_photos()

    def wipe(self) -> None:
        self.release_keyboard()
        self._stop_photos()
        self.saving = self.shooting = self.can_tag = self.by_card = False
        self.photo_count = 0
        self.message = ""
        self.count = 0
        self.item_name = self.masked_name = ""
        self.typing = False
        if "body" in self.ids:
            self.ids.body.clear_widgets()
        self.part = None
