# SPDX-License-Identifier: Apache-2.0
"""The identity flow's state as Kivy properties, and the plain words for its codes.

The service notifies from driver threads; :class:`IdentityBridge` copies each
snapshot into its properties on the main thread only, and runs the service's
route changes there too (``service.post``). One bridge per app
(:func:`bridge_for`); the identity screens bind to ``root.ib.*``.
"""
from __future__ import annotations

import threading
import weakref

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.i18n import N_, _

CARD_TEXT = {
    "ID_CARD_MOVED": N_("读卡时证件被移动了。请把身份证平放在读卡区，不要移动，再试一次。"),
    "ID_UNREADABLE": N_("这张证件读不出来。请确认放的是身份证，平放后再试一次。"),
    "ID_EXPIRED": N_("这张身份证已超过有效期限，不能用于核验。请使用有效证件，或找工作人员。"),
    "ID_CHECK_DIGIT": N_("这张证件的号码校验不通过，无法使用。请找工作人员协助。"),
    "ID_READER_UNAVAILABLE": N_("读卡器暂时不能使用。请到服务台办理。"),
    "ID_NO_CARD": N_("没有检测到身份证。请把身份证放在读卡区，再点“重试”。"),
    "ID_LIFT_AND_PLACE": N_("请先拿起身份证，再重新放到读卡区。"),
}
HINT_TEXT = {
    "HINT_MOVE_CLOSER": N_("请靠近一点"),
    "HINT_MORE_LIGHT": N_("光线不足，请站到明亮一点的地方"),
    "HINT_ONE_PERSON": N_("请只保留一人在画面中"),
    "HINT_LOOK_AT_CAMERA": N_("请正对摄像头"),
    "HINT_TURN_LEFT": N_("请向左转头"),
    "HINT_TURN_RIGHT": N_("请向右转头"),
    "HINT_FACE_CAMERA_AGAIN": N_("请转回来，正对摄像头"),
    "HINT_TRY_AGAIN": N_("请再试一次"),
    "HINT_ASK_STAFF": N_("请找工作人员"),
}
TURN_TEXT = {"left": N_("向左转头"), "right": N_("向右转头")}
FACE_FAIL_TEXT = {
    "FACE_NO_MATCH": N_("未能确认是您本人。\n请摘下帽子、口罩，正对摄像头。"),
    "FACE_NO_FACE": N_("没有看到您的面部。\n请站到摄像头正前方，靠近一点。"),
    "FACE_MANY_FACES": N_("画面中不止一人。\n请只保留一人在画面中。"),
    "FACE_TOO_SIMILAR": N_("请不要对着摄像头出示照片或证件，请本人正对摄像头。"),
    "FACE_LIVENESS_FAILED": N_("没有看到按提示转头。\n请按屏幕上的大字提示慢慢转头。"),
    "FACE_TIMEOUT": N_("时间到了，还没有完成核验。"),
}
HELP_TITLE = {
    "HELP_DECLINED": N_("您选择了不读取身份证"),
    "HELP_FACE_DECLINED": N_("您选择了不进行人脸核验"),
    "HELP_FACE_FAILED": N_("人脸核验没有通过"),
    "HELP_FACE_UNAVAILABLE": N_("人脸核验暂时不能使用"),
}
FOREIGN_CARD = N_("外国人永久居留身份证")     # as kiosk/identity_model.py names the card type
HELP_TEXT = N_("没关系，可以由工作人员查验您的证件，人工核验身份后为您办理。\n"
               "请点下方按钮找工作人员，或直接到服务台。")


class IdentityBridge(EventDispatcher):
    available = BooleanProperty(False)   # an identity service is configured
    step = StringProperty("idle")
    code = StringProperty("")
    hint = StringProperty("")
    turn = StringProperty("")
    reason = StringProperty("")
    tries_left = NumericProperty(0)
    challenge = ListProperty([])
    card_type_text = StringProperty("")
    masked_name = StringProperty("")
    masked_number = StringProperty("")

    def __init__(self, service=None, **kwargs):
        super().__init__(**kwargs)
        self.service = service
        self.available = service is not None
        if service is not None:
            service.post = self.post
            service.subscribe(self._on_state)
            self._apply(service.state)

    def close(self) -> None:
        if self.service is not None:
            self.service.unsubscribe(self._on_state)

    @staticmethod
    def post(fn) -> None:
        """Runs ``fn`` on the main thread (now, when already there)."""
        if threading.current_thread() is threading.main_thread():
            fn()
        else:
            Clock.schedule_once(lambda _dt: fn())

    def _on_state(self, state) -> None:
        self.post(lambda: self._apply(self.service.state if self.service else state))

    def _apply(self, state) -> None:
        self.code = state.code or ""
        self.hint = state.hint or ""
        self.turn = state.turn or ""
        self.reason = state.reason or ""
        self.tries_left = state.tries_left
        self.challenge = list(state.challenge)
        self.card_type_text = state.card_type_text
        self.masked_name = state.masked_name
        self.masked_number = state.masked_number
        self.step = state.step.value          # last: kv that switches on the step sees fresh fields
        if self.card_type_text == FOREIGN_CARD and self.step in ("card_read", "face", "face_failed", "identified"):
            self._foreign_card()

    def _foreign_card(self) -> None:
        """A foreigner's permanent residence card: the session goes to English, once per session
        (the bar's 中文 still switches back, and is not overruled afterwards)."""
        session = getattr(self.service, "session", None)
        if session is None or getattr(session, "data", {}).get("language_by_card"):
            return
        session.data["language_by_card"] = True
        if session.language != "en":
            session.set_language("en")

    # -- words for kv: msgids, shown with app._() (docs/i18n.md); what is composed takes tr=app._ --
    def card_text(self, code: str) -> str:
        return CARD_TEXT.get(code, "")

    def hint_text(self, hint: str) -> str:
        return HINT_TEXT.get(hint, "")

    def challenge_text(self, challenge, tr=_) -> str:
        return " → ".join(tr(TURN_TEXT.get(c, c)) for c in challenge)

    def face_fail_text(self, code: str) -> str:
        return FACE_FAIL_TEXT.get(code, "")

    def help_title(self, reason: str) -> str:
        return HELP_TITLE.get(reason, N_("请由工作人员为您核验身份"))


_BRIDGES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def bridge_for(app) -> IdentityBridge:
    """The app's bridge to ``app.kiosk.identity`` (an empty one when none is configured)."""
    service = getattr(app.kiosk, "identity", None)
    bridge = _BRIDGES.get(app)
    if bridge is None or bridge.service is not service:
        if bridge is not None:
            bridge.close()
        bridge = _BRIDGES[app] = IdentityBridge(service)
    return bridge
