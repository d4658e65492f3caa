# SPDX-License-Identifier: Apache-2.0
"""The camera interface: open, read RGB frames, close.

Backends override the protected hooks ``_open``, ``_read_frame`` and
``_close``; everything else (state changes, coded errors, locking) lives here.
"""
from __future__ import annotations

import abc
from typing import Any

import numpy as np

from drivers.base import Action, Device, DeviceError, DeviceState, DeviceUri, ErrorCode, Severity

CAM_NO_BACKEND = ErrorCode("CAM_NO_BACKEND", Severity.FATAL, Action.MAINTENANCE,
                           "camera library (opencv-python-headless) is not installed")
CAM_BAD_URI = ErrorCode("CAM_BAD_URI", Severity.FATAL, Action.CONFIGURATION,
                        "camera URI is invalid or names an unknown backend")
CAM_NOT_FOUND = ErrorCode("CAM_NOT_FOUND", Severity.ERROR, Action.STAFF,
                          "camera device or source file not found (unplugged?)")
CAM_OPEN_FAILED = ErrorCode("CAM_OPEN_FAILED", Severity.ERROR, Action.MAINTENANCE,
                            "camera exists but could not be opened (busy, permissions, driver)")
CAM_READ_FAILED = ErrorCode("CAM_READ_FAILED", Severity.ERROR, Action.RETRY,
                            "camera returned no frame")
CAM_NOT_OPEN = ErrorCode("CAM_NOT_OPEN", Severity.ERROR, Action.RETRY,
                         "camera read before open() or after close()")


class Camera(Device, abc.ABC):
    """A source of RGB frames (``numpy.uint8``, shape ``(height, width, 3)``, C-contiguous).

    Frames are handed to the caller and never kept or written anywhere by the driver.
    """

    kind = "camera"
    #: open() only checks that the device is there (no camera library loaded, no stream started) where
    #: the backend can (``_probe``); the first read() opens it. The kiosk sets it when the identity
    #: worker opens the camera itself, so the kiosk loads OpenCV only if a flow of its own reads frames.
    open_on_first_read = False

    def __init__(self, name: str, uri: DeviceUri):
        super().__init__(name)
        self.uri = uri
        self._open_flag = False
        self._size: tuple[int, int] = (0, 0)   # backends keep these up to date
        self._fps: float = 0.0
        self._deferred = False                  # checked by _probe, not opened yet

    # -- public template methods ------------------------------------------
    def open(self) -> None:
        """Open the source; READY afterwards. Blocks up to a few seconds (device warm-up).

        Raises :class:`DeviceError` (``CAM_*``) and leaves the device in FAULT
        with that error when the backend cannot start. Any thread, not the UI thread.
        With :attr:`open_on_first_read` a backend that can only checks the device is
        there; the first :meth:`read` opens it.
        """
        with self._lock:
            if self._open_flag:
                return
            self._set_state(DeviceState.CONNECTING)
            try:
                self._deferred = self.open_on_first_read and self._probe()
                if not self._deferred:
                    self._open()
            except DeviceError as exc:
                self._set_state(DeviceState.FAULT, exc)
                raise
            except Exception as exc:  # a backend bug must still end in a coded FAULT
                err = DeviceError(CAM_OPEN_FAILED, f"{type(exc).__name__}: {exc}")
                self._set_state(DeviceState.FAULT, err)
                raise err from exc
            self._open_flag = True
            self._set_state(DeviceState.READY)

    def read(self) -> np.ndarray:
        """Return the next frame as RGB uint8 ``(h, w, 3)``.

        Blocks for at most one frame interval of the device (≤ ~1 s). Raises
        ``CAM_NOT_OPEN`` before :meth:`open`, ``CAM_READ_FAILED`` when the device
        stops delivering (the device goes to FAULT). Call from one capture thread.
        """
        with self._lock:
            if not self._open_flag:
                raise DeviceError(CAM_NOT_OPEN, self.name)
            try:
                if self._deferred:           # checked at open(): opened for real now
                    self._open_deferred()
                frame = self._read_frame()
            except DeviceError as exc:
                self._set_state(DeviceState.FAULT, exc)
                raise
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise DeviceError(CAM_READ_FAILED, f"backend gave {frame.dtype} {frame.shape}")
        return np.ascontiguousarray(frame)

    def close(self) -> None:
        """Release the device; ABSENT afterwards. Idempotent; any thread."""
        with self._lock:
            if self._open_flag:
                try:
                    if not self._deferred:
                        self._close()
                finally:
                    self._open_flag = self._deferred = False
            self._set_state(DeviceState.ABSENT)

    @property
    def is_open(self) -> bool:
        return self._open_flag

    @property
    def resolution(self) -> tuple[int, int]:
        """``(width, height)`` in pixels of the frames :meth:`read` returns."""
        return self._size

    @property
    def fps(self) -> float:
        """Nominal frames per second (what the device or file reports)."""
        return self._fps

    def capabilities(self) -> dict[str, Any]:
        width, height = self.resolution
        return {"backend": type(self).__name__, "width": width, "height": height, "fps": self.fps}

    def _self_test(self) -> list[str]:
        frame = self.read()
        return [f"{self.name}: {type(self).__name__} frame {frame.shape[1]}x{frame.shape[0]} ok"]

    def __enter__(self) -> "Camera":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_deferred(self) -> None:
        try:
            self._open()
        except DeviceError:
            raise
        except Exception as exc:  # a backend bug must still end in a coded FAULT (as in open())
            raise DeviceError(CAM_OPEN_FAILED, f"{type(exc).__name__}: {exc}") from exc
        self._deferred = False

    # -- backend hooks ----------------------------------------------------
    def _probe(self) -> bool:
        """Check the device is there without opening it (raise ``CAM_*`` if not); False: this
        backend cannot, open() opens it."""
        return False

    @abc.abstractmethod
    def _open(self) -> None: ...

    @abc.abstractmethod
    def _read_frame(self) -> np.ndarray: ...

    @abc.abstractmethod
    def _close(self) -> None: ...


def int_param(uri: DeviceUri, key: str, default: int | None) -> int | None:
    """A positive integer URI parameter, or ``CAM_BAD_URI``."""
    raw = uri.params.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise DeviceError(CAM_BAD_URI, f"{key}={raw!r} is not a number in {uri.raw}") from None
    if value <= 0:
        raise DeviceError(CAM_BAD_URI, f"{key}={raw!r} must be positive in {uri.raw}")
    return value
