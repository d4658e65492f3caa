# SPDX-License-Identifier: Apache-2.0
"""The face check: live preview, guidance, the head-turn challenge in big words, the decision.

The preview frame is prepared on the camera thread (kiosk.identity_preview);
this screen only copies it into a texture a few times a second. Leaving or
wiping the screen blanks the texture.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import ObjectProperty

from kiosk.ui_bridge import IdentityBridge, bridge_for
from kiosk.i18n import N_, _

from .widgets import KioskScreen

PREVIEW_FPS = 12


class FaceScreen(KioskScreen):
    ib = ObjectProperty(IdentityBridge(), rebind=True)
    texture = ObjectProperty(None, allownone=True)
    _event = None
    _serial = -1

    def show(self, **params) -> None:
        self.title = N_("人脸核验")
        self.ib = bridge_for(self.app)

    def on_pre_enter(self, *args) -> None:
        if self._event is None:
            self._event = Clock.schedule_interval(self._refresh, 1 / PREVIEW_FPS)
        self.ib.fbind("turn", self._speak_turn)

    def on_leave(self, *args) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.ib.funbind("turn", self._speak_turn)
        self.wipe()

    def _speak_turn(self, ib, turn: str) -> None:
        """请向左转头 / 请向右转头 spoken as the challenge asks for each turn (voice on)."""
        if turn in ("left", "right"):
            self.app.speak(f"face_turn_{turn}", self.big_words(ib.step, turn))

    def _refresh(self, _dt) -> None:
        service = self.ib.service
        if service is None or service.preview.serial == self._serial:
            return
        self._serial = service.preview.serial
        if not service.preview.draw(self._blit):
            self._blank()

    def _blit(self, buf, size) -> None:
        tex = self.texture
        if tex is None or tuple(tex.size) != tuple(size):
            tex = Texture.create(size=size, colorfmt="rgb")
        tex.blit_buffer(buf, colorfmt="rgb", bufferfmt="ubyte")
        if tex is not self.texture:
            self.texture = tex
        else:
            self.ids.preview.canvas.ask_update()

    def _blank(self) -> None:
        tex = self.texture
        if tex is not None:           # overwrite the last face on the GPU before dropping it
            tex.blit_buffer(bytes(tex.width * tex.height * 3), colorfmt="rgb", bufferfmt="ubyte")
        self.texture = None

    def retry(self) -> None:
        if self.ib.service is not None:
            self.ib.service.retry()

    def big_words(self, step: str, turn: str, tr=_) -> str:
        if step == "face_failed":
            return tr("没有核验成功")
        if turn:                      # stays up while the face is briefly lost mid-turn
            return tr("请{turn}").format(turn=self.ib.challenge_text([turn], tr))
        return tr("请正对摄像头")

    def guidance(self, step: str, hint: str, code: str, tries_left: int, tr=_) -> str:
        if step == "face_failed":
            return tr("{reason}\n还可以再试 {n} 次。").format(reason=tr(self.ib.face_fail_text(code)),
                                                          n=int(tries_left))
        if hint in ("HINT_TURN_LEFT", "HINT_TURN_RIGHT", ""):
            return ""
        return tr(self.ib.hint_text(hint))

    def wipe(self) -> None:
        self._blank()
        self._serial = -1
