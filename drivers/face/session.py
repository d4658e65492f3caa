# SPDX-License-Identifier: Apache-2.0
"""One 1:1 check: card photo vs the live face, with the head-turn challenge.

Phases: ``match`` (a frontal frame, best of ``frames_to_match`` encodings),
``turn`` (the randomised challenge against that frame's yaw) and ``recheck``
(a frontal frame after the turns must still match, so the face that turned is
the face that matched). Runs on the verifier's worker thread; ``clock`` is
injectable so tests drive time frame by frame.
"""
from __future__ import annotations

import enum
import logging
import time
from typing import Callable, Iterator

import numpy as np

from drivers.face.biometric import BiometricStore
from drivers.face.interface import (FACE_BAD_REFERENCE, FACE_CANCELLED, FACE_LIVENESS_FAILED, FACE_MANY_FACES,
                                    FACE_MATCH, FACE_NO_FACE, FACE_NO_MATCH, FACE_TIMEOUT, FACE_TOO_SIMILAR,
                                    HINT_ASK_STAFF, HINT_FACE_CAMERA_AGAIN, HINT_LOOK_AT_CAMERA, HINT_MORE_LIGHT,
                                    HINT_MOVE_CLOSER, HINT_NONE, HINT_ONE_PERSON, HINT_TRY_AGAIN, HINT_TURN_LEFT,
                                    HINT_TURN_RIGHT, Box, FaceConfig, FaceEngine, FaceResult)
from drivers.face.liveness import LEFT, HeadTurnChallenge, yaw_proxy
from drivers.face.tracking import FaceTracker, box_width

log = logging.getLogger(__name__)
Progress = Callable[[dict], None]


class FacePhase(enum.StrEnum):
    """Where one check is: a frontal match, the head turn, the frontal re-check, done."""
    MATCH = "match"
    TURN = "turn"
    RECHECK = "recheck"
    DONE = "done"

REFERENCE_MIN_PX = 400  # ID-chip photos are ~102x126: scale up so HOG (80 px window) finds the face


class FaceSession:
    """Holds every frame and encoding of one check in a :class:`BiometricStore`; call :meth:`wipe`."""

    def __init__(self, engine: FaceEngine, config: FaceConfig, challenge: tuple[str, ...],
                 clock: Callable[[], float] = time.monotonic, on_progress: Progress | None = None,
                 track: bool = True):
        self.engine, self.config, self.clock = engine, config, clock
        self.challenge = HeadTurnChallenge(challenge, config.yaw_turn, config.hold_frames,
                                           config.turn_timeout_s, config.camera_mirrored)
        self.tracker = FaceTracker(engine, config, track)
        self.store = BiometricStore()
        self.on_progress = on_progress
        self.cancelled = False
        self._distances: list[float] = []
        self._frames = 0
        self._hint = HINT_NONE
        self._first_usable: float | None = None
        self._decision_s: float | None = None
        self._started = 0.0

    # -- public -------------------------------------------------------------------
    def run(self, card_photo: np.ndarray, frames: Iterator[np.ndarray]) -> FaceResult:
        """Decide; never raises for what the citizen does (camera errors propagate)."""
        self._started = self.clock()
        try:
            if not self._set_reference(card_photo):
                return self._result(FACE_BAD_REFERENCE, HINT_ASK_STAFF, "no single usable face in the card photo")
            return self._loop(frames)
        finally:
            self.wipe()

    def cancel(self) -> None:
        self.cancelled = True

    def wipe(self) -> None:
        """Zero and drop all frames and encodings of this session. Idempotent."""
        self.store.wipe()

    # -- steps ------------------------------------------------------------------------
    def _set_reference(self, photo: np.ndarray) -> bool:
        scale = max(1.0, REFERENCE_MIN_PX / min(photo.shape[:2]))
        boxes = self.engine.detect(photo, 1, scale) if scale > 1 else self.engine.detect(photo, 1)
        if not boxes:
            return False
        box = max(boxes, key=box_width)  # a card photo may show a second, tiny pattern "face"
        self.store.put("reference", self.engine.encode(photo, box))
        return True

    def _loop(self, frames: Iterator[np.ndarray]) -> FaceResult:
        phase, many, frontal_tries = FacePhase.MATCH, 0, 0
        last_face = self._started
        for frame in frames:
            now = self.clock()
            self._frames += 1
            if self.cancelled:
                return self._result(FACE_CANCELLED, HINT_NONE)
            if now - self._started > self.config.total_timeout_s:
                return self._result(FACE_TIMEOUT, HINT_TRY_AGAIN if self._hint == HINT_NONE else self._hint)
            if phase is FacePhase.TURN and self.challenge.timed_out(now):
                return self._result(FACE_LIVENESS_FAILED, HINT_TRY_AGAIN, self._turn_detail())
            self.store.put("frame", frame)
            found = self.tracker.locate(frame, allow_reuse=phase is FacePhase.TURN)
            many = many + 1 if len(found.boxes) > 1 else 0
            if many >= self.config.many_faces_frames:
                return self._result(FACE_MANY_FACES, HINT_ONE_PERSON)
            if found.box is None or box_width(found.box) < self.config.min_face_px:
                self._hint = self._no_face_hint(frame, found.box, len(found.boxes))
                if now - last_face > self.config.no_face_timeout_s and phase is FacePhase.MATCH:
                    return self._result(FACE_NO_FACE, self._hint)
                self._progress(phase)
                continue
            last_face = now
            yaw = yaw_proxy(self.engine.landmarks(frame, found.box))
            if phase is FacePhase.TURN:
                self.challenge.feed(yaw, now)
                if self.challenge.done:
                    phase, frontal_tries = (FacePhase.RECHECK, 0) if self.config.recheck_after_liveness else (FacePhase.DONE, 0)
                    if phase is FacePhase.DONE:
                        return self._result(FACE_MATCH, HINT_NONE)
                self._hint = self._turn_hint()
                self._progress(phase)
                continue
            reference_yaw = self.challenge.baseline if phase is FacePhase.RECHECK else 0.0
            if abs(yaw - (reference_yaw or 0.0)) > self.config.yaw_frontal:
                self._hint = HINT_LOOK_AT_CAMERA if phase is FacePhase.MATCH else HINT_FACE_CAMERA_AGAIN
                self._progress(phase)
                continue
            outcome = self._match(frame, found.box, now)
            frontal_tries += 1
            if outcome == FACE_TOO_SIMILAR:
                return self._result(FACE_TOO_SIMILAR, HINT_ASK_STAFF, "live face ~identical to the card photo")
            if outcome == FACE_MATCH:
                if phase is FacePhase.RECHECK or not self.config.liveness:
                    return self._result(FACE_MATCH, HINT_NONE)
                phase = FacePhase.TURN
                self.challenge.start(yaw, now)
                self._hint = self._turn_hint()
            elif frontal_tries >= self.config.frames_to_match:
                code = FACE_NO_MATCH if phase is FacePhase.MATCH else FACE_LIVENESS_FAILED
                return self._result(code, HINT_ASK_STAFF, "best distance above tolerance")
            self._progress(phase)
        return self._result(FACE_NO_FACE if not self._distances else FACE_TIMEOUT, self._hint, "frames ended")

    def _match(self, frame: np.ndarray, box: Box, now: float) -> str:
        if self._first_usable is None:
            self._first_usable = now
        encoding = self.store.put("live", self.engine.encode(frame, box))
        reference = self.store.get("reference")
        assert reference is not None
        distance = float(np.linalg.norm(encoding - reference))
        self._distances.append(distance)
        if self._decision_s is None:
            self._decision_s = self.clock() - self._first_usable
        if distance < self.config.too_similar:
            return FACE_TOO_SIMILAR
        return FACE_MATCH if distance <= self.config.tolerance else FACE_NO_MATCH

    # -- hints and results -------------------------------------------------------------
    def _no_face_hint(self, frame: np.ndarray, box: Box | None, count: int) -> str:
        if count > 1:
            return HINT_ONE_PERSON
        if box is not None:
            return HINT_MOVE_CLOSER
        grey = float(frame[::8, ::8].mean())  # subsampled: cheap, and nothing is kept
        return HINT_MORE_LIGHT if grey < self.config.dark_mean else HINT_MOVE_CLOSER

    def _turn_hint(self) -> str:
        current = self.challenge.current
        if current is None:
            return HINT_FACE_CAMERA_AGAIN
        return HINT_TURN_LEFT if current == LEFT else HINT_TURN_RIGHT

    def _turn_detail(self) -> str:
        peaks = ", ".join(f"{d} {p:+.2f}" for d, p in zip(self.challenge.order, self.challenge.peaks))
        return f"no head turn ({peaks}; need {self.config.yaw_turn:+.2f})"

    def _progress(self, phase: FacePhase) -> None:
        if self.on_progress is not None:
            self.on_progress({"phase": phase, "hint": self._hint, "step": self.challenge.current})

    def _result(self, code: str, hint: str, detail: str = "") -> FaceResult:
        best = min(self._distances) if self._distances else None
        result = FaceResult(code=code, hint=hint if code != FACE_MATCH else HINT_NONE, distance=best,
                            challenge=tuple(self.challenge.order), frames=self._frames,
                            elapsed_s=self.clock() - self._started, decision_s=self._decision_s,
                            detail=detail, distances=tuple(round(d, 4) for d in self._distances))
        log.info("face check: %s (best distance %s, %d frames, %d full detections)", code,
                 f"{best:.3f}" if best is not None else "-", self._frames, self.tracker.full_detections)
        return result
