# SPDX-License-Identifier: Apache-2.0
"""The one adapter between the core and Kivy: the core's state as Kivy properties.

The core notifies its listeners from whatever thread changed it; each bridge
copies the state into Kivy properties on the main thread only (:func:`on_main`:
at once when already there, else through ``Clock.schedule_once``). kv and the
app's router bind to these properties and never poll the core. Bridges: the
session (:class:`UiBridge`), 网上办 (:class:`WebBridge`), the admin screen and the
模拟器 panel, and the identity flow (:class:`IdentityBridge`).
"""
from __future__ import annotations

import math
import threading
import weakref

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import (BooleanProperty, DictProperty, ListProperty, NumericProperty, ObjectProperty,
                             StringProperty)

from .i18n import N_, _
from .identity_words import CARD_TEXT, FACE_FAIL_TEXT, FOREIGN_CARD, HELP_TITLE, HINT_TEXT, TURN_TEXT
from .session import Phase, Session


def on_main(fn) -> None:
    """Runs ``fn`` on Kivy's main thread: now when already there, else on the next frame."""
    if threading.current_thread() is threading.main_thread():
        fn()
    else:
        Clock.schedule_once(lambda _dt: fn())


class UiBridge(EventDispatcher):
    phase = StringProperty(Phase.IDLE.value)     # "idle" | "active" | "countdown"
    route = ObjectProperty(None)                 # kiosk.session.Route
    large_text = BooleanProperty(False)
    language = StringProperty("zh")              # the session's language (kiosk/i18n.py): "zh" | "en"
    seconds_left = NumericProperty(0)            # whole seconds, rounded up
    ended_count = NumericProperty(0)             # sessions ended so far
    identity_text = StringProperty("")           # the held identity, masked ("" when none)
    confirm_home = BooleanProperty(False)        # 首页 with an identity: 继续办理 / 结束并清除

    def __init__(self, session: Session, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        session.subscribe(self._on_session_changed)
        self.sync()

    def close(self) -> None:
        self.session.unsubscribe(self._on_session_changed)

    def _on_session_changed(self, _session: Session) -> None:
        on_main(self.sync)

    def sync(self) -> None:
        """Copies the session into the properties; main thread only."""
        s = self.session
        self.large_text = s.large_text
        self.language = s.language
        self.ended_count = s.ended_count
        self.identity_text = s.identity_label()
        self.confirm_home = s.confirm_home
        self.seconds_left = math.ceil(s.seconds_left()) if s.phase is Phase.COUNTDOWN else 0
        self.phase = s.phase.value
        if self.route is not s.route:
            same = self.route == s.route
            self.route = s.route
            if same:                             # equal but new (e.g. home again): tell the router
                self.property("route").dispatch(self)


class WebBridge(EventDispatcher):
    """网上办's page as Kivy properties (kiosk/web/service.py), main thread only. Frames are
    coalesced: however many arrive between two Kivy frames, ``frame_seq`` moves once and the
    screen draws the newest."""
    state = StringProperty("closed")             # kiosk.web.WebState values
    message = StringProperty("")
    editable = BooleanProperty(False)            # a text field in the page has focus
    frame_seq = NumericProperty(0)
    ask_kind = StringProperty("")                # the page asks: alert / confirm / prompt / chooser ("" none)
    ask_text = StringProperty("")
    ask_image = BooleanProperty(False)           # a file chooser that takes a PNG (签名 can answer it)
    has_document = BooleanProperty(False)        # a page's PDF waits in the print preview
    ask_capture = BooleanProperty(False)         # the upload takes a JPEG or PDF and a document camera is here
    ask_pages = BooleanProperty(False)           # it takes a PDF: several pages can be captured
    ask_file = BooleanProperty(False)            # it takes a JPEG or a PDF (手机上传 can answer it)
    refusal = StringProperty("")                 # why a page's file cannot be printed

    def __init__(self, web, **kwargs):
        super().__init__(**kwargs)
        self.web = web
        self._frame_pending = False
        web.changes.subscribe(self._on_change)
        web.frames.subscribe(self._on_frame)
        self.sync()

    def close(self) -> None:
        self.web.changes.unsubscribe(self._on_change)
        self.web.frames.unsubscribe(self._on_frame)

    def _on_change(self, _web) -> None:
        on_main(self.sync)

    def _on_frame(self, _web) -> None:
        if not self._frame_pending:
            self._frame_pending = True
            Clock.schedule_once(self._frame_now)

    def _frame_now(self, _dt) -> None:
        self._frame_pending = False
        frame = self.web.frame
        if frame is not None:
            self.frame_seq = frame.seq

    def sync(self) -> None:
        self.message = self.web.message         # before the state: its listeners read the message
        self.editable = self.web.editable
        ask = self.web.ask
        self.ask_text = ask.text if ask is not None else ""
        self.ask_image = bool(ask is not None and ask.takes_image)
        self.ask_pages = bool(ask is not None and ask.takes_pdf)
        self.ask_file = bool(ask is not None and (ask.takes_jpeg or ask.takes_pdf))
        self.ask_capture = bool(ask is not None and (ask.takes_jpeg or ask.takes_pdf) and self.web.capture_available)
        self.has_document = self.web.document is not None
        self.refusal = self.web.refusal
        self.ask_kind = ask.kind if ask is not None else ""
        self.state = self.web.state.value


class PhoneBridge(EventDispatcher):
    """手机上传 (kiosk/web/phone.py) as Kivy properties, main thread only."""
    state = StringProperty("idle")               # kiosk.web.phone.PhoneState values
    url = StringProperty("")                     # the one-time link the QR shows
    message = StringProperty("")                 # why it stopped (a msgid)

    def __init__(self, phone, **kwargs):
        super().__init__(**kwargs)
        self.phone = phone
        self._listener = lambda _p: on_main(self.sync)
        phone.changes.subscribe(self._listener)
        self.sync()

    def close(self) -> None:
        """Stops following 手机上传 (the screen that showed it is dropped; the service lives on)."""
        self.phone.changes.unsubscribe(self._listener)

    def sync(self) -> None:
        self.url, self.message = self.phone.url, self.phone.message
        self.state = self.phone.state.value


class FillBridge(EventDispatcher):
    """填入证件信息 (kiosk/web/fill.py) as Kivy properties, main thread only: whether it is offered now
    (a text field of the page has the focus and the identity worker holds the card), and its outcome."""
    offered = BooleanProperty(False)
    state = StringProperty("idle")               # kiosk.web.fill.FillState values
    message = StringProperty("")                 # what was filled (masked) or why not (a marked text)
    fields = DictProperty({})                    # field -> its masked value, for the buttons

    def __init__(self, fill, **kwargs):
        super().__init__(**kwargs)
        self.fill = fill
        self._listener = lambda *_args: on_main(self.sync)
        for source in self._sources():
            source.subscribe(self._listener)
        self.sync()

    def _sources(self) -> tuple:
        return self.fill.changes, self.fill.web.changes, self.fill.session

    def close(self) -> None:
        """Stops following the fill, the page and the session (its screen is dropped)."""
        for source in self._sources():
            source.unsubscribe(self._listener)

    def sync(self) -> None:
        self.offered = self.fill.offered
        self.fields = self.fill.fields() if self.offered else {}
        self.message = self.fill.message
        self.state = self.fill.state.value


class AdminBridge(EventDispatcher):
    """The admin screen's core (kiosk/ops/admin.py) as Kivy properties, main thread only.
    ``revision`` moves on every change (the screen reads the service's snapshot then); a login
    (PIN or badge) is the ``on_grant`` event."""
    revision = NumericProperty(0)
    busy = StringProperty("")
    message = StringProperty("")
    role = StringProperty("")                    # "admin" | "helper" | "" (nobody signed in)
    exit_code = NumericProperty(-1)              # the app should stop with this code (-1: no)
    __events__ = ("on_grant",)

    def __init__(self, admin, **kwargs):
        super().__init__(**kwargs)
        self.admin = admin
        admin.changes.subscribe(self._on_change)
        admin.access.grants.subscribe(self._on_grant_any_thread)
        self.sync()

    def close(self) -> None:
        self.admin.changes.unsubscribe(self._on_change)
        self.admin.access.grants.unsubscribe(self._on_grant_any_thread)

    def _on_change(self, _admin) -> None:
        on_main(self.sync)

    def _on_grant_any_thread(self, grant) -> None:
        on_main(lambda: self.dispatch("on_grant", grant))

    def on_grant(self, grant) -> None:
        pass

    def sync(self) -> None:
        a = self.admin
        self.busy, self.message = a.busy, a.message
        self.role = a.grant.role.value if a.grant is not None else ""
        self.exit_code = a.exit_code if a.exit_code is not None else -1
        self.revision += 1


class SimulatorBridge(EventDispatcher):
    """The 模拟器 panel's core (kiosk/ops/simulator.py) as Kivy properties, main thread only:
    ``revision`` moves on every change, ``message`` says what the last action did."""
    revision = NumericProperty(0)
    message = StringProperty("")

    def __init__(self, simulator, **kwargs):
        super().__init__(**kwargs)
        self.simulator = simulator
        simulator.changes.subscribe(self._on_change)

    def close(self) -> None:
        self.simulator.changes.unsubscribe(self._on_change)

    def _on_change(self, _sim) -> None:
        on_main(self.sync)

    def sync(self) -> None:
        self.message = self.simulator.message
        self.revision += 1


class IdentityBridge(EventDispatcher):
    """The identity flow's state (kiosk/identity.py) as Kivy properties, main thread only; the
    service's route changes run on the main thread too (its ``post``). One per app
    (:func:`bridge_for`); the identity screens bind to ``root.ib.*``."""
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
        """Runs ``fn`` on the main thread (now, when already there): the service's route changes."""
        on_main(fn)

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
