# SPDX-License-Identifier: Apache-2.0
"""The face part of the identity flow, run on worker threads (mixed into IdentityService).

Card photo → engine ready (loaded on first use) → camera open → one face try
on the verifier's worker; its result decides: identified, another try, or the
staffed helper route after ``face_tries`` failures. Every step re-checks the
flow's generation under the service's lock, so a try that ends after the
citizen left (or the session ended) changes nothing and keeps nothing.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from drivers.base import DeviceState
from drivers.face.session import FacePhase

from .identity_model import HELP_FACE_FAILED, HELP_FACE_UNAVAILABLE, Identity, Step, wipe_all

log = logging.getLogger("kiosk.identity")
ENGINE_WAIT_S = 15.0   # a face step may start while another thread still loads the engine
WORKER_CAMERA = "the identity worker"
WORKER_CAMERA_SCHEMES = ("v4l2", "file")   # cameras the worker opens itself; sim:// stays in the kiosk


def worker_opens(camera) -> None:
    """The identity worker opens this camera itself for every face check: the kiosk only checks at
    start that it is there and opens it when a flow of its own reads frames (a video call), so OpenCV
    (~35 MB) is loaded in the kiosk only then (docs/memory.md)."""
    if hasattr(camera, "open_on_first_read"):
        camera.open_on_first_read = True


class FaceSteps:
    """Needs from the service: _lock, _gen, _card, _photo, _check, _state, _set, _help, _route,
    verifier, camera, camera_share, preview, photo_decoder, face_challenge, session, _engine_lock.

    With the engine in the identity worker and a real camera, each try lends the camera to the
    worker (``camera_share.lend``): the worker opens it, and the kiosk gets only the preview. When a
    video call in the kiosk holds the camera (or it is the simulator), the kiosk reads the frames
    and passes them on, as the verifier's frames argument."""

    def _worker_camera(self) -> bool:
        """Whether the worker can open the camera itself (it may still be held by a call here)."""
        return bool(getattr(self.verifier, "camera_uri", None))

    def _open_engine(self) -> None:
        """Loads the face engine (1-2 s, ~150 MB) while the citizen reads the consent text."""
        with self._engine_lock:
            if self.verifier.state is not DeviceState.ABSENT:
                return
            try:
                self.verifier.open()
            except Exception as exc:   # FAULT with the reason; the face step offers the helper route
                log.error("face verifier unavailable: %s", getattr(exc, "code", type(exc).__name__))

    def _spawn(self, target: Callable[[int], None], gen: int) -> None:
        threading.Thread(target=target, args=(gen,), name="identity-face", daemon=True).start()

    def _prepare_face(self, gen: int) -> None:
        with self._lock:
            card = self._card if gen == self._gen else None
        if card is None:
            return
        try:
            photo = self.photo_decoder(card)
        except Exception as exc:   # the code only: an exception text could carry card data
            log.warning("identity: card photo unavailable (%s)", getattr(exc, "code", type(exc).__name__))
            photo = None
        with self._lock:
            if gen != self._gen:
                wipe_all(None, photo, None)
                return
            if photo is None:
                self._help(HELP_FACE_UNAVAILABLE)
                return
            self._photo = photo
        self._face_try(gen)

    def _face_ready(self) -> bool:
        if not callable(getattr(self.camera, "read", None)):
            return False
        try:
            if not self.camera.is_open and not self._worker_camera():   # the worker opens its own
                self.camera.open()
        except Exception as exc:
            log.warning("identity: camera unavailable (%s)", getattr(exc, "code", type(exc).__name__))
            return False
        if self.verifier is None:
            return False
        self._open_engine()                  # usually done already; waits while another thread loads it
        deadline = time.monotonic() + ENGINE_WAIT_S
        while self.verifier.state is DeviceState.CONNECTING and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.verifier.state in (DeviceState.READY, DeviceState.BUSY)

    def _face_try(self, gen: int) -> None:
        ready = self._face_ready()
        with self._lock:
            if gen != self._gen or self._photo is None:
                return
            if not ready:
                self._help(HELP_FACE_UNAVAILABLE)
                return
            tries = self._state.tries_left
            lent = self._worker_camera() and self.camera_share.lend(WORKER_CAMERA)
            if self._worker_camera() and not lent and not self.camera.is_open:
                self._help(HELP_FACE_UNAVAILABLE)        # neither the worker nor the kiosk can read it
                return
            own = {"own_camera": True} if lent else {}
            try:
                check = self.verifier.start(self._photo, self.preview, key=f"identity-{gen}-{tries}",
                                            on_progress=lambda p: self._on_progress(gen, p),
                                            challenge=self.face_challenge, **own)
            except Exception as exc:
                log.warning("identity: face check could not start (%s)", getattr(exc, "code", type(exc).__name__))
                if lent:
                    self.camera_share.take_back(WORKER_CAMERA)
                self._help(HELP_FACE_UNAVAILABLE)
                return
            if self._check is not None and self._check is not check:
                self._check.wipe()
            self._check = check
            self.preview.arm()
            self._set(Step.FACE, code=None, hint=None, turn=None, challenge=check.challenge)
            self._route("face")
        check.future.add_done_callback(lambda fut: self._on_face_done(gen, check, fut))

    def _on_progress(self, gen: int, progress: dict) -> None:
        turn = progress.get("step") if progress.get("phase") is FacePhase.TURN else None
        with self._lock:
            if gen == self._gen and self._state.step is Step.FACE and \
                    (progress.get("hint"), turn) != (self._state.hint, self._state.turn):
                self._set(Step.FACE, hint=progress.get("hint"), turn=turn)

    def _on_face_done(self, gen: int, check, future) -> None:
        from drivers.face import FACE_BAD_REFERENCE, FACE_CANCELLED
        with self._lock:
            if gen != self._gen or check is not self._check or self._state.step is not Step.FACE:
                return                               # stale, or this check was decided already
            exc = future.exception() if not future.cancelled() else None
            result = None if exc or future.cancelled() else future.result()
            if result is not None and result.code == FACE_CANCELLED:
                return
            if result is None or result.code == FACE_BAD_REFERENCE:
                log.warning("identity: face check unavailable (%s)",
                            getattr(exc, "code", type(exc).__name__) if exc else "card photo")
                self._help(HELP_FACE_UNAVAILABLE)
            elif result.passed:
                identity = Identity(self._card, self._photo, check, face_verified=True)
                self._card = self._photo = self._check = None   # the session's identity owns them now
                self.preview.wipe()
                self._set(Step.IDENTIFIED, code=None, hint=None)
                self.session.set_identity(identity)   # every screen shows it (masked) from now on
                self._route("identified")
            else:
                check.wipe()
                self.preview.wipe()               # the try is over: no face stays on the screen
                left = self._state.tries_left - 1
                if left <= 0:
                    self._help(HELP_FACE_FAILED)
                else:
                    self._set(Step.FACE_FAILED, code=result.code, hint=result.hint, tries_left=left)
