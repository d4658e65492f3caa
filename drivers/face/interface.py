# SPDX-License-Identifier: Apache-2.0
"""Face verification: decision codes, guidance hints, config, the engine interface.

A decision is a :class:`FaceResult` with one of the ``FACE_*`` codes below and
a ``hint`` for the screen. Screens map both codes to their own words.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

import numpy as np

from drivers.base import Action, DeviceError, ErrorCode, Severity

# -- decisions (FaceResult.code) ------------------------------------------------
FACE_MATCH = "FACE_MATCH"
FACE_NO_MATCH = "FACE_NO_MATCH"
FACE_NO_FACE = "FACE_NO_FACE"
FACE_MANY_FACES = "FACE_MANY_FACES"
FACE_TOO_SIMILAR = "FACE_TOO_SIMILAR"          # live face ~identical to the card photo: the card held up
FACE_LIVENESS_FAILED = "FACE_LIVENESS_FAILED"
FACE_TIMEOUT = "FACE_TIMEOUT"
FACE_BAD_REFERENCE = "FACE_BAD_REFERENCE"      # no usable face in the card photo: helper route
FACE_CANCELLED = "FACE_CANCELLED"

# -- guidance hints (FaceResult.hint, progress events) ------------------------------
HINT_NONE = "HINT_NONE"
HINT_MOVE_CLOSER = "HINT_MOVE_CLOSER"
HINT_MORE_LIGHT = "HINT_MORE_LIGHT"
HINT_ONE_PERSON = "HINT_ONE_PERSON"
HINT_LOOK_AT_CAMERA = "HINT_LOOK_AT_CAMERA"
HINT_TURN_LEFT = "HINT_TURN_LEFT"
HINT_TURN_RIGHT = "HINT_TURN_RIGHT"
HINT_FACE_CAMERA_AGAIN = "HINT_FACE_CAMERA_AGAIN"
HINT_ASK_STAFF = "HINT_ASK_STAFF"
HINT_TRY_AGAIN = "HINT_TRY_AGAIN"

# -- device errors (the engine, not the citizen) --------------------------------------
FACE_ENGINE_UNAVAILABLE = ErrorCode(
    "FACE_ENGINE_UNAVAILABLE", Severity.FATAL, Action.MAINTENANCE,
    "face engine cannot load (face_recognition / dlib / models / pkg_resources missing)")
FACE_CONFIG_INVALID = ErrorCode(
    "FACE_CONFIG_INVALID", Severity.FATAL, Action.CONFIGURATION, "face verification config is invalid")
FACE_BUSY = ErrorCode("FACE_BUSY", Severity.WARNING, Action.RETRY, "a face check is already running")

Box = tuple[int, int, int, int]  # (top, right, bottom, left) in pixels, face_recognition's order


@dataclass(frozen=True)
class FaceConfig:
    """Thresholds and time limits; built from ``config/`` with :meth:`from_mapping`.

    ``tolerance`` is the largest accepted Euclidean distance between the card
    photo's and the live face's 128-d encodings. It defaults to 0.5, stricter
    than face_recognition's 0.6: for a 1:1 identity check a false accept hands
    someone else's identity (and their services) to the person at the screen,
    while a false reject only costs a retry or the staffed helper route. Our
    measurement on the test photos (tests/fixtures/faces/README.md): same person 0.31-0.43, other
    people 0.70-1.03. Calibrate on real ID-chip photos vs kiosk captures.
    """
    tolerance: float = 0.5
    too_similar: float = 0.15        # below: the card photo itself (or a copy) is held up
    frames_to_match: int = 3         # best of this many frontal encodings before FACE_NO_MATCH
    min_face_px: int = 80            # face box width at full frame size; smaller -> "move closer"
    detect_scale: float = 0.5        # full-frame HOG runs on the frame scaled by this
    detect_upsample: int = 1
    redetect_every: int = 8          # full-frame detect every N frames (catches a second person)
    track_margin: float = 0.6        # ROI around the last box, as a fraction of its size
    max_box_reuse: int = 3           # frames a lost box may be re-used for landmarks (turned heads)
    many_faces_frames: int = 3       # consecutive frames with >1 face before FACE_MANY_FACES
    landmark_model: str = "small"    # dlib 5-point (public domain); "large" = 68-point, see below
    allow_noncommercial_68_point_model: bool = False  # iBUG 300-W licence: non-commercial only
    liveness: bool = True
    yaw_frontal: float = 0.08        # |yaw proxy| counted as "facing the camera"
    yaw_turn: float = 0.12           # yaw change from the session's frontal frame that counts as a turn
    hold_frames: int = 2             # consecutive frames a turn must be held
    camera_mirrored: bool = False    # True if the camera itself delivers mirrored frames
    recheck_after_liveness: bool = True  # re-match a frontal frame after the turns
    turn_timeout_s: float = 6.0
    no_face_timeout_s: float = 8.0
    total_timeout_s: float = 25.0
    dark_mean: float = 60.0          # mean grey level below which the hint is "more light"

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.too_similar < self.tolerance < 1.2:
            problems.append("need 0 < too_similar < tolerance < 1.2")
        if self.landmark_model not in ("small", "large"):
            problems.append("landmark_model must be 'small' or 'large'")
        if self.landmark_model == "large" and not self.allow_noncommercial_68_point_model:
            problems.append("the 68-point model is non-commercial only: set "
                            "allow_noncommercial_68_point_model = true to opt in")
        if not 0 < self.detect_scale <= 1:
            problems.append("detect_scale must be in (0, 1]")
        if min(self.frames_to_match, self.hold_frames, self.redetect_every, self.many_faces_frames) < 1:
            problems.append("frame counts must be >= 1")
        if problems:
            raise DeviceError(FACE_CONFIG_INVALID, "; ".join(problems))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "FaceConfig":
        """Build from a config table; unknown keys raise ``FACE_CONFIG_INVALID``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DeviceError(FACE_CONFIG_INVALID, f"unknown keys: {', '.join(unknown)}")
        return cls(**dict(data))


@dataclass(frozen=True)
class FaceResult:
    """A decision. Holds no image and no encoding, only codes and numbers."""
    code: str
    hint: str = HINT_NONE
    distance: float | None = None    # best (smallest) distance seen to the card photo
    challenge: tuple[str, ...] = ()  # the head-turn order asked for ("left", "right")
    frames: int = 0                  # frames read
    elapsed_s: float = 0.0           # wall time of the whole check
    decision_s: float | None = None  # first usable frame -> identity decision (detect + encode)
    detail: str = ""
    distances: tuple[float, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return self.code == FACE_MATCH


class FaceEngine(abc.ABC):
    """Detection, 5-point landmarks and 128-d encodings on RGB uint8 frames.

    Implementations are not thread-safe; the verifier calls them from its one worker.
    """

    @abc.abstractmethod
    def load(self) -> None:
        """Load models (seconds). Raises ``DeviceError(FACE_ENGINE_UNAVAILABLE)``."""

    @abc.abstractmethod
    def detect(self, rgb: np.ndarray, upsample: int, scale: float = 1.0) -> list[Box]:
        """Face boxes in ``rgb`` coordinates; detection itself runs on ``rgb`` scaled by ``scale``."""

    @abc.abstractmethod
    def landmarks(self, rgb: np.ndarray, box: Box) -> np.ndarray:
        """Five points ``(5, 2)`` float: four eye corners (rows 0-3), then the nose (row 4)."""

    @abc.abstractmethod
    def encode(self, rgb: np.ndarray, box: Box) -> np.ndarray:
        """The 128-d encoding (float64) of the face in ``box``."""
