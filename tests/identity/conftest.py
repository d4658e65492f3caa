# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the identity flow: the real simulated reader on its pty, the real face engine.

The face fixtures (shared photos, one loaded engine, ``face_frame``) come from
tests/face/conftest.py and the Kivy window/app harness from tests/ui/conftest.py:
both files are loaded by path under their own module names, so the helpers stay
in one place. Loading the UI file only sets Kivy's environment; Kivy itself is
imported when a UI fixture is first used.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from idf_helpers import CARD_PHOTO, FRONTAL, TURNED, load_by_path

TESTS = Path(__file__).resolve().parents[1]





_face = load_by_path("idf_face_harness", TESTS / "face" / "conftest.py")
_ui = load_by_path("idf_ui_harness", TESTS / "ui" / "conftest.py")

faces_dir, engine, photo, face_frame = _face.faces_dir, _face.engine, _face.photo, _face.face_frame
kivy_window, kiosk_cache, make_ui = _ui.kivy_window, _ui.kiosk_cache, _ui.make_ui

# fast polling with the driver's own answer budgets: no test here needs a budget to run out, and one
# that a loaded machine misses would cost a retry or turn into a wrong error
FAST = dict(poll_interval=0.03, removal_hold=0.08, plug_hold=0.08)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/identity/test_idf_ui" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.ui)


@pytest.fixture
def reader():
    """The real serial backend on the byte-exact simulator (115200 baud wire pacing)."""
    from drivers.id_reader import open_reader
    r = open_reader("id_reader", "sim://?baud=115200", **FAST)
    yield r
    r.close()


@pytest.fixture
def worker_reader():
    """The kiosk's own reader: the identity worker's proxy (kiosk.devices builds it), its simulator
    here, the serial backend in a worker process started per session."""
    from drivers.registry import open_device
    from kiosk import devices
    r = open_device(devices.create("id_reader", {"uri": "sim://?baud=115200"}))
    # FAST polling, with the driver's own answer time limits: the simulator answers from this (busy, Kivy)
    # process to another one, and a time limit that a loaded machine misses turns into a wrong error
    r.opts.update(FAST)
    yield r
    r.close()


@pytest.fixture
def camera():
    from drivers.camera import make_camera
    cam = make_camera("camera", "sim://")
    yield cam
    cam.close()


@pytest.fixture
def verifier_for(engine):
    from drivers.face import FaceConfig, FaceVerifier
    made = []

    def make(**overrides):
        v = FaceVerifier("face", FaceConfig(**{"total_timeout_s": 30.0, **overrides}), engine=engine)
        v.open()
        made.append(v)
        return v
    yield make
    for v in made:
        v.close()


@pytest.fixture
def card_photo(photo):
    """The seam: the reader's test decoder makes no real face, so the 'chip photo' is a fixture face."""
    given = []

    def decode(_card):
        given.append(photo(CARD_PHOTO))
        return given[-1]
    decode.given = given
    return decode


@pytest.fixture
def turn_frames(face_frame):
    """frontal, first turn, frontal, second turn, frontal: passes liveness for ``order``."""
    def make(order=("left", "right")):
        turned = {"right": face_frame(TURNED), "left": face_frame(TURNED, mirror=True)}
        frontal = face_frame(FRONTAL)
        seq = [frontal] * 3 + [turned[order[0]]] * 4 + [frontal] * 2 + [turned[order[1]]] * 4 + [frontal] * 4
        return [f.copy() for f in seq]   # the verifier adopts and zeroes each frame it reads
    return make
