# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the face tests: the shared photos, one loaded engine, frame builders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from drivers.face import FaceConfig, FaceVerifier


FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    """The licensed test photos in the repository (tests/fixtures/faces/README.md).

    A missing photo is a failure, not a skip: the face suites must never pass by not running.
    """
    assert (FACES / "README.md").is_file() and any(FACES.glob("*.jpg")), f"face fixtures missing in {FACES}"
    return FACES


@pytest.fixture(scope="session")
def engine():
    """The real engine, loaded once (importing face_recognition takes 1-2 s)."""
    from drivers.face.dlib_backend import DlibFaceEngine
    eng = DlibFaceEngine(FaceConfig())
    eng.load()
    return eng


@pytest.fixture(scope="session")
def photo(faces_dir):
    from drivers.camera.file_backend import load_rgb
    cache: dict[str, np.ndarray] = {}

    def load(name: str) -> np.ndarray:
        if name not in cache:
            cache[name] = load_rgb(faces_dir / name)
        return cache[name].copy()
    return load


def face_frame_maker(photo, engine):
    """A 640x480 frame with the photo's largest face ~``face_px`` wide at the centre.

    Real cameras at the kiosk see a face 150-250 px wide; the press photos are
    framed very differently, so each is cropped around its face and re-scaled.
    """
    import cv2
    cache: dict[tuple, np.ndarray] = {}

    def make(name: str, face_px: int = 200, mirror: bool = False, crop_top: float = 1.0) -> np.ndarray:
        key = (name, face_px, mirror, crop_top)
        if key not in cache:
            img = photo(name)
            img = np.ascontiguousarray(img[: int(img.shape[0] * crop_top)])
            boxes = engine.detect(img, 1) or engine.detect(img, 1, 1.25)  # cameraman: found only when enlarged
            top, right, bottom, left = max(boxes, key=lambda b: b[1] - b[3])
            scale = face_px / (right - left)
            small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            cx, cy = int((left + right) / 2 * scale), int((top + bottom) / 2 * scale)
            canvas = np.full((480, 640, 3), 90, np.uint8)
            y0, x0 = cy - 240, cx - 320
            sy0, sx0 = max(0, y0), max(0, x0)
            sy1, sx1 = min(small.shape[0], y0 + 480), min(small.shape[1], x0 + 640)
            canvas[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = small[sy0:sy1, sx0:sx1]
            cache[key] = np.ascontiguousarray(canvas[:, ::-1]) if mirror else canvas
        return cache[key].copy()
    return make


@pytest.fixture(scope="session")
def face_frame(photo, engine):
    """See :func:`face_frame_maker` (a plain function too, for helper processes)."""
    return face_frame_maker(photo, engine)


class FrameClock:
    """Time advances 1/fps per frame read: liveness timing without sleeping."""

    def __init__(self, fps: float = 15.0):
        self.t, self.step = 0.0, 1.0 / fps

    def __call__(self) -> float:
        return self.t

    def frames(self, frames):
        for frame in frames:
            self.t += self.step
            yield frame.copy()  # the session adopts (and zeroes) what it is given


@pytest.fixture
def clock() -> FrameClock:
    return FrameClock()


@pytest.fixture
def verifier_factory(engine):
    made = []

    def make(clock=None, **overrides) -> FaceVerifier:
        verifier = FaceVerifier("face", FaceConfig(**overrides), engine=engine,
                                **({"clock": clock} if clock else {}))
        verifier.open()
        made.append(verifier)
        return verifier
    yield make
    for verifier in made:
        verifier.close()
