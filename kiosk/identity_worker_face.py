# SPDX-License-Identifier: Apache-2.0
"""The face check inside the identity worker: the card photo and the face encodings never leave it.

The worker loads the face engine when it starts (at the consent screen, while the citizen reads),
decodes the card photo from the card it holds, and runs the check. Camera frames come from the core
(it owns the camera, which the video call shares, and shows the live preview): for each frame the
check needs, the worker asks (``{"ev": "frame"}``) and the core writes the frame's bytes into a
pipe of their own (a 12-byte header ``height, width, error`` then ``height*width*3`` bytes), which
the worker reads straight into a fresh array the check adopts and zeroes. The core learns the
progress (phase, hint, turn) and the verdict (code, hint), never the photo nor an encoding.
"""
from __future__ import annotations

import logging
import os
import struct
import threading
from typing import Any, Callable

import numpy as np

log = logging.getLogger("kiosk.identity_worker")
HEADER = struct.Struct("<iii")     # height, width, error (0: a frame follows)


class PipeCamera:
    """What the worker's check reads frames from: one request to the core per frame."""

    def __init__(self, fd: int, ask: Callable[[], None]):
        self.fd, self.ask = fd, ask

    def read(self) -> np.ndarray:
        from drivers.base import DeviceError
        from drivers.camera.interface import CAM_READ_FAILED
        self.ask()
        head = bytearray(HEADER.size)
        _read_exactly(self.fd, memoryview(head))
        h, w, err = HEADER.unpack(head)
        if err or h <= 0 or w <= 0:
            raise DeviceError(CAM_READ_FAILED, "the core's camera")
        frame = np.empty((h, w, 3), np.uint8)
        _read_exactly(self.fd, memoryview(frame.data).cast("B"))
        return frame


def _warm(verifier) -> None:
    """One detection and one encoding on a blank frame: a fresh process's first ones are slow, and the
    citizen is still reading the consent text now, not yet looking at the camera."""
    engine: Any = getattr(verifier, "_engine", None)
    try:
        blank = np.zeros((480, 640, 3), np.uint8)
        engine.detect(blank, 1)
        engine.encode(blank, (140, 420, 340, 220))
    except Exception:  # noqa: BLE001 - only a warm-up
        log.debug("identity worker: face engine warm-up skipped")


def _read_exactly(fd: int, view: memoryview) -> None:
    got = 0
    while got < len(view):
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise EOFError("frame pipe closed")
        got += n


class WorkerFace:
    """The face engine and the running check of one worker."""

    def __init__(self, worker: Any, setup: dict[str, Any]):
        self.worker = worker
        self.config = dict(setup)
        self.reference_file = self.config.pop("reference_file", None)   # tests/benches: the sim's photo is no face
        self.frames_fd = int(self.config.pop("frames_fd"))
        self.verifier: Any = None
        self.check: Any = None
        self._lock = threading.Lock()

    def load_async(self) -> None:
        """Loads the engine on a thread. Called once the reader is open: the load holds the GIL for long
        stretches, and the reader's first probe has short time limits."""
        threading.Thread(target=self._load, name="worker-face-load", daemon=True).start()

    def _load(self) -> None:
        from drivers.face import FaceConfig, FaceVerifier
        try:
            verifier = FaceVerifier("face", FaceConfig.from_mapping(self.config))
            verifier.open()
        except Exception as exc:  # noqa: BLE001 - the core offers the staffed route
            log.error("identity worker: face engine unavailable: %s", getattr(exc, "code", type(exc).__name__))
            self.worker.send("face_state", state="fault", code=getattr(exc, "code", "FACE_ENGINE_UNAVAILABLE"))
            return
        _warm(verifier)
        self.verifier = verifier
        self.worker.send("face_state", state="ready", code=None)

    def start(self, key: str, handle: str | None, challenge: list[str]) -> None:
        card = self.worker.cards.get(handle) if handle else None
        try:
            if card is None or self.verifier is None:
                raise RuntimeError("no card" if card is None else "engine not ready")
            photo = self._photo(card)
            camera = PipeCamera(self.frames_fd, lambda: self.worker.send("frame", key=key))
            with self._lock:
                self.check = self.verifier.start(
                    photo, camera, key=key, challenge=tuple(challenge),
                    on_progress=lambda p: self._progress(key, p),
                    on_done=lambda r: self.worker.send("face_done", key=key, code=r.code, hint=r.hint,
                                                       distance=r.distance))
            self.check.future.add_done_callback(lambda fut: self._failed(key, fut, photo))
        except Exception as exc:  # noqa: BLE001 - the code only: an error text could quote the card
            self.worker.send("face_done", key=key, error=getattr(exc, "code", type(exc).__name__))

    def _photo(self, card) -> np.ndarray:
        from .identity_model import rgb_from_bmp
        if self.reference_file:
            from drivers.camera.file_backend import load_rgb
            return np.array(load_rgb(self.reference_file), dtype=np.uint8, copy=True)
        bmp = self.worker.reader.decode_photo(card)
        try:
            return rgb_from_bmp(bmp)
        finally:
            from drivers.id_reader.scrub import scrub
            scrub(bmp)

    def _progress(self, key: str, progress: dict) -> None:
        phase = progress.get("phase")
        self.worker.send("face_progress", key=key, phase=getattr(phase, "value", phase),
                         hint=progress.get("hint"), step=progress.get("step"))

    def _failed(self, key: str, future, photo: np.ndarray) -> None:
        photo.fill(0)                                   # the reference goes with the try
        exc = future.exception() if not future.cancelled() else None
        if exc is not None or future.cancelled():
            self.worker.send("face_done", key=key, error=getattr(exc, "code", "FACE_CANCELLED"))

    def cancel(self) -> None:
        with self._lock:
            check = self.check
        if check is not None:
            check.cancel()

    def close(self) -> None:
        self.cancel()
        if self.check is not None:
            self.check.wipe()
        if self.verifier is not None:
            self.verifier.close()
