# SPDX-License-Identifier: Apache-2.0
"""USB/UVC camera through OpenCV's V4L2 capture.

``v4l2:///dev/video0?width=640&height=480&fps=15`` (a device path; prefer the
stable ``/dev/v4l/by-id/...`` name, because indexes change after re-plugging)
or ``v4l2://0`` (an index). Optional ``fourcc=MJPG`` (default) and ``warmup=5``
(frames thrown away while auto-exposure settles).
"""
from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np

from drivers.base import DeviceError, DeviceUri
from drivers.camera.interface import (CAM_BAD_URI, CAM_NO_BACKEND, CAM_NOT_FOUND, CAM_OPEN_FAILED,
                                      CAM_READ_FAILED, Camera, int_param)

def _cv2() -> Any:
    """OpenCV, imported when a frame is needed (it is ~35 MB resident once loaded; vendor import, guarded)."""
    try:
        import cv2
    except ImportError:  # pragma: no cover - exercised only on a broken install
        raise DeviceError(CAM_NO_BACKEND, "import cv2 failed") from None
    return cv2


def is_available() -> bool:
    return importlib.util.find_spec("cv2") is not None


class V4l2Camera(Camera):
    """A V4L2 device opened with ``cv2.VideoCapture(path, cv2.CAP_V4L2)``."""

    def __init__(self, name: str, uri: DeviceUri):
        super().__init__(name, uri)
        self._cap: Any = None
        self._want_w = int_param(uri, "width", 640)
        self._want_h = int_param(uri, "height", 480)
        self._want_fps = int_param(uri, "fps", 15)
        self._warmup = int(uri.params.get("warmup", "5") or 0)
        self._fourcc = (uri.params.get("fourcc") or "MJPG").upper()
        self._size = (self._want_w or 640, self._want_h or 480)
        self._fps = float(self._want_fps or 15)

    def target(self) -> str | int:
        """The device path or index named by the URI."""
        if self.uri.netloc and self.uri.netloc.isdigit():
            return int(self.uri.netloc)
        path = self.uri.path
        if path.lstrip("/").isdigit():
            return int(path.lstrip("/"))
        if not path:
            raise DeviceError(CAM_BAD_URI, f"no device in {self.uri.raw} (want v4l2:///dev/video0)")
        return path

    def _probe(self) -> bool:
        """The device node is there and this user may open it (no OpenCV, no stream); opened at the
        first frame."""
        target = self.target()
        path = f"/dev/video{target}" if isinstance(target, int) else target
        if not os.path.exists(path):
            raise DeviceError(CAM_NOT_FOUND, f"{path} does not exist")
        try:
            os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK))
        except OSError as exc:
            raise DeviceError(CAM_OPEN_FAILED, f"{path} could not be opened ({exc.strerror}; "
                              "the service user lacks the 'video' group?)") from None
        return True

    def _open(self) -> None:
        cv2 = _cv2()
        target = self.target()
        if isinstance(target, str) and not os.path.exists(target):
            raise DeviceError(CAM_NOT_FOUND, f"{target} does not exist")
        cap = cv2.VideoCapture(target, cv2.CAP_V4L2)
        if not cap.isOpened():
            cap.release()
            if isinstance(target, int):
                raise DeviceError(CAM_NOT_FOUND, f"no V4L2 camera at index {target}")
            raise DeviceError(CAM_OPEN_FAILED, f"{target} could not be opened "
                              "(in use, or the service user lacks the 'video' group?)")
        # MJPG first: many UVC cameras give 640x480 YUYV only at low rates over USB 2.
        cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self._fourcc[:4].ljust(4)))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
        cap.set(cv2.CAP_PROP_FPS, self._fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # no stale frames queued in the driver
        self._cap = cap
        for _ in range(max(self._warmup, 0)):
            cap.read()
        ok, frame = cap.read()
        if not ok or frame is None:
            self._close()
            raise DeviceError(CAM_READ_FAILED, f"{target} opened but delivered no frame")
        # The driver may not grant what we asked for: report what it actually gives.
        self._size = (int(frame.shape[1]), int(frame.shape[0]))
        self._fps = float(cap.get(cv2.CAP_PROP_FPS) or self._fps)

    def _read_frame(self) -> np.ndarray:
        cv2 = _cv2()
        ok, frame = self._cap.read()
        if not ok or frame is None:
            raise DeviceError(CAM_READ_FAILED, f"{self.uri.raw}: read() returned no frame")
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)  # never frame[..., ::-1]: dlib needs contiguous RGB

    def _close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
