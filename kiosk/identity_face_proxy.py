# SPDX-License-Identifier: Apache-2.0
"""The face verifier as the core sees it when the face engine runs in the identity worker.

:class:`WorkerFaceVerifier` has the :class:`~drivers.face.FaceVerifier` calls the identity service
uses (``state``, ``open``, ``start`` → a check with ``future``, ``challenge``, ``cancel``, ``wipe``),
but the card photo, the reference encoding and the live encodings stay in the worker
(``kiosk/identity_worker_face.py``). The reference is a :class:`WorkerPhoto`, the card's handle and
nothing else.

With a real camera (``camera_uri`` in the set-up) the worker opens it itself for each try
(``start(own_camera=True)``, after the core has lent it): only the small preview comes back, read
here straight into the face screen's one buffer (:meth:`PreviewCamera.receive`), and
``on_camera_closed`` runs when the worker has let it go. Otherwise (the kiosk's simulator, or a
video call holding the camera) the core reads each frame the worker asks for, writes it into the
frame pipe and zeroes its copy at once.
"""
from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import queue
import threading
from typing import Any, Callable

from drivers.base import Device, DeviceError, DeviceState
from drivers.face.interface import FACE_BUSY, FACE_CANCELLED, FACE_ENGINE_UNAVAILABLE, FaceResult
from drivers.face.liveness import random_order
from drivers.face.session import FacePhase

from .identity_worker_face import HEADER, read_exactly

log = logging.getLogger(__name__)


class WorkerPhoto:
    """The card photo as the core knows it: which card (the worker decodes and keeps the photo)."""

    def __init__(self, handle: str):
        self.handle = handle


class WorkerFaceCheck:
    def __init__(self, verifier: "WorkerFaceVerifier", key: str, challenge: tuple[str, ...], frames: Any,
                 on_progress: Callable[[dict], None] | None):
        self.verifier, self.key, self.challenge = verifier, key, challenge
        self.frames, self.on_progress = frames, on_progress
        self.future: cf.Future = cf.Future()
        self.future.set_running_or_notify_cancel()

    def result(self, timeout: float | None = None) -> FaceResult:
        return self.future.result(timeout)

    def cancel(self) -> None:
        if not self.future.done():
            self.verifier.send({"cmd": "face_cancel"})

    def wipe(self) -> None:
        """Nothing of the face is kept here (frames are zeroed as they are sent); the worker wipes its own."""


class WorkerFaceVerifier(Device):
    kind = "face"
    in_worker = True

    def __init__(self, name: str, config: dict[str, Any]):
        super().__init__(name)
        from drivers.face import FaceConfig
        self.setup = dict(config)                   # what the worker gets
        self.config = FaceConfig.from_mapping({k: v for k, v in config.items() if k not in ("reference_file", "camera_uri")})
        self._send: Callable[[dict], None] | None = None
        self._frames_fd: int | None = None
        self._check: WorkerFaceCheck | None = None
        self._requests: queue.Queue = queue.Queue()
        self._pump: threading.Thread | None = None
        self.camera_uri: str | None = config.get("camera_uri")   # the worker may open this camera itself
        self.preview: Any = None                   # the face screen's PreviewCamera (IdentityService sets it)
        self.on_camera_closed: Callable[[], None] | None = None

    # -- the worker's lifetime (WorkerIdReader calls these) ------------------------------
    def attach(self, send: Callable[[dict], None], frames_fd: int, preview_fd: int | None = None) -> None:
        self._send, self._frames_fd = send, frames_fd
        self._requests = queue.Queue()
        self._pump = threading.Thread(target=self._serve_frames, args=(self._requests, frames_fd),
                                      name="identity-face-frames", daemon=True)
        self._pump.start()
        if preview_fd is not None:
            threading.Thread(target=self._take_previews, args=(preview_fd,), name="identity-face-preview",
                             daemon=True).start()
        self._set_state(DeviceState.CONNECTING)      # the worker loads the engine now

    def starting(self) -> None:
        """A worker is on its way: the face step waits for its engine rather than giving up."""
        self._set_state(DeviceState.CONNECTING)

    def detach(self) -> None:
        check, self._check = self._check, None
        self._send = None
        self._requests.put(None)                      # the pump closes the pipe
        if check is not None and not check.future.done():
            check.future.set_exception(DeviceError(FACE_ENGINE_UNAVAILABLE, "the identity worker ended"))
        self._camera_closed()                         # an ended worker holds no camera
        self._set_state(DeviceState.ABSENT)

    def _camera_closed(self) -> None:
        callback = self.on_camera_closed
        if callback is not None:
            callback()

    def send(self, obj: dict) -> None:
        send = self._send
        if send is not None:
            send(obj)

    # -- the device ----------------------------------------------------------------------------
    def open(self) -> None:
        """The worker loads the engine when it starts; nothing to do here."""

    def close(self) -> None:
        self.detach()

    def reference_for(self, card) -> WorkerPhoto:
        return WorkerPhoto(getattr(card, "handle", ""))

    def start(self, card_photo: Any, frames: Any, *, on_progress=None, on_done=None, key: str | None = None,
              challenge: tuple[str, ...] | None = None, track: bool = True,
              own_camera: bool = False) -> WorkerFaceCheck:
        handle = getattr(card_photo, "handle", "")
        with self._lock:
            current = self._check
            if current is not None and not current.future.done():
                if key is not None and key == current.key:
                    return current
                raise DeviceError(FACE_BUSY, f"check {current.key!r} still running")
            if self._send is None or self.state not in (DeviceState.READY, DeviceState.BUSY) or not handle:
                raise DeviceError(FACE_ENGINE_UNAVAILABLE, "no identity worker with a face engine")
            order = tuple(challenge or random_order())
            check = WorkerFaceCheck(self, key or "", order, frames, on_progress)
            self._check = check
        self.send({"cmd": "face_start", "key": check.key, "handle": handle, "challenge": list(order),
                   "camera": own_camera})
        return check

    # -- from the worker -------------------------------------------------------------------------
    def on_message(self, msg: dict) -> None:
        ev = msg.get("ev")
        if ev == "face_state":
            code = msg.get("code")
            self._set_state(DeviceState(msg["state"]),
                            DeviceError(FACE_ENGINE_UNAVAILABLE, code) if code else None)
            return
        if ev == "camera_closed":
            self._camera_closed()
            return
        check = self._check
        if check is None or msg.get("key") != check.key:
            if ev == "frame":
                self._requests.put(False)              # an old check's last request: an error frame
            return
        if ev == "frame":
            self._requests.put(check)
        elif ev == "face_progress" and check.on_progress is not None:
            phase: Any = msg.get("phase")
            try:
                phase = FacePhase(str(phase))
            except ValueError:
                pass
            check.on_progress({"phase": phase, "hint": msg.get("hint"), "step": msg.get("step")})
        elif ev == "face_done" and not check.future.done():
            error = msg.get("error")
            if error and error != "FACE_CANCELLED":
                check.future.set_exception(DeviceError(FACE_ENGINE_UNAVAILABLE, str(error)))
            else:
                check.future.set_result(FaceResult(code=str(msg.get("code")), hint=msg.get("hint") or "",
                                                   distance=msg.get("distance"), challenge=check.challenge)
                                        if not error else FaceResult(FACE_CANCELLED, challenge=check.challenge))

    def _take_previews(self, fd: int) -> None:
        """The worker's previews, each read straight into the face screen's buffer; until the worker's
        end of the pipe closes."""
        try:
            while True:
                head = bytearray(HEADER.size)
                read_exactly(fd, memoryview(head))
                h, w, err = HEADER.unpack(head)
                if err or not (0 < h <= 2160 and 0 < w <= 3840):
                    log.warning("identity: a bad preview header from the worker")
                    return
                preview = self.preview
                if preview is None:
                    junk = bytearray(h * w * 3)
                    read_exactly(fd, memoryview(junk))
                    junk[:] = bytes(len(junk))
                    continue
                preview.receive(h, w, lambda view: read_exactly(fd, view))
        except (OSError, EOFError):
            return                                      # the worker ended
        finally:
            try:
                os.close(fd)
            except OSError:
                pass

    def _serve_frames(self, requests: queue.Queue, fd: int) -> None:
        """One camera frame per request, written into the pipe and zeroed here at once."""
        try:
            while True:
                check = requests.get()
                if check is None:
                    return
                frame = None
                try:
                    if check is False:
                        raise RuntimeError("no check for this frame")
                    frame = check.frames.read()
                    h, w = frame.shape[:2]
                    os.write(fd, HEADER.pack(h, w, 0))
                    view = memoryview(frame).cast("B")
                    while len(view):
                        view = view[os.write(fd, view):]
                except OSError:
                    return                              # the worker is gone
                except Exception as exc:  # noqa: BLE001 - the camera's error: the check ends with it
                    log.warning("identity: camera frame for the worker failed (%s)",
                                getattr(exc, "code", type(exc).__name__))
                    try:
                        os.write(fd, HEADER.pack(0, 0, 1))
                    except OSError:
                        return
                finally:
                    if frame is not None and frame.flags.writeable:
                        frame.fill(0)
        finally:
            try:
                os.close(fd)
            except OSError:
                pass
