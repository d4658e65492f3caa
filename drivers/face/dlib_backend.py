# SPDX-License-Identifier: Apache-2.0
"""The face engine on face_recognition 1.3.0 + dlib (from the prebuilt ``dlib-bin`` wheel).

face_recognition is installed with ``--no-deps`` (scripts/requirements-nodeps.txt)
because its ``dlib`` requirement would build dlib from source; ``dlib-bin``
provides the same ``dlib`` module. Models come from ``face_recognition_models``
(installed, never downloaded). Landmarks and alignment use dlib's 5-point model
(public domain) unless the 68-point model (iBUG 300-W, non-commercial) is
explicitly opted into in :class:`~drivers.face.interface.FaceConfig`.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import sys
from types import ModuleType

import numpy as np

from drivers.base import DeviceError
from drivers.face.interface import FACE_ENGINE_UNAVAILABLE, Box, FaceConfig, FaceEngine

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None  # type: ignore[assignment]


def import_face_recognition() -> ModuleType:
    """``import face_recognition``, turning its silent exit into a coded error.

    face_recognition's ``api.py`` does ``import face_recognition_models``, which
    imports ``pkg_resources`` (gone in setuptools >= 81, absent in uv-made and
    Python 3.12+ venvs). On failure it prints a hint and calls ``quit()``,
    i.e. exits the process with status 0, which would look like success in
    CI and simply vanish on a kiosk. We catch that and raise
    ``DeviceError(FACE_ENGINE_UNAVAILABLE)`` with the real reason.
    """
    if "face_recognition.api" in sys.modules:
        return sys.modules["face_recognition"]
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            return importlib.import_module("face_recognition")
    except (SystemExit, ImportError, NameError, OSError, RuntimeError) as exc:
        raise DeviceError(FACE_ENGINE_UNAVAILABLE, _why(exc, printed.getvalue()), native=repr(exc)) from None


def _why(exc: BaseException, printed: str) -> str:
    try:
        import pkg_resources  # noqa: F401  (only to name the cause)
    except ImportError:
        return ("pkg_resources is missing (setuptools >= 81 or no setuptools): "
                "install 'setuptools<81' (pinned in pyproject) - face_recognition_models needs it")
    if isinstance(exc, SystemExit):
        return "face_recognition exited on import: " + " ".join(printed.split())[:200]
    return f"{type(exc).__name__}: {exc}"


def is_available() -> bool:
    try:
        import_face_recognition()
    except DeviceError:
        return False
    return cv2 is not None


class DlibFaceEngine(FaceEngine):
    """HOG detection, 5-point landmarks and ResNet encodings via face_recognition."""

    def __init__(self, config: FaceConfig):
        self.config = config
        self._fr: ModuleType | None = None

    def load(self) -> None:
        if cv2 is None:
            raise DeviceError(FACE_ENGINE_UNAVAILABLE, "opencv-python-headless is not installed")
        self._fr = import_face_recognition()

    @property
    def fr(self) -> ModuleType:
        if self._fr is None:
            self.load()
        assert self._fr is not None
        return self._fr

    def detect(self, rgb: np.ndarray, upsample: int, scale: float = 1.0) -> list[Box]:
        img = rgb
        if scale != 1.0:
            size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
            img = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        boxes = self.fr.face_locations(np.ascontiguousarray(img), upsample, model="hog")
        if scale == 1.0:
            return [(int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in boxes]
        h, w = rgb.shape[:2]
        return [(max(0, round(t / scale)), min(w, round(r / scale)), min(h, round(b / scale)), max(0, round(l / scale)))
                for t, r, b, l in boxes]

    def landmarks(self, rgb: np.ndarray, box: Box) -> np.ndarray:
        # Always the 5-point model here: yaw needs only eyes and nose, and it is public domain.
        marks = self.fr.face_landmarks(np.ascontiguousarray(rgb), [box], model="small")[0]
        points = marks["right_eye"] + marks["left_eye"] + marks["nose_tip"]  # dlib order 0-3, then 4
        return np.array(points, dtype=np.float64)

    def encode(self, rgb: np.ndarray, box: Box) -> np.ndarray:
        # dlib's encoder rejects non-contiguous views (e.g. frame[..., ::-1]) - only when a face is found.
        encodings = self.fr.face_encodings(np.ascontiguousarray(rgb), [box], num_jitters=1,
                                           model=self.config.landmark_model)
        return np.asarray(encodings[0], dtype=np.float64)
