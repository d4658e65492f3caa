# SPDX-License-Identifier: Apache-2.0
"""Follow one face between frames without a full-frame detection every time.

A full-frame HOG detection (on the frame scaled down by ``detect_scale``) runs
on the first frame, after the face is lost, and every ``redetect_every`` frames
so a second person stepping in is still seen. In between, HOG runs only on a
region around the last box, scaled so the face is ~100 px: a fraction of the cost.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drivers.face.interface import Box, FaceConfig, FaceEngine

ROI_FACE_PX = 100  # HOG's window is 80 px; a bit above it keeps ROI detection reliable


@dataclass(frozen=True)
class Located:
    boxes: list[Box]      # every face seen in this frame (only the ROI's on a tracked frame)
    box: Box | None       # the face to use: the only one, or None
    method: str           # "full", "roi", "reuse" or "none"


def box_width(box: Box) -> int:
    return box[1] - box[3]


class FaceTracker:
    """Stateful per session; call :meth:`locate` once per frame, from one thread."""

    def __init__(self, engine: FaceEngine, config: FaceConfig, track: bool = True):
        self.engine, self.config, self.track = engine, config, track
        self.last: Box | None = None
        self._since_full = 0
        self._reused = 0
        self.full_detections = 0

    def locate(self, rgb: np.ndarray, allow_reuse: bool = False) -> Located:
        if self.track and self.last is not None and self._since_full < self.config.redetect_every:
            self._since_full += 1
            box = self._roi(rgb, self.last)
            if box is not None:
                self.last, self._reused = box, 0
                return Located([box], box, "roi")
            if allow_reuse and self._reused < self.config.max_box_reuse:
                self._reused += 1  # turned heads defeat HOG; the landmarks still follow
                return Located([self.last], self.last, "reuse")
        return self._full(rgb)

    def _full(self, rgb: np.ndarray) -> Located:
        self.full_detections += 1
        self._since_full, self._reused = 0, 0
        boxes = self.engine.detect(rgb, self.config.detect_upsample, self.config.detect_scale)
        box = boxes[0] if len(boxes) == 1 else None
        self.last = box
        return Located(boxes, box, "full" if boxes else "none")

    def _roi(self, rgb: np.ndarray, box: Box) -> Box | None:
        top, right, bottom, left = box
        h, w = rgb.shape[:2]
        mx, my = int((right - left) * self.config.track_margin), int((bottom - top) * self.config.track_margin)
        y0, y1, x0, x1 = max(0, top - my), min(h, bottom + my), max(0, left - mx), min(w, right + mx)
        if y1 - y0 < 20 or x1 - x0 < 20:
            return None
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        scale = min(1.0, ROI_FACE_PX / max(1, box_width(box)))
        found = self.engine.detect(crop, 0 if box_width(box) * scale >= 80 else 1, scale)
        if len(found) != 1:
            return None
        t, r, b, l = found[0]
        return (t + y0, r + x0, b + y0, l + x0)
