# SPDX-License-Identifier: Apache-2.0
"""The identity flow: consent → card → face → identified, or the staffed alternative.

:class:`IdentityService` keeps its own state (:class:`~kiosk.identity_model.Step`)
and changes the session's route for each step (``consent``, ``idcard``,
``face``, ``identified``, ``identity_help``). Reader events and face results
arrive on driver threads; listeners get an :class:`IdentityState` snapshot on
that thread and must marshal it to the UI thread themselves
(``kiosk/ui_bridge.py``'s IdentityBridge does). Route changes go through ``post``, which
the UI sets to "on the main thread". Face is never the only route: declining
either consent, or failing the face check ``face_tries`` times, leads to the
helper route. Everything read is in memory only and wiped when the flow is
left, restarted, or the session ends. See ``docs/identity.md``.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any, Callable

from drivers.base import DeviceState

from . import logfilter
from .identity_face import WORKER_CAMERA, WORKER_CAMERA_SCHEMES, FaceSteps, worker_opens
from .i18n import N_
from .identity_model import (CARD_TYPE_TEXT, HELP_DECLINED, HELP_FACE_DECLINED, ID_CHECK_DIGIT, ID_EXPIRED,
                             ID_LIFT_AND_PLACE, ID_NO_CARD, ID_READER_UNAVAILABLE, Identity, IdentityState,
                             PhotoDecoder, Step, card_error_code, rgb_from_bmp, wipe_all)
from .identity_preview import PreviewCamera
from .observe import Observers

log = logging.getLogger(__name__)
ROUTES = ("consent", "idcard", "face", "identified", "identity_help")
_IN_FLIGHT = {Step.CONSENT_CARD, Step.CONSENT_FACE, Step.WAITING_CARD, Step.READING, Step.CARD_ERROR,
              Step.CARD_READ, Step.FACE, Step.FACE_FAILED}
_POLLING = {Step.WAITING_CARD, Step.READING, Step.CARD_ERROR}
# a card of this flow was read: the reader keeps watching, so that taking the card ends the identity even
# when the reader's loss (a loaded machine, a loose cable) already counted as the card's removal
_WATCHING = {Step.CARD_READ, Step.FACE, Step.IDENTIFIED}
_UNUSABLE = (DeviceState.ABSENT, DeviceState.FAULT)


class IdentityService(FaceSteps):
    def __init__(self, reader, camera, verifier, session, config, clock: Callable[[], float] = time.monotonic,
                 *, photo_decoder: PhotoDecoder | None = None, today: Callable[[], dt.date] = dt.date.today,
                 face_challenge: tuple[str, ...] | None = None, post: Callable[[Callable[[], None]], Any] | None = None,
                 camera_share: Any = None):
        """``photo_decoder(card) -> RGB array`` is the seam for the card photo (default: the reader's
        plug-in); tests inject a real face there because the simulator's test photo is not one."""
        self.reader, self.camera, self.verifier, self.session = reader, camera, verifier, session
        self.clock, self.today, self.face_challenge = clock, today, face_challenge
        self.card_timeout = float(config.get("identity.card_timeout_seconds", 60))
        self.face_tries = int(config.get("identity.face_tries", 3))
        self.photo_decoder = photo_decoder or self._decode_with_reader
        self.post = post or (lambda fn: fn())
        self.preview = PreviewCamera(camera)
        from .device_watch import Handover
        self.camera_share = camera_share or Handover(camera, "camera")   # the video call shares it too
        if getattr(verifier, "in_worker", False):     # the worker's own camera sends its previews here
            verifier.preview = self.preview
            verifier.on_camera_closed = lambda: self.camera_share.take_back(WORKER_CAMERA)
        self._lock = threading.RLock()
        self._engine_lock = threading.Lock()
        self._observers: Observers[IdentityState] = Observers("identity")
        self._gen = 0
        self._card_on = False
        self._card = self._photo = self._check = None
        self._state = IdentityState(Step.IDLE)
        self._waiting_since = 0.0
        if hasattr(reader, "poll"):
            reader.poll = False
        reader.subscribe(self._on_reader_event)
        session.on_wipe(self.reset)
        session.subscribe(self._on_session)

    # -- observers ---------------------------------------------------------------------
    @property
    def state(self) -> IdentityState:
        return self._state

    def subscribe(self, listener: Callable[[IdentityState], None]) -> None:
        self._observers.subscribe(listener)

    def unsubscribe(self, listener: Callable[[IdentityState], None]) -> None:
        self._observers.unsubscribe(listener)

    def _set(self, step: Step, **changes: Any) -> None:
        old = self._state
        keep = {"tries_left": old.tries_left, "challenge": old.challenge, "card_type_text": old.card_type_text,
                "masked_name": old.masked_name, "masked_number": old.masked_number}
        self._state = IdentityState(step, **{**keep, **changes})
        self._update_poll()
        if self._state != old:
            log.info("identity: %s %s", step.value, changes.get("code") or changes.get("reason") or "")
            self._observers.notify(self._state)

    def _route(self, name: str, **params: Any) -> None:
        gen = self._gen

        def go() -> None:
            route = self.session.route
            if gen == self._gen and (route.screen != name or route.params != params):
                self.session.replace(name, **params)
        self.post(go)

    # -- intents (UI thread) --------------------------------------------------------
    def begin(self) -> None:
        """The consent screen is shown: start afresh (anything held before is wiped)."""
        with self._lock:
            self._abort()
            if isinstance(self.session.identity, Identity):   # a new check replaces the old identity
                self.session.identity.wipe()
                self.session.identity = None
            self._start_worker()
            self._set(Step.CONSENT_CARD, tries_left=self.face_tries, challenge=(), card_type_text="",
                      masked_name="", masked_number="")
        if self.verifier is not None and self.verifier.state is DeviceState.ABSENT:
            threading.Thread(target=self._open_engine, name="face-open", daemon=True).start()

    def consent_card(self, agreed: bool) -> None:
        with self._lock:
            if self._state.step is Step.CONSENT_CARD:
                self._set(Step.CONSENT_FACE) if agreed else self._help(HELP_DECLINED)

    def consent_face(self, agreed: bool) -> None:
        with self._lock:
            if self._state.step is not Step.CONSENT_FACE:
                return
            if not agreed:
                self._help(HELP_FACE_DECLINED)
                return
            self._wait_card()
            self._route("idcard")

    def retry(self) -> None:
        """重试 / 再试一次: read the card again, or another face try."""
        with self._lock:
            if self._state.step is Step.CARD_ERROR:
                self._wait_card()
            elif self._state.step is Step.FACE_FAILED:
                self._set(Step.FACE, code=None, hint=None)   # a second tap finds FACE and does nothing
                self._spawn(self._face_try, self._gen)

    def tick(self) -> None:
        """Called a few times a second by the UI: the card time limit."""
        with self._lock:
            if self._state.step in (Step.WAITING_CARD, Step.READING) and \
                    self.clock() - self._waiting_since >= self.card_timeout:
                self._set(Step.CARD_ERROR, code=ID_NO_CARD)

    def cancel(self) -> None:
        """Leave the flow (Back, Home, another screen): wipe what is held and go idle."""
        with self._lock:
            self._abort()
            self._set(Step.IDLE, code=None, hint=None, reason=None, challenge=(), card_type_text="",
                      masked_name="", masked_number="")
            if not isinstance(self.session.identity, Identity):   # a held identity keeps its worker
                self._end_worker()

    def reset(self) -> None:
        """The session's wiper (结束办理, 结束并清除, timeout, card taken): everything goes, the worker too."""
        with self._lock:
            self.cancel()
            self._end_worker()

    # -- the identity worker (a reader that lives in a process of its own) ---------------
    def _start_worker(self) -> None:
        """At the consent screen: a fresh worker, so its start (~0.3 s) runs while the citizen reads."""
        if callable(getattr(self.reader, "start_session", None)):
            self._card_on = False          # the fresh worker reports a card lying there itself
            self.reader.start_session(today=self.today())

    def _end_worker(self) -> None:
        if callable(getattr(self.reader, "end_session", None)):
            self.reader.end_session()

    # -- card ------------------------------------------------------------------------
    def _wait_card(self) -> None:
        self._waiting_since = self.clock()
        if self.reader.state in _UNUSABLE:
            self._set(Step.CARD_ERROR, code=ID_READER_UNAVAILABLE)
        else:
            self._set(Step.WAITING_CARD, code=ID_LIFT_AND_PLACE if self._card_on else None)

    def _update_poll(self) -> None:
        """The reader reads cards only while we ask for one; it keeps watching a card that lies
        there until it is taken away (else the next citizen's card would look like the same one),
        and while this flow's card is in use, so that taking it ends the identity."""
        if hasattr(self.reader, "poll"):
            self.reader.poll = self._state.step in _POLLING or self._state.step in _WATCHING or self._card_on

    def _on_reader_event(self, event) -> None:
        with self._lock:
            step, data = self._state.step, event.data
            waiting = step in _POLLING
            if event.kind == "state_changed":
                state = data["state"]
                if state in _UNUSABLE:
                    self._card_on = False
                    if waiting and self._state.code != ID_READER_UNAVAILABLE:
                        self._set(Step.CARD_ERROR, code=ID_READER_UNAVAILABLE)
                elif state is DeviceState.BUSY and step is Step.WAITING_CARD:
                    self._set(Step.READING, code=None)
                elif state is DeviceState.READY and step is Step.CARD_ERROR \
                        and self._state.code == ID_READER_UNAVAILABLE:
                    self._wait_card()              # the reader is back: ask for the card again
            elif event.kind == "card_lying":     # there before we asked: never read, lift and place again
                self._card_on = True
                if step is Step.WAITING_CARD:
                    self._set(Step.WAITING_CARD, code=ID_LIFT_AND_PLACE)
            elif event.kind == "card_removed":
                self._card_on = False
                if step is Step.WAITING_CARD and self._state.code == ID_LIFT_AND_PLACE:
                    self._set(Step.WAITING_CARD, code=None)
                elif step is Step.IDENTIFIED and isinstance(self.session.identity, Identity):
                    self._end_on_removal()
            elif event.kind == "card_read_failed":
                code = card_error_code(data["error"].code)
                self._card_on = code == ID_CHECK_DIGIT   # bad data: the reader will not read it again
                if waiting:
                    self._set(Step.CARD_ERROR, code=code)
            elif event.kind == "card_inserted":
                self._card_on = True
                self._card_read(data["card"], waiting)
            self._update_poll()

    def _card_read(self, card, waiting: bool) -> None:
        if not waiting:
            card.wipe()          # read without consent (lying there before, or outside the flow): drop it
            return
        if card.check_digit_valid is False:
            card.wipe()
            self._set(Step.CARD_ERROR, code=ID_CHECK_DIGIT)
        elif card.is_expired(self.today()):
            card.wipe()
            self._set(Step.CARD_ERROR, code=ID_EXPIRED)
        else:
            self._card = card
            if card.name:               # a worker's card has none here (the worker masks its own logs)
                logfilter.hold(card.name)   # masked in every log line until the identity is wiped
            self._set(Step.CARD_READ, code=None, card_type_text=CARD_TYPE_TEXT.get(card.card_type, N_("身份证件")),
                      masked_name=card.masked_name(), masked_number=card.masked_number())
            self._spawn(self._prepare_face, self._gen)

    def _end_on_removal(self) -> None:
        """The identified citizen took their card: the identity (and the session) ends."""
        gen = self._gen

        def end() -> None:
            if gen == self._gen and isinstance(self.session.identity, Identity):
                self.session.end("card_removed")
        self.post(end)

    def _decode_with_reader(self, card) -> Any:
        reference = getattr(self.verifier, "reference_for", None)
        if callable(reference):          # the face engine runs in the identity worker: the photo stays there
            return reference(card)
        return rgb_from_bmp(self.reader.decode_photo(card))

    # -- leaving -----------------------------------------------------------------------
    def _help(self, reason: str) -> None:
        self._abort()
        self._set(Step.HELPER, reason=reason, hint=None, masked_name="", masked_number="")
        self._route("identity_help", reason=reason)

    def _abort(self) -> None:
        """Wipe everything in flight; late events of the old generation are ignored."""
        self._gen += 1
        card, photo, check = self._card, self._photo, self._check
        self._card = self._photo = self._check = None
        wipe_all(card, photo, check)
        self.preview.wipe()

    def _on_session(self, session) -> None:
        if self._state.step in _IN_FLIGHT and session.route.screen not in ROUTES:
            self.cancel()

    def close(self) -> None:
        self.reader.unsubscribe(self._on_reader_event)
        self.session.unsubscribe(self._on_session)
        self.reset()


def build_identity(kiosk, devices: dict | None = None) -> IdentityService:
    """The composition root's call: the service on the configured reader and camera.

    ``devices`` as from :func:`kiosk.devices.create_all`; by default the two
    devices are created here. The face engine loads on a background thread
    (1-2 s); a face step that starts before it is ready waits for it.
    """
    from drivers.face import FaceConfig, FaceVerifier

    from . import devices as devices_mod

    cfg = kiosk.config
    devices = dict(devices or {})
    for name in ("id_reader", "camera"):
        if devices.get(name) is None:
            devices[name] = devices_mod.create(name, cfg.devices().get(name, {"uri": ""}))
    face_cfg = FaceConfig.from_mapping({"tolerance": float(cfg["identity.face_tolerance"]),
                                        "total_timeout_s": float(cfg["identity.face_timeout_seconds"])})
    if callable(getattr(devices["id_reader"], "enable_face", None)):   # the identity worker runs the engine too
        face_setup: dict = {"tolerance": face_cfg.tolerance, "total_timeout_s": face_cfg.total_timeout_s}
        camera_uri = str(cfg.devices().get("camera", {}).get("uri", ""))
        if camera_uri.split("://", 1)[0] in WORKER_CAMERA_SCHEMES:
            face_setup["camera_uri"] = camera_uri   # the worker opens a real camera itself: no frame in the kiosk
            worker_opens(devices["camera"])         # nor OpenCV, until a video call reads it here
        sim = getattr(kiosk, "simulator", None)
        reference = sim.face_reference() if sim is not None else None
        if reference:          # demo mode: the simulated card's chip photo is the demo pair's (kiosk/ops/sim_faces.py)
            face_setup["reference_file"] = reference
        verifier = devices["id_reader"].enable_face(face_setup)
    else:
        verifier = FaceVerifier("face", face_cfg)   # its engine loads when a citizen starts the flow
    from .device_watch import Handover
    kiosk.camera_share = Handover(devices["camera"], "camera")   # the face check and the video call take turns
    if cfg["records.citizen_tag_key_file"] and hasattr(devices["id_reader"], "tag_key"):
        from .citizen_tag import read_tag_key
        try:                                   # the worker makes the tag; the core never sees a number
            devices["id_reader"].tag_key = read_tag_key(cfg["records.citizen_tag_key_file"]).hex()
        except (OSError, ValueError) as exc:
            log.error("records.citizen_tag_key_file cannot be read (%s): 查看我的工单 is not offered",
                      type(exc).__name__)
    service = IdentityService(devices["id_reader"], devices["camera"], verifier, kiosk.session, cfg,
                              clock=kiosk.session.clock, camera_share=kiosk.camera_share)
    kiosk.identity = service
    return service


