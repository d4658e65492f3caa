# SPDX-License-Identifier: Apache-2.0
"""The face-verification device: loads the engine once, runs checks on a worker thread.

The kiosk's identity service calls :meth:`FaceVerifier.start` with the card
photo and a camera; it gets a :class:`FaceCheck` at once (the challenge order
for the screen, a Future for the decision) and the UI thread never blocks.
"""
from __future__ import annotations

import concurrent.futures as cf
import itertools
import logging
import time
from typing import Callable, Iterable, Iterator

import numpy as np

from drivers.base import Device, DeviceError, DeviceState
from drivers.face.interface import FACE_BUSY, FACE_ENGINE_UNAVAILABLE, FaceConfig, FaceEngine, FaceResult
from drivers.face.liveness import random_order
from drivers.face.session import FaceSession, Progress

log = logging.getLogger(__name__)


class FaceCheck:
    """A running check: ``challenge`` to show, ``future`` for the :class:`FaceResult`."""

    def __init__(self, session: FaceSession, future: "cf.Future[FaceResult]", key: str | None):
        self._session, self.future, self.key = session, future, key
        self.challenge: tuple[str, ...] = tuple(session.challenge.order)

    def result(self, timeout: float | None = None) -> FaceResult:
        """Block (not on the UI thread) up to ``timeout`` s for the decision."""
        return self.future.result(timeout)

    def cancel(self) -> None:
        """Stop at the next frame; the result is ``FACE_CANCELLED``."""
        self._session.cancel()

    def wipe(self) -> None:
        """Zero this check's frames and encodings now (the worker also does it when it ends)."""
        self._session.wipe()


class FaceVerifier(Device):
    """1:1 verification of a live face against the ID-card photo, with liveness."""

    kind = "face"

    def __init__(self, name: str = "face", config: FaceConfig | None = None,
                 engine: FaceEngine | None = None, clock: Callable[[], float] = time.monotonic):
        super().__init__(name)
        self.config = config or FaceConfig()
        self._engine = engine
        self._clock = clock
        self._executor: cf.ThreadPoolExecutor | None = None
        self._current: FaceCheck | None = None

    def capabilities(self) -> dict:
        return {"engine": type(self._engine).__name__ if self._engine else None,
                "landmarks": self.config.landmark_model, "liveness": self.config.liveness,
                "tolerance": self.config.tolerance}

    def open(self) -> None:
        """Load the models (1-2 s, ~150 MB). READY, or FAULT with ``FACE_ENGINE_UNAVAILABLE``.

        Raises the :class:`DeviceError` as well. Call once at start-up, off the UI thread.
        """
        self._set_state(DeviceState.CONNECTING)
        try:
            if self._engine is None:
                from drivers.face.dlib_backend import DlibFaceEngine  # the real backend, chosen here only
                self._engine = DlibFaceEngine(self.config)
            self._engine.load()
        except DeviceError as exc:
            self._set_state(DeviceState.FAULT, exc)
            raise
        if self._executor is None:
            self._executor = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.name}-worker")
        log.info("%s: engine %s, landmarks %s, tolerance %.2f", self.name, type(self._engine).__name__,
                 self.config.landmark_model, self.config.tolerance)
        self._set_state(DeviceState.READY)

    def close(self) -> None:
        """Cancel a running check, stop the worker. Idempotent."""
        if self._current is not None:
            self._current.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._set_state(DeviceState.ABSENT)

    def start(self, card_photo: np.ndarray, frames: "Iterable[np.ndarray] | object", *,
              on_progress: Progress | None = None, on_done: Callable[[FaceResult], None] | None = None,
              key: str | None = None, challenge: tuple[str, ...] | None = None,
              track: bool = True) -> FaceCheck:
        """Start a check on the worker thread and return at once. Any thread (the UI's too).

        ``card_photo``: RGB uint8 from the ID card chip. ``frames``: a
        :class:`~drivers.camera.interface.Camera` (read until a decision) or an
        iterable of RGB frames (owned by the check and zeroed after use).
        ``on_progress(dict)`` and ``on_done(FaceResult)`` run on the worker
        thread. ``key`` makes the call idempotent: the same key while that check
        runs returns it. Raises ``FACE_BUSY`` if another check runs and
        ``FACE_ENGINE_UNAVAILABLE`` if :meth:`open` did not succeed. Time limits
        come from the config (``total_timeout_s``).
        """
        with self._lock:
            current = self._current
            if current is not None and not current.future.done():
                if key is not None and key == current.key:
                    return current
                raise DeviceError(FACE_BUSY, f"check {current.key!r} still running")
            if self._executor is None or self._engine is None or self.state == DeviceState.FAULT:
                raise DeviceError(FACE_ENGINE_UNAVAILABLE, "open() first")
            order = challenge or random_order()
            session = FaceSession(self._engine, self.config, order, self._clock, on_progress, track)
            future = self._executor.submit(self._run, session, card_photo, frames, on_done)
            self._current = FaceCheck(session, future, key)
            return self._current

    def verify(self, card_photo: np.ndarray, frames: "Iterable[np.ndarray] | object",
               timeout: float | None = None, **kwargs) -> FaceResult:
        """Blocking :meth:`start` + result, for tools and tests (never on the UI thread)."""
        return self.start(card_photo, frames, **kwargs).result(timeout)

    def _run(self, session: FaceSession, photo: np.ndarray, frames: object,
             on_done: Callable[[FaceResult], None] | None) -> FaceResult:
        self._set_state(DeviceState.BUSY)
        try:
            result = session.run(photo, _frame_iter(frames))
        finally:
            session.wipe()
            self._set_state(DeviceState.READY)
        self._emit("face_checked", code=result.code, hint=result.hint)
        if on_done is not None:
            on_done(result)
        return result


def _frame_iter(frames: object) -> Iterator[np.ndarray]:
    read = getattr(frames, "read", None)
    if callable(read):  # a Camera: read until the session decides
        return (read() for _ in itertools.count())
    return iter(frames)  # type: ignore[call-overload]
