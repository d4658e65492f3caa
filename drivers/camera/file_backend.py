# SPDX-License-Identifier: Apache-2.0
"""A video file or still images standing in for a camera (tests, demos, CI).

``file:///path/clip.mp4`` (read with OpenCV, looping at the end),
``file:///path/dir`` (every .jpg/.jpeg/.png in name order) or
``file:///a.jpg,/b.png`` (a comma-separated list). Stills are shown ``hold``
frames each (default 1). ``width``/``height`` letterbox every frame to that size.
``loop=0`` raises ``CAM_READ_FAILED`` at the end instead of looping.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
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


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


def is_available() -> bool:
    return importlib.util.find_spec("cv2") is not None


def letterbox(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale ``rgb`` to fit ``(width, height)`` keeping its aspect, padded with black."""
    cv2 = _cv2()
    width, height = size
    scale = min(width / rgb.shape[1], height / rgb.shape[0])
    new_w, new_h = max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale))
    resized = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    out = np.zeros((height, width, 3), np.uint8)
    y, x = (height - new_h) // 2, (width - new_w) // 2
    out[y:y + new_h, x:x + new_w] = resized
    return out


def load_rgb(path: Path) -> np.ndarray:
    """Read an image file as RGB uint8 (grey and RGBA are converted)."""
    cv2 = _cv2()
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise DeviceError(CAM_OPEN_FAILED, f"{path} is not a readable image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class FileCamera(Camera):
    """Plays a video file or a list of stills as if it were a camera."""

    def __init__(self, name: str, uri: DeviceUri):
        super().__init__(name, uri)
        width, height = int_param(uri, "width", None), int_param(uri, "height", None)
        self._fit = (width, height) if width and height else None
        self._hold = int_param(uri, "hold", 1) or 1
        self._loop = uri.params.get("loop", "1") not in ("0", "false", "no")
        self._fps = float(int_param(uri, "fps", 10) or 10)
        self._cap: Any = None
        self._stills: list[np.ndarray] = []
        self._paths_to_load: list[Path] = []
        self._index = 0
        self._size = self._fit or (0, 0)

    def _paths(self) -> list[Path]:
        raw = self.uri.path
        if not raw:
            raise DeviceError(CAM_BAD_URI, f"no path in {self.uri.raw} (want file:///path/clip.mp4)")
        paths = [Path(p) for p in raw.split(",") if p]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise DeviceError(CAM_NOT_FOUND, f"missing: {', '.join(missing)}")
        if len(paths) == 1 and paths[0].is_dir():
            paths = sorted(p for p in paths[0].iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not paths:
                raise DeviceError(CAM_NOT_FOUND, f"{raw} has no .jpg/.png images")
        return paths

    def _probe(self) -> bool:
        """The files are there (a still's name says it is a picture); read at the first frame."""
        paths = self._paths()
        bad = [str(p) for p in paths if p.suffix.lower() not in IMAGE_SUFFIXES] if len(paths) > 1 else []
        if bad:
            raise DeviceError(CAM_OPEN_FAILED, f"{', '.join(bad)}: not a readable image")
        if self._fit:
            self._size = self._fit
        return True

    def _open(self) -> None:
        cv2 = _cv2()
        paths = self._paths()
        self._index = 0
        if len(paths) == 1 and paths[0].suffix.lower() not in IMAGE_SUFFIXES:
            cap = cv2.VideoCapture(str(paths[0]))
            if not cap.isOpened():
                cap.release()
                raise DeviceError(CAM_OPEN_FAILED, f"{paths[0]} is not a readable video")
            self._cap = cap
            self._fps = float(cap.get(cv2.CAP_PROP_FPS) or self._fps)
            w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
            self._size = self._fit or (w, h)
            return
        unreadable = [str(p) for p in paths if not cv2.haveImageReader(str(p))]
        if unreadable:
            raise DeviceError(CAM_OPEN_FAILED, f"{', '.join(unreadable)}: not a readable image")
        # like a real camera, an open one holds no picture until it is read
        self._paths_to_load, self._stills = paths, []
        if self._fit:
            self._size = self._fit
        else:
            from PIL import Image
            with Image.open(paths[0]) as first:       # the header only
                self._size = first.size

    def _fitted(self, rgb: np.ndarray) -> np.ndarray:
        return letterbox(rgb, self._fit) if self._fit else rgb

    def _read_frame(self) -> np.ndarray:
        if self._cap is not None:
            return self._read_video()
        if not self._stills:
            self._stills = [self._fitted(load_rgb(p)) for p in self._paths_to_load]
        position = self._index // self._hold
        if position >= len(self._stills):
            if not self._loop:
                raise DeviceError(CAM_READ_FAILED, "end of stills (loop=0)")
            self._index, position = 0, 0
        self._index += 1
        return self._stills[position].copy()

    def _read_video(self) -> np.ndarray:
        cv2 = _cv2()
        ok, frame = self._cap.read()
        if not ok and self._loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        if not ok or frame is None:
            raise DeviceError(CAM_READ_FAILED, f"{self.uri.raw}: end of file or unreadable frame")
        return self._fitted(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))

    def _close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._stills = []
