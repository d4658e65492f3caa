# SPDX-License-Identifier: Apache-2.0
"""The shipped demo face pair (kiosk/data/demo_faces, public-domain portraits from PyPI packages;
its README): the real face engine matches the chip photo with the camera frames, takes the
warped head turns as turns in either asked order, and refuses the other person.
The UI walk in --simulate is tests/identity/test_idf_sim_panel.py."""
from __future__ import annotations

import numpy as np
import pytest

from drivers.face import FACE_MATCH, FACE_NO_MATCH
from drivers.face.liveness import LEFT, RIGHT
from kiosk.ops.sim_faces import SHIPPED, load_pair


@pytest.fixture(scope="module")
def pair():
    from drivers.camera.file_backend import load_rgb
    p = load_pair(SHIPPED)
    return load_rgb(p.card_file), p.frames


def _sequence(frames, order):
    f = frames["front"]
    return [f] * 3 + [frames[order[0]]] * 4 + [f] * 2 + [frames[order[1]]] * 4 + [f] * 4


@pytest.mark.parametrize("order", [(LEFT, RIGHT), (RIGHT, LEFT)])
def test_the_demo_pair_matches_with_head_turns(verifier_factory, clock, pair, order):
    card, frames = pair
    v = verifier_factory(clock)
    result = v.verify(card.copy(), clock.frames([x.copy() for x in _sequence(frames, order)]),
                      challenge=order, timeout=60)
    assert result.code == FACE_MATCH, result
    assert 0.15 < result.distance < 0.45          # a match, and not refused as the card held up


def test_the_demo_pairs_other_person_does_not_match(verifier_factory, clock, pair):
    card, frames = pair
    v = verifier_factory(clock)
    result = v.verify(card.copy(), clock.frames([frames["other"].copy()] * 10), challenge=(LEFT, RIGHT), timeout=60)
    assert result.code == FACE_NO_MATCH, result
    assert result.distance > 0.6


def test_the_shipped_files_are_the_documented_ones():
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in SHIPPED.glob("*.jpg")) == ["card.jpg", "front.jpg", "left.jpg", "other.jpg", "right.jpg"]
    for source in ("skimage/data/astronaut.png", "grace_hopper.jpg", "public domain", "17 U.S.C. § 105"):
        assert source in readme
    assert np.asarray(load_pair(SHIPPED).frames["front"]).shape == (480, 640, 3)
