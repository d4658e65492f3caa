# SPDX-License-Identifier: Apache-2.0
"""A scriptable camera for development and tests: ``sim://``.

Without parameters it makes synthetic frames (a gradient and a moving disc,
no face). ``sim://?image=/path/face.jpg`` shows that photo letterboxed into
``width`` x ``height`` (default 640x480) with a slight drift of a few pixels,
like a person who does not hold perfectly still. Tests script it with
:meth:`set_frames`, :meth:`fail_next` and :meth:`unplug`.
"""
from __future__ import annotations

import math
from collections import deque
from pathlib import Path

import numpy as np

from drivers.base import DeviceError, DeviceUri, ErrorCode
from drivers.camera.interface import CAM_NOT_FOUND, CAM_OPEN_FAILED, CAM_READ_FAILED, Camera, int_param


def is_available() -> bool:
    return True


class SimulatedCamera(Camera):
    """Synthetic frames; never touches hardware."""

    def __init__(self, name: str, uri: DeviceUri):
        super().__init__(name, uri)
        self._size = (int_param(uri, "width", 640) or 640, int_param(uri, "height", 480) or 480)
        self._fps = float(int_param(uri, "fps", 15) or 15)
        self._drift = int(uri.params.get("drift", "3") or 0)
        self._base: np.ndarray | None = None
        self._script: deque[np.ndarray] = deque()
        self._fail: deque[ErrorCode] = deque()
        self._unplugged = False
        self._tick = 0
        self._scene: np.ndarray | None = None        # show(): replaces the base frame while set

    # -- scripting (tests, demos) ---------------------------------------------
    def set_frames(self, frames: list[np.ndarray]) -> None:
        """Queue exact RGB frames; they are returned once each before the synthetic ones."""
        self._script.extend(np.ascontiguousarray(f) for f in frames)

    def show(self, frame: np.ndarray | None) -> None:
        """What stands in front of the camera from now on (an RGB frame of its size, with the usual
        drift), or None for the synthetic scene again: the demo's simulated citizen."""
        if frame is not None and frame.shape[:2] != (self._size[1], self._size[0]):
            raise ValueError(f"a frame of {self._size[0]}x{self._size[1]} is needed, not {frame.shape[1]}x{frame.shape[0]}")
        self._scene = None if frame is None else np.ascontiguousarray(frame, dtype=np.uint8)

    def fail_next(self, code: ErrorCode = CAM_READ_FAILED) -> None:
        """Make the next :meth:`read` raise ``code``."""
        self._fail.append(code)

    def unplug(self) -> None:
        """Every read from now on fails with ``CAM_NOT_FOUND`` (as a pulled USB cable would)."""
        self._unplugged = True

    def replug(self) -> None:
        """The cable is back: the next :meth:`open` works again."""
        self._unplugged = False

    # -- hooks ------------------------------------------------------------------
    def _open(self) -> None:
        if self._unplugged:
            raise DeviceError(CAM_NOT_FOUND, "simulated camera is unplugged")
        image = self.uri.params.get("image")
        if image:
            self._base = self._load(Path(image))
        elif self.uri.params.get("scene") == "document":
            self._base = None       # drawn at the first frame: the sheet (6 MB at 1920×1080) and PIL,
        else:                       # which draws it, stay out of a kiosk that never takes a photo
            self._base = self._synthetic()

    def _load(self, path: Path) -> np.ndarray:
        from PIL import Image  # Pillow is a project dependency; loaded only when asked

        if not path.is_file():
            raise DeviceError(CAM_NOT_FOUND, f"sim image {path} does not exist")
        try:
            with Image.open(path) as im:
                im = im.convert("RGB")
                width, height = self._size
                im.thumbnail((width, height))
                canvas = Image.new("RGB", (width, height))
                canvas.paste(im, ((width - im.width) // 2, (height - im.height) // 2))
                return np.asarray(canvas, dtype=np.uint8).copy()
        except OSError as exc:
            raise DeviceError(CAM_OPEN_FAILED, f"sim image {path}: {exc}") from exc

    def _synthetic(self) -> np.ndarray:
        width, height = self._size
        x = np.linspace(0, 255, width, dtype=np.float32)
        y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
        img = np.empty((height, width, 3), np.uint8)
        img[..., 0] = x[None, :].astype(np.uint8)
        img[..., 1] = y.astype(np.uint8)
        img[..., 2] = 128
        return img

    def _document(self) -> np.ndarray:
        """``scene=document`` (the document camera's simulator): a white A4 sheet with grey text
        bars, turned a little on a brown desk, lit unevenly: what 拍照上传 finds and flattens."""
        from PIL import Image, ImageDraw

        width, height = self._size
        desk = Image.new("RGB", (width, height), (96, 74, 58))
        sheet_h = int(height * 0.86)
        sheet = Image.new("RGB", (int(sheet_h / 2 ** 0.5), sheet_h), (246, 246, 240))
        draw = ImageDraw.Draw(sheet)
        sw, sh = sheet.size
        draw.rectangle((sw * 0.2, sh * 0.06, sw * 0.8, sh * 0.1), fill=(40, 40, 40))
        for n in range(14):
            y = sh * (0.16 + n * 0.05)
            draw.rectangle((sw * 0.1, y, sw * (0.9 - 0.03 * (n % 3)), y + sh * 0.018), fill=(70, 70, 70))
        sheet = sheet.rotate(5, expand=True, fillcolor=(0, 0, 0))
        mask = sheet.convert("L").point(lambda v: 255 if v > 0 else 0)
        desk.paste(sheet, ((width - sheet.width) // 2, (height - sheet.height) // 2), mask)
        light = np.linspace(0.8, 1.0, width, dtype=np.float32)[None, :, None]
        return (np.asarray(desk, dtype=np.float32) * light).astype(np.uint8)

    def _read_frame(self) -> np.ndarray:
        if self._unplugged:
            raise DeviceError(CAM_NOT_FOUND, "simulated camera unplugged")
        if self._fail:
            raise DeviceError(self._fail.popleft(), "scripted by fail_next()")
        if self._script:
            return self._script.popleft()
        self._tick += 1
        if self._base is None and self.uri.params.get("scene") == "document":
            self._base = self._document()
        assert self._base is not None
        dx = round(self._drift * math.sin(self._tick / 5.0))
        dy = round(self._drift * math.cos(self._tick / 7.0))
        scene = self._scene
        frame = np.roll(self._base if scene is None else scene, (dy, dx), axis=(0, 1))
        if scene is None and self.uri.params.get("image") is None and self.uri.params.get("scene") != "document":
            # a moving disc so frames differ visibly
            width, height = self._size
            cx, cy = int(width / 2 + width / 4 * math.sin(self._tick / 10)), height // 2
            r = height // 8                   # drawn in its own box: a mask of the whole frame cost
            x0, x1, y0, y1 = max(cx - r, 0), min(cx + r + 1, width), max(cy - r, 0), min(cy + r + 1, height)
            yy, xx = np.ogrid[y0:y1, x0:x1]   # 2.4 ms a frame, 3.6 % of a core in a call (bench_assist)
            frame[y0:y1, x0:x1][(xx - cx) ** 2 + (yy - cy) ** 2 < r ** 2] = 255
        return frame

    def _close(self) -> None:
        self._base = None
        self._script.clear()
