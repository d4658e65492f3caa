# SPDX-License-Identifier: Apache-2.0
"""请将身份证放在读卡区: a picture of where, a spinner while reading, plain-words errors."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.widget import Widget

from kiosk.ui_bridge import IdentityBridge, bridge_for
from kiosk.i18n import N_, _

from .widgets import KioskScreen

TICK_SECONDS = 0.25


class CardReaderPicture(Widget):
    """A reader with its marked field and a card, photo side up, going onto it (canvas only)."""
    s = NumericProperty(0)     # side of the square the picture is drawn in
    ox = NumericProperty(0)
    oy = NumericProperty(0)


class BusyRing(Widget):
    """A turning arc; turns only while ``active``."""
    angle = NumericProperty(0)
    active = ObjectProperty(False)

    def on_active(self, _w, active) -> None:
        if active and not getattr(self, "_event", None):
            self._event = Clock.schedule_interval(self._turn, 1 / 20)
        elif not active and getattr(self, "_event", None):
            self._event.cancel()
            self._event = None

    def _turn(self, _dt) -> None:
        self.angle = (self.angle + 18) % 360


class IdCardScreen(KioskScreen):
    ib = ObjectProperty(IdentityBridge(), rebind=True)
    _tick = None

    def show(self, **params) -> None:
        self.title = N_("读取身份证")
        self.ib = bridge_for(self.app)

    def on_pre_enter(self, *args) -> None:
        if self._tick is None:
            self._tick = Clock.schedule_interval(self._on_tick, TICK_SECONDS)

    def on_leave(self, *args) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _on_tick(self, _dt) -> None:
        if self.ib.service is not None:
            self.ib.service.tick()          # the card time limit

    def retry(self) -> None:
        if self.ib.service is not None:
            self.ib.service.retry()

    def headline(self, step: str, code: str) -> str:
        """The big line, a msgid (idcard.kv shows it with app._)."""
        if step == "reading":
            return N_("正在读取，请不要移动证件……")
        if step == "card_error":
            return {"ID_EXPIRED": N_("这张证件不能使用"), "ID_CHECK_DIGIT": N_("这张证件不能使用"),
                    "ID_READER_UNAVAILABLE": N_("读卡器暂不可用")}.get(code, N_("没有读取成功"))
        if step in ("card_read", "face"):
            return N_("读取成功")
        return N_("请将身份证放在读卡区")

    def detail(self, step: str, code: str, name: str, kind: str, tr=_) -> str:
        if step == "card_error":
            return tr(self.ib.card_text(code))
        if step in ("card_read", "face"):
            return tr("已读取 {name} 的{kind}，正在准备人脸核验，请稍候。").format(name=name, kind=tr(kind))
        if code:
            return tr(self.ib.card_text(code))
        return tr("照片一面朝上，平放在读卡区，读取完成前不要移动。")
