# SPDX-License-Identifier: Apache-2.0
"""One service item's guide: only the fields the data has, materials as a checklist.

Words for citizens only: the item's id, legal category, channel codes and the data's
provenance show in assist mode (协助模式, a helper at the kiosk), not to the citizen.
The QR hand-off shows only where the item can be done online."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.checkbox import CheckBox

from kiosk import i18n
from kiosk.catalogue import shown_name
from kiosk.i18n import N_, _
from kiosk.qr import online

from .help_desk import ask_at_desk
from .order import may_order
from .order import start as start_order
from .widgets import KioskScreen

NO_GUIDE = N_("本事项暂无详细办事指南。")
AUDIENCES = (N_("个人"), N_("法人"))     # the catalogue's two audiences, shown in the session's language


def days(n: int | None) -> str:
    if n is None:
        return ""
    return _("即时办结") if n == 0 else _("{n} 个工作日").format(n=n)


def fields(item) -> list[tuple[str, str]]:
    """(key, value) rows a citizen reads; empty values are left out (ids, legal categories and
    channel codes are for staff: :func:`staff_lines`; time limits and fees are guide sections)."""
    rows = [(_("办理部门"), item.department), (_("服务对象"), _("、").join(_(a) for a in item.audience)),
            (_("咨询电话"), item.phone)]
    return [(k, v) for k, v in rows if v]


def time_limit(item) -> str:
    """办理时限 in words: the promised time first, the legal limit after it."""
    parts = [_(k).format(days=days(v)) for k, v in ((N_("承诺时限：{days}"), item.promised_days),
                                                     (N_("法定时限：{days}"), item.legal_days)) if v is not None]
    return _("；").join(parts)


def sections(item) -> list[tuple[str, str]]:
    """(heading, text) for the guide sections after the steps; empty ones are left out."""
    rows = [(_("办理时限"), time_limit(item)), (_("收费"), item.fee),
            (_("办理地点"), getattr(item, "location", "")), (_("设定依据"), getattr(item, "legal_basis", ""))]
    return [(k, v) for k, v in rows if v]


def staff_lines(item) -> str:
    """What a helper (assist mode) may need and a citizen does not: ids, codes, provenance."""
    parts = [_("事项编号 {id}").format(id=item.id)]
    if item.category:
        parts.append(_("事项类型 {category}").format(category=item.category))
    if item.channels:
        parts.append(_("办理渠道 {channels}").format(channels=_("、").join(item.channels)))
    text = _("工作人员信息：{parts}").format(parts=" · ".join(parts))
    return text + ("\n" + _("信息来源：{source}").format(source=item.source) if item.source else "")


class FieldRow(BoxLayout):
    key = StringProperty("")
    value = StringProperty("")


class BigCheck(CheckBox):
    """The checklist's box; item.kv draws it ``side`` pixels wide."""
    side = NumericProperty(0)


class MaterialRow(ButtonBehavior, BoxLayout):
    """One material: the whole row toggles its box."""
    text = StringProperty("")
    index = NumericProperty(0)
    active = BooleanProperty(False)

    def on_release(self) -> None:
        self.active = not self.active


QR_WAY = N_("您可以扫描屏幕上的二维码，在手机上查看。")
QR_WAY_ALSO = N_("您也可以扫描屏幕上的二维码，在手机上查看。")
PRINT_MESSAGES = {   # docs/printing.md: what the citizen reads for each outcome
    "print_done": N_("请在出纸口取走您的办事指南。"),
    "print_duplicate": N_("办事指南已经打印好了，请在出纸口取走。"),
    "print_unavailable_tell_staff": N_("打印机暂时不能用，请到服务台告知工作人员。") + QR_WAY,
    "print_unavailable_staff_notified": N_("打印机暂时不能用，已通知工作人员。") + QR_WAY,
    "print_failed_try_again": N_("打印没有完成，请再试一次。"),
    "print_unavailable": N_("打印服务暂不可用。") + QR_WAY,
    "a4_print_waiting_tell_staff": N_("打印机暂时不能用，请到服务台告知工作人员；修好后会自动打印。") + QR_WAY_ALSO,
    "a4_print_waiting_staff_notified": N_("打印机暂时不能用，已通知工作人员；修好后会自动打印。") + QR_WAY_ALSO,
}


def way_on(text: str, has_qr: bool, kiosk) -> str:
    """Without a QR on the screen, the way on is the desk, not a code that is not there.
    ``text`` is a message above (its way on appended): each part in the session's language."""
    for way in (QR_WAY_ALSO, QR_WAY):
        if text.endswith(way):
            head = _(text[:-len(way)])
            if has_qr:
                return head + _(way)
            desk = ask_at_desk(kiosk)
            return head + (_("您也可以{desk}").format(desk=desk) if way == QR_WAY_ALSO else desk)
    return _(text)


class ItemScreen(KioskScreen):
    item_id = StringProperty("")
    has_guide = BooleanProperty(True)
    has_qr = BooleanProperty(True)
    printing = BooleanProperty(False)
    a4 = BooleanProperty(False)          # an A4 printer can take the guide as a page too
    notice = StringProperty("")          # the app's notice, shown in this layout (covers nothing)
    hosts_notice = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._kept = {}                  # ids are weak: keep the bar's buttons alive while out
        self._ticks: dict[str, set[int]] = {}    # checklist ticks, kept for the session

    @property
    def spoken_subject(self) -> str:
        """The item's name, said before the page's instruction (kiosk/voice/guide.py): in English
        its English name where the catalogue has one, else the Chinese name (in the Mandarin voice)."""
        item = self.kiosk.item(self.item_id) if self.item_id else None
        if item is None:
            return ""
        return item.name_en if item.name_en and i18n.current() != i18n.SOURCE else item.name

    def show(self, id: str = "", **params) -> None:   # noqa: A002 - the route's param
        item = self.kiosk.item(id)
        if item is None:
            raise LookupError(f"no item {id!r}")
        self.item_id = item.id
        self.a4 = self.kiosk.a4_available()
        self.has_guide = item.has_guide
        self.has_qr = online(item)
        web = self.kiosk.web
        self._arrange(web_btn=web is not None and web.can_open(item.online_url), qr_btn=self.has_qr,
                      print_btn=self.has_guide, print_a4_btn=self.has_guide and self.a4,
                      order_btn=may_order(self.kiosk))
        self.title = N_("办事指南")
        box = self.ids.content
        box.clear_widgets()
        box.add_widget(Factory.ItemTitle(text=shown_name(item)))
        if item.name_en and i18n.current() != i18n.SOURCE:     # the name to say at the window
            box.add_widget(Factory.BodyLabel(text=_("中文名称：{name}").format(name=item.name)))
        if not item.has_guide:
            box.add_widget(Factory.NoticeLabel(text=_(NO_GUIDE) + ask_at_desk(self.kiosk)))
        for key, value in fields(item):
            box.add_widget(FieldRow(key=key, value=value))
        if item.materials:
            box.add_widget(Factory.SectionLabel(
                text=_("申请材料（共 {n} 项，可逐项打勾核对）").format(n=len(item.materials))))
            ticks = self._ticks.setdefault(item.id, set())
            for n, text in enumerate(item.materials):
                row = MaterialRow(text=text, index=n, active=n in ticks)
                row.bind(active=lambda r, on, ticks=ticks: ticks.add(r.index) if on else ticks.discard(r.index))
                box.add_widget(row)
        if item.steps:
            box.add_widget(Factory.SectionLabel(text=_("办理流程")))
            for n, text in enumerate(item.steps, 1):   # no space after the number: Kivy wraps at spaces
                box.add_widget(Factory.BodyLabel(text=_("{n}．{text}").format(n=n, text=text) if len(item.steps) > 1 else text))
        for heading, text in sections(item):
            box.add_widget(Factory.SectionLabel(text=heading))
            box.add_widget(Factory.BodyLabel(text=text))
        if not item.has_guide:
            self._show_twins(item)
        if self._staff_view():
            box.add_widget(Factory.SourceLabel(text=staff_lines(item)))
        self.ids.scroll.scroll_y = 1

    def _show_twins(self, item) -> None:
        """A same-name item elsewhere has the guide: one tap leads there."""
        found = self.kiosk.guide_twins(item)
        if not found:
            return
        self.ids.content.add_widget(Factory.SectionLabel(text=_("同一事项的办事指南")))
        for other in found:
            button = Factory.KioskButton(text=_("{name}（{department}）").format(
                name=shown_name(other), department=other.department or _("其他部门")))
            button.bind(texture_size=self._fit_height)       # a long name wraps: the button grows
            button.bind(on_release=lambda _b, oid=other.id: self.session.go("item", id=oid))
            self.ids.content.add_widget(button)

    @staticmethod
    def _fit_height(button, texture_size) -> None:
        app = App.get_running_app()
        least = app.theme.button_h if app is not None else button.height
        button.height = max(least, texture_size[1] + button.padding[1] * 2 + 8)

    def _staff_view(self) -> bool:
        from .assist_flow import controller
        return bool(controller(self.app).mode.active)

    BAR = ("web_btn", "qr_btn", "print_btn", "print_a4_btn", "order_btn")   # help is the top bar's 找工作人员/呼叫帮办

    def _arrange(self, **shown: bool) -> None:
        """The bar holds only buttons that can do something here, always in the same order."""
        bar = self.ids.bar.__self__
        for name in self.BAR:
            if name not in self._kept:
                self._kept[name] = self.ids[name].__self__
            if self._kept[name].parent is bar:
                bar.remove_widget(self._kept[name])
        for name in self.BAR:
            if shown.get(name, True):
                bar.add_widget(self._kept[name])

    def open_web(self) -> None:
        """在本机办理: the item's online page in the kiosk's browser, below the kiosk's bar."""
        item = self.kiosk.item(self.item_id)
        if item is not None and item.online_url:
            self.session.go("web", url=item.online_url, title=shown_name(item), origin="item")

    def leave_message(self) -> None:
        """留言/提交诉求 about this item (screens/order.py)."""
        start_order(self.kiosk, item_id=self.item_id, origin="item")

    def open_qr(self) -> None:
        self.session.go("qr", id=self.item_id)

    def print_guide(self, a4: bool = False) -> None:
        """Prints the take-home guide; the answer comes within 3 s, on failure with the way on.
        An item without a guide has nothing to print (its buttons are not shown)."""
        item = self.kiosk.item(self.item_id)
        if item is None or self.printing or not item.has_guide:
            return
        self.printing = True
        self.kiosk.print_guide(item, lambda outcome: Clock.schedule_once(
            lambda _dt: self._printed(item.id, outcome)), a4=a4)

    def _printed(self, item_id: str, outcome) -> None:
        self.printing = False
        key = "print_duplicate" if outcome.duplicate else outcome.message_key
        item = self.kiosk.item(item_id)
        has_qr = item is not None and online(item)
        app = App.get_running_app()
        if app is not None:
            text = PRINT_MESSAGES.get(key, PRINT_MESSAGES["print_unavailable"])
            app.notify(way_on(text, has_qr, self.kiosk))
        to_qr = not (outcome.printed or outcome.duplicate) and self.item_id == item_id and has_qr
        if app is not None:
            app.speak("print:outcome", app.root.notice, lead=to_qr)   # said before the QR's prompt
        if to_qr:
            self.session.go("qr", id=item_id)       # the phone is the way on when paper is not
        elif outcome.printed and self.item_id == item_id:
            self._offer_rating(item_id)

    def _offer_rating(self, item_id: str) -> None:
        """好差评 once per item and session after its guide printed (skippable; 返回 comes back)."""
        from .rating import may_rate
        rated = self.session.data.setdefault("rated_guides", set())
        if may_rate(self.kiosk) and item_id not in rated:
            rated.add(item_id)
            self.session.go("rate", target="guide", target_id=item_id)

    def relabel(self) -> None:
        if self.item_id:
            scroll = self.ids.scroll.scroll_y
            self.show(id=self.item_id)
            self.ids.scroll.scroll_y = scroll

    def wipe(self) -> None:
        self.item_id = ""
        self.has_guide = True
        self.printing = False
        self.notice = ""
        self._ticks.clear()
        self.ids.content.clear_widgets()
