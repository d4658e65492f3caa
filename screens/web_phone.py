# SPDX-License-Identifier: Apache-2.0
"""手机上传 on the web screen: a QR code with a one-time link (kiosk/web/phone.py); the citizen
sends a photo or a PDF from their own phone and it goes into the page's upload. The layer shows
the code, the minutes left and 取消; it closes by itself once the file is in the page."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.i18n import N_, _

from .qr import qr_texture
from .web import AskLayer

SCAN = N_("请用手机扫描二维码，选择照片或 PDF 文件上传。传好后会自动填入网页。")


class PhoneLayer(AskLayer):
    texture = ObjectProperty(None, allownone=True)
    modules = NumericProperty(1)
    note = StringProperty("")
    left = StringProperty("")             # the minutes and seconds the code still works
    failed = BooleanProperty(False)       # it stopped (no hub, expired, a file the page refuses)
    bridge = ObjectProperty(None, allownone=True)
    _tick = None

    def open_for(self, phone) -> None:
        if self.bridge is None or self.bridge.phone is not phone:
            from kiosk.ui_bridge import PhoneBridge
            self.bridge = PhoneBridge(phone)
            self.bridge.bind(state=self._on_state, url=self._on_url)
        self.note, self.left, self.texture, self.failed = _("正在生成二维码…"), "", None, False
        self.active = True
        phone.start()
        if self._tick is None:
            self._tick = Clock.schedule_interval(lambda _dt: self._count(), 1)

    def _on_url(self, _bridge, url: str) -> None:
        self.texture = qr_texture(url) if url else None
        self.modules = self.texture.width if self.texture is not None else 1

    def _on_state(self, bridge, state: str) -> None:
        if not self.active:
            return
        if state == "asking":                 # asked again (the hub came back): a new code comes
            self.note, self.left, self.texture, self.failed = _("正在生成二维码…"), "", None, False
        elif state == "showing":
            self.note, self.failed = _(SCAN), False
            self._count()
        elif state == "failed":
            self.note, self.left, self.failed = _(bridge.message), "", True
        elif state in ("done", "idle"):
            self.close()

    def _count(self) -> None:
        phone = self.bridge.phone if self.bridge is not None else None
        if phone is None or not self.active:
            return
        phone.tick()
        left = phone.remaining_s()
        self.left = _("二维码 {m} 分 {s:02d} 秒内有效").format(m=left // 60, s=left % 60) if left else ""

    def cancel(self) -> None:
        """取消 (or 知道了 after a failure): the link is forgotten; the page's question is asked again."""
        if self.bridge is not None:
            self.bridge.phone.cancel()
        self.close()

    def close(self) -> None:
        self.active = False
        self.texture, self.left = None, ""
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def let_go(self) -> None:
        """Its screen is dropped: the countdown stops and the bridge stops following 手机上传."""
        self.close()
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None
