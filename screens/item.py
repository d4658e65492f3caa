# SPDX-License-Identifier: Apache-2.0
"""One service item's guide: only the fields the data has, materials as a checklist."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from .widgets import KioskScreen

NO_GUIDE = ("本事项暂无详细办事指南。\n"
            "您可以用手机扫码继续办理，或呼叫帮办人员协助。")


def days(n: int | None) -> str:
    if n is None:
        return ""
    return "即时办结" if n == 0 else f"{n} 个工作日"


def fields(item) -> list[tuple[str, str]]:
    """(key, value) rows for the item's plain fields; empty values are left out."""
    rows = [("办理部门", item.department), ("事项类型", item.category),
            ("服务对象", "、".join(item.audience)), ("办理渠道", "、".join(item.channels)),
            ("咨询电话", item.phone)]
    return [(k, v) for k, v in rows if v]


def time_limit(item) -> str:
    """办理时限 in words: the promised time first, the legal limit after it."""
    parts = [f"{k}：{days(v)}" for k, v in (("承诺时限", item.promised_days), ("法定时限", item.legal_days))
             if v is not None]
    return "；".join(parts)


def sections(item) -> list[tuple[str, str]]:
    """(heading, text) for the guide sections after the steps; empty ones are left out."""
    rows = [("办理时限", time_limit(item)), ("收费", item.fee),
            ("办理地点", getattr(item, "location", "")), ("设定依据", getattr(item, "legal_basis", ""))]
    return [(k, v) for k, v in rows if v]


class FieldRow(BoxLayout):
    key = StringProperty("")
    value = StringProperty("")


class MaterialRow(BoxLayout):
    text = StringProperty("")


PRINT_MESSAGES = {   # docs/printing.md: what the citizen reads for each outcome
    "print_done": "请在出纸口取走您的办事指南。",
    "print_duplicate": "办事指南已经打印好了，请在出纸口取走。",
    "print_unavailable_tell_staff": "打印机暂时不能用，请告诉服务台的工作人员。您可以扫描屏幕上的二维码，在手机上查看。",
    "print_failed_try_again": "打印没有完成，请再试一次。",
    "print_unavailable": "打印服务暂不可用。您可以扫描屏幕上的二维码，在手机上查看。",
    "a4_print_waiting_tell_staff": "打印机暂时不能用，请告诉服务台的工作人员；修好后会自动打印。"
                                     "您也可以扫描屏幕上的二维码，在手机上查看。",
}


class ItemScreen(KioskScreen):
    item_id = StringProperty("")
    has_guide = BooleanProperty(True)
    printing = BooleanProperty(False)
    a4 = BooleanProperty(False)          # an A4 printer can take the guide as a page too
    _a4_button = None

    def show(self, id: str = "", **params) -> None:   # noqa: A002 - the route's param
        item = self.kiosk.item(id)
        if item is None:
            raise LookupError(f"no item {id!r}")
        self.item_id = item.id
        self.a4 = self.kiosk.a4_available()
        self._show_a4_button(self.a4)
        self.title = "办事指南"
        self.has_guide = item.has_guide
        box = self.ids.content
        box.clear_widgets()
        box.add_widget(Factory.ItemTitle(text=item.name))
        if not item.has_guide:
            box.add_widget(Factory.NoticeLabel(text=NO_GUIDE))
        for key, value in fields(item):
            box.add_widget(FieldRow(key=key, value=value))
        if item.materials:
            box.add_widget(Factory.SectionLabel(text=f"申请材料（共 {len(item.materials)} 项，可逐项打勾核对）"))
            for text in item.materials:
                box.add_widget(MaterialRow(text=text))
        if item.steps:
            box.add_widget(Factory.SectionLabel(text="办理流程"))
            for n, text in enumerate(item.steps, 1):   # no space after the number: Kivy wraps at spaces
                box.add_widget(Factory.BodyLabel(text=f"{n}．{text}" if len(item.steps) > 1 else text))
        for heading, text in sections(item):
            box.add_widget(Factory.SectionLabel(text=heading))
            box.add_widget(Factory.BodyLabel(text=text))
        if not item.has_guide:
            self._show_twins(item)
        if item.source:
            box.add_widget(Factory.SourceLabel(text=f"信息来源：{item.source}"))
        self.ids.scroll.scroll_y = 1

    def _show_twins(self, item) -> None:
        """A same-name item elsewhere has the guide: one tap leads there."""
        found = self.kiosk.guide_twins(item)
        if not found:
            return
        self.ids.content.add_widget(Factory.SectionLabel(text="同一事项的办事指南"))
        for other in found:
            button = Factory.KioskButton(text=f"{other.name}（{other.department or '其他部门'}）")
            button.bind(texture_size=self._fit_height)       # a long name wraps: the button grows
            button.bind(on_release=lambda _b, oid=other.id: self.session.go("item", id=oid))
            self.ids.content.add_widget(button)

    @staticmethod
    def _fit_height(button, texture_size) -> None:
        app = App.get_running_app()
        least = app.theme.button_h if app is not None else button.height
        button.height = max(least, texture_size[1] + button.padding[1] * 2 + 8)

    def _show_a4_button(self, show: bool) -> None:
        """The A4 button takes its place in the bar only where an A4 printer can print."""
        if self._a4_button is None:       # ids are weak: keep the button alive while it is out
            self._a4_button = self.ids.print_a4_btn.__self__
        button, bar = self._a4_button, self.ids.print_btn.parent
        if show and button.parent is None:
            bar.add_widget(button, index=bar.children.index(self.ids.print_btn))
        elif not show and button.parent is not None:
            bar.remove_widget(button)

    def open_qr(self) -> None:
        self.session.go("qr", id=self.item_id)

    def print_guide(self, a4: bool = False) -> None:
        """Prints the take-home guide; the answer comes within 3 s, on failure with the QR."""
        item = self.kiosk.item(self.item_id)
        if item is None or self.printing:
            return
        self.printing = True
        self.kiosk.print_guide(item, lambda outcome: Clock.schedule_once(
            lambda _dt: self._printed(item.id, outcome)), a4=a4)

    def _printed(self, item_id: str, outcome) -> None:
        self.printing = False
        key = "print_duplicate" if outcome.duplicate else outcome.message_key
        app = App.get_running_app()
        if app is not None:
            app.notify(PRINT_MESSAGES.get(key, PRINT_MESSAGES["print_unavailable"]))
        if not (outcome.printed or outcome.duplicate) and self.item_id == item_id:
            self.session.go("qr", id=item_id)       # the phone is the way on when paper is not

    def wipe(self) -> None:
        self.item_id = ""
        self.has_guide = True
        self.printing = False
        self.ids.content.clear_widgets()
