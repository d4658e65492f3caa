# SPDX-License-Identifier: Apache-2.0
"""Head-turn liveness from dlib's 5 landmarks (pure numpy, no model of its own).

The yaw proxy is the nose point's horizontal offset from the midpoint between
the eyes, divided by the distance between the eye centres: about 0 facing the
camera, about +/-0.2 for a clearly turned head (measured on the fixtures). A
flat photo tilted or moved in front of the camera keeps that ratio (a plane's
projection keeps the nose where it is relative to the eyes), so a held-up
photo or ID card does not pass. A video replayed on a phone, or a mask, can:
this is a cheap check against printed photos, not presentation-attack detection.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

import numpy as np

LEFT, RIGHT = "left", "right"


def yaw_proxy(points: np.ndarray) -> float:
    """Yaw proxy from 5 points (rows 0-3 eye corners, row 4 nose); > 0: nose towards image right."""
    eye_a, eye_b = points[0:2].mean(axis=0), points[2:4].mean(axis=0)
    inter_eye = float(np.linalg.norm(eye_a - eye_b))
    if inter_eye < 1e-6:
        return 0.0
    mid = (eye_a + eye_b) / 2.0
    return float((points[4][0] - mid[0]) / inter_eye)


def random_order(rng: random.Random | None = None) -> tuple[str, str]:
    """``("left", "right")`` or the reverse, from the OS's random source by default."""
    order = [LEFT, RIGHT]
    (rng or secrets.SystemRandom()).shuffle(order)
    return order[0], order[1]


def direction_sign(direction: str, mirrored: bool) -> int:
    """Sign of the yaw change when the citizen turns to *their own* ``direction``.

    An unmirrored camera faces the citizen, so their left is the image's right
    and the nose moves right: +1. A camera that mirrors its frames flips this.
    """
    sign = 1 if direction == LEFT else -1
    return -sign if mirrored else sign


@dataclass
class HeadTurnChallenge:
    """Turns asked in ``order``, each within ``step_timeout_s``, judged against a frontal baseline."""
    order: tuple[str, ...]
    threshold: float = 0.12
    hold_frames: int = 2
    step_timeout_s: float = 6.0
    mirrored: bool = False
    baseline: float | None = None
    step: int = 0
    failed: bool = False
    peaks: list[float] = field(default_factory=list)
    _held: int = 0
    _step_started: float = 0.0

    def start(self, baseline_yaw: float, now: float) -> None:
        """Begin with the yaw of this session's frontal (matched) frame."""
        self.baseline, self.step, self.failed, self._held = baseline_yaw, 0, False, 0
        self._step_started = now
        self.peaks = [0.0 for _ in self.order]

    @property
    def done(self) -> bool:
        return not self.failed and self.baseline is not None and self.step >= len(self.order)

    @property
    def current(self) -> str | None:
        return self.order[self.step] if self.step < len(self.order) else None

    def feed(self, yaw: float | None, now: float) -> None:
        """One frame's yaw proxy (None: no face in this frame). Updates ``done``/``failed``."""
        if self.baseline is None or self.done or self.failed:
            return
        if now - self._step_started > self.step_timeout_s:
            self.failed = True
            return
        if yaw is None:
            return
        towards = (yaw - self.baseline) * direction_sign(self.order[self.step], self.mirrored)
        self.peaks[self.step] = max(self.peaks[self.step], towards)
        self._held = self._held + 1 if towards >= self.threshold else 0
        if self._held >= self.hold_frames:
            self.step, self._held, self._step_started = self.step + 1, 0, now

    def timed_out(self, now: float) -> bool:
        return self.baseline is not None and not self.done and now - self._step_started > self.step_timeout_s
