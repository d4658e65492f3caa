# SPDX-License-Identifier: Apache-2.0
"""The demo's face pair (training and demo mode): the card's chip photo and the simulated citizen
in front of the simulated camera, who turns their head when the screen asks.

A pair is five pictures of real people (consenting staff, or public-domain portraits), in a folder (``identity.demo_faces``): ``card``
(the chip photo: the identity worker's reference), ``front``, ``left`` and ``right`` (the same
person, looking at the camera and with the head turned to their own left and right) and ``other``
(another person: the face check fails). Each is letterboxed into the camera's frame.

One pair ships (:data:`SHIPPED`, kiosk/data/demo_faces/, its README gives sources and licences):
built by scripts/make-demo-faces from two public-domain portraits inside PyPI packages (NASA's
Eileen Collins in scikit-image, the US Navy's Grace Hopper in matplotlib). The test fixtures'
photos are not used (tests/fixtures/faces/README.md: tests only). A hall may photograph two
consenting staff members instead (docs/training-and-demo.md).

No Kivy here.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

POSES = ("front", "left", "right", "other")
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "demo_faces"     # identity.demo_faces = ""
SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass
class FacePair:
    card_file: str                                   # the chip photo the worker compares with
    frames: dict[str, np.ndarray] = field(default_factory=dict)     # POSES → camera-size RGB


def _find(folder: Path, stem: str) -> Path:
    for suffix in SUFFIXES:
        if (folder / f"{stem}{suffix}").is_file():
            return folder / f"{stem}{suffix}"
    raise FileNotFoundError(f"{folder}: no {stem}.jpg or {stem}.png")


def letterbox(path: Path, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail(size)
        canvas = Image.new("RGB", size)
        canvas.paste(im, ((size[0] - im.width) // 2, (size[1] - im.height) // 2))
        return np.asarray(canvas, dtype=np.uint8).copy()


def load_pair(folder: str | Path, size: tuple[int, int] = (640, 480)) -> FacePair:
    """The pair in ``folder``. Raises OSError (a file missing or unreadable)."""
    folder = Path(folder)
    card = _find(folder, "card")
    return FacePair(str(card), {pose: letterbox(_find(folder, pose), size) for pose in POSES})


class FaceActor:
    """The simulated citizen: shows ``front`` and turns as the face check asks (``HINT_TURN_*``), or,
    as :attr:`same` is False, another person who never matches the card."""

    def __init__(self, camera, pair: FacePair):
        self.camera, self.pair = camera, pair
        self.same = True
        self._lock = threading.Lock()
        self._pose = ""
        self._show("front")

    def follow(self, identity) -> None:
        identity.subscribe(self.on_state)

    def set_same(self, same: bool) -> None:
        self.same = bool(same)
        self._show("front")

    def on_state(self, state) -> None:
        from drivers.face.interface import HINT_TURN_LEFT, HINT_TURN_RIGHT

        from ..identity_model import Step

        pose = "front"
        if state.step is Step.FACE:
            pose = {HINT_TURN_LEFT: "left", HINT_TURN_RIGHT: "right"}.get(state.hint or "", "front")
        self._show(pose)

    def _show(self, pose: str) -> None:
        pose = pose if self.same else "other"
        with self._lock:
            if pose == self._pose:
                return
            self._pose = pose
        try:
            self.camera.show(self.pair.frames[pose])
        except ValueError as exc:            # a camera of another size: say so once, show nothing
            log.warning("demo faces: %s", exc)


__all__ = ["FaceActor", "FacePair", "POSES", "load_pair"]
