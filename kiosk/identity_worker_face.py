# SPDX-License-Identifier: Apache-2.0
"""The face check inside the identity worker: the card photo and the face encodings never leave it.

The worker loads the face engine when it starts (at the consent screen, while the citizen reads),
decodes the card photo from the card it holds, and runs the check. The core learns the progress
(phase, hint, turn) and the verdict (code, hint), never the photo nor an encoding.

Camera frames, two ways (``face_start``'s ``camera``):

* **The worker opens the camera itself** (a real ``v4l2://`` camera or ``file://`` frames: the
  set-up's ``camera_uri``), once the core has closed it (it lends it, kiosk/device_watch.py), and
  closes it when the try ends (``camera_closed``). Full frames never leave this process: the core
  gets only the small mirrored preview the face screen shows, written into a pipe of their own
  (``preview_fd``: the 12-byte header ``height, width, 0`` then the RGB bytes, bottom-up).
* **The core sends them** when the camera is the kiosk's simulator (demo, tests: it stands for
  hardware outside the kiosk, like the ID reader's pty) or a video call in the kiosk holds it: for
  each frame the check needs the worker asks (``{"ev": "frame"}``) and the core writes the frame's
  bytes into the frame pipe (the same header, then ``height*width*3`` bytes), which the worker
  reads straight into a fresh array the check adopts and zeroes.
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
        read_exactly(self.fd, memoryview(head))
        h, w, err = HEADER.unpack(head)
        if err or h <= 0 or w <= 0:
            raise DeviceError(CAM_READ_FAILED, "the core's camera")
        frame = np.empty((h, w, 3), np.uint8)
        read_exactly(self.fd, memoryview(frame.data).cast("B"))
        return frame


class PreviewTap:
    """The worker's own camera for one try: each frame goes to the check unchanged, and a small
    mirrored, bottom-up copy (every ``step``-th pixel) goes to the core for the face screen."""

    def __init__(self, camera: Any, fd: int, step: int = 2):
        self.camera, self.fd, self.step = camera, fd, step
        self._small: np.ndarray | None = None

    def read(self) -> np.ndarray:
        frame = self.camera.read()
        view = frame[::-self.step, ::-self.step]
        if self._small is None or self._small.shape != view.shape:
            self._small = np.empty(view.shape, np.uint8)
        np.copyto(self._small, view)
        h, w = view.shape[:2]
        try:
            _write_all(self.fd, HEADER.pack(h, w, 0))
            _write_all(self.fd, self._small.data)
        except OSError:
            pass                               # the core is gone: the worker ends with it
        return frame

    def close(self) -> None:
        if self._small is not None:
            self._small.fill(0)
        self._small = None
        try:
            self.camera.close()
        except Exception:  # noqa: BLE001 - closing anyway
            log.warning("identity worker: the camera did not close cleanly")


def _write_all(fd: int, data: Any) -> None:
    view = memoryview(data).cast("B")
    while len(view):
        view = view[os.write(fd, view):]


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


def read_exactly(fd: int, view: memoryview) -> None:
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
        self.camera_uri = self.config.pop("camera_uri", None)     # the worker may open this camera itself
        preview_fd = self.config.pop("preview_fd", None)
        self.preview_fd = int(preview_fd) if preview_fd is not None else None
        self.own_camera: PreviewTap | None = None
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

    def start(self, key: str, handle: str | None, challenge: list[str], own_camera: bool = False) -> None:
        card = self.worker.cards.get(handle) if handle else None
        try:
            if card is None or self.verifier is None:
                raise RuntimeError("no card" if card is None else "engine not ready")
            photo = self._photo(card)
            camera: Any = self._open_camera() if own_camera else \
                PipeCamera(self.frames_fd, lambda: self.worker.send("frame", key=key))
            with self._lock:
                self.check = self.verifier.start(
                    photo, camera, key=key, challenge=tuple(challenge),
                    on_progress=lambda p: self._progress(key, p),
                    on_done=lambda r: self.worker.send("face_done", key=key, code=r.code, hint=r.hint,
                                                       distance=r.distance))
            self.check.future.add_done_callback(lambda fut: self._failed(key, fut, photo))
        except Exception as exc:  # noqa: BLE001 - the code only: an error text could quote the card
            self._close_camera()
            self.worker.send("face_done", key=key, error=getattr(exc, "code", type(exc).__name__))

    def _open_camera(self) -> PreviewTap:
        """The kiosk's camera, opened here (the core has closed it); closed when the try ends."""
        from drivers.registry import create
        if not self.camera_uri or self.preview_fd is None:
            raise RuntimeError("no camera of its own")
        self._close_camera()
        device: Any = create("camera", "camera", self.camera_uri)
        try:
            device.open()
        except Exception:
            self.worker.send("camera_closed")
            raise
        self.own_camera = PreviewTap(device, self.preview_fd)
        return self.own_camera

    def _close_camera(self) -> None:
        tap, self.own_camera = self.own_camera, None
        if tap is not None:
            tap.close()
            self.worker.send("camera_closed")

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
        self._close_camera()                            # and the camera goes back to the kiosk
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
        self._close_camera()
        if self.verifier is not None:
            self.verifier.close()
