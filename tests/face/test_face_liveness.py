# SPDX-License-Identifier: Apache-2.0
"""Head-turn liveness on synthetic sequences built from real photos.

What the synthetic sequence shows: the yaw proxy and the challenge state
machine respond to *real* head-pose differences (the 2009 photo is a genuinely
turned head; its mirror image is the same head turned the other way), in the
asked order, within the time limits, and a static photo never passes.
What it cannot show: that a real person turns far enough in time, timing of a
real camera, or anything about replayed videos/masks (which this check does
not stop). The frames are different photographs cut together, not a video.
"""
from __future__ import annotations

import random

import pytest

from drivers.face import FACE_LIVENESS_FAILED, FACE_MATCH, FACE_TOO_SIMILAR, HINT_TURN_LEFT, HINT_TURN_RIGHT
from drivers.face.liveness import LEFT, RIGHT, HeadTurnChallenge, direction_sign, random_order

CARD = "obama_2012_portrait_small.jpg"
FRONTAL = "obama_2010_blue_room.jpg"   # yaw proxy ~0.04
TURNED = "obama_2009_joint_session.jpg"  # yaw proxy ~-0.19: nose towards image left = his right


def turn_sequence(face_frame, order):
    """frontal, first turn, frontal, second turn, frontal (unmirrored camera)."""
    turned = {RIGHT: face_frame(TURNED), LEFT: face_frame(TURNED, mirror=True)}
    frontal = face_frame(FRONTAL)
    return [frontal] * 3 + [turned[order[0]]] * 4 + [frontal] * 2 + [turned[order[1]]] * 4 + [frontal] * 4


@pytest.mark.parametrize("order", [(LEFT, RIGHT), (RIGHT, LEFT)])
def test_face_turn_sequence_accepted(verifier_factory, photo, face_frame, clock, order):
    """GIVEN frames that turn the head in the asked order
    WHEN verified with liveness THEN FACE_MATCH, with progress hints in that order."""
    hints = []
    v = verifier_factory(clock)
    result = v.verify(photo(CARD), clock.frames(turn_sequence(face_frame, order)), challenge=order,
                      on_progress=lambda p: hints.append(p["hint"]), timeout=60)
    assert result.code == FACE_MATCH, result
    asked = [h for h in hints if h in (HINT_TURN_LEFT, HINT_TURN_RIGHT)]
    first = HINT_TURN_LEFT if order[0] == LEFT else HINT_TURN_RIGHT
    assert asked and asked[0] == first


def test_face_static_photo_fails_liveness(verifier_factory, photo, face_frame, clock):
    """GIVEN a printed photo held still (the same frontal frame over and over)
    WHEN the challenge runs THEN FACE_LIVENESS_FAILED after the turn time limit."""
    v = verifier_factory(clock, turn_timeout_s=1.5)
    result = v.verify(photo(CARD), clock.frames([face_frame(FRONTAL)] * 60), challenge=(LEFT, RIGHT), timeout=60)
    assert result.code == FACE_LIVENESS_FAILED, result
    assert result.distance is not None and result.distance < 0.5  # identity matched; liveness did not
    assert "no head turn" in result.detail


def test_face_wrong_direction_fails(verifier_factory, photo, face_frame, clock):
    """GIVEN the head turns right, then left WHEN 'left' was asked first and only one turn each way
    happens THEN the challenge does not complete: FACE_LIVENESS_FAILED."""
    frames = turn_sequence(face_frame, (RIGHT, LEFT))[:9] + [face_frame(FRONTAL)] * 30
    v = verifier_factory(clock, turn_timeout_s=1.0)
    result = v.verify(photo(CARD), clock.frames(frames), challenge=(LEFT, RIGHT), timeout=60)
    assert result.code == FACE_LIVENESS_FAILED, result


def test_face_card_held_up_rejected_before_liveness(verifier_factory, photo, face_frame, clock):
    """GIVEN the card's own photo shown to the camera WHEN verified with liveness
    THEN FACE_TOO_SIMILAR at once (no challenge needed)."""
    v = verifier_factory(clock)
    result = v.verify(photo(CARD), clock.frames([face_frame("obama_2012_portrait.jpg")] * 5), timeout=60)
    assert result.code == FACE_TOO_SIMILAR and result.frames == 1


def test_face_yaw_proxy_signs(engine, face_frame):
    """GIVEN the turned photo and its mirror WHEN the 5-point yaw proxy is taken
    THEN opposite signs of > 0.12, and the frontal photo is within +-0.08."""
    from drivers.face.liveness import yaw_proxy

    def yaw(frame):
        return yaw_proxy(engine.landmarks(frame, engine.detect(frame, 1)[0]))
    assert abs(yaw(face_frame(FRONTAL))) < 0.08
    assert yaw(face_frame(TURNED)) < -0.12 < 0.12 < yaw(face_frame(TURNED, mirror=True))


def test_face_challenge_order_is_random_and_pure():
    """GIVEN many challenges WHEN drawn THEN both orders occur; the state machine needs the asked sign."""
    orders = {random_order(random.Random(seed)) for seed in range(20)}
    assert orders == {(LEFT, RIGHT), (RIGHT, LEFT)}
    assert direction_sign(LEFT, mirrored=False) == 1 and direction_sign(LEFT, mirrored=True) == -1
    ch = HeadTurnChallenge((LEFT, RIGHT), threshold=0.1, hold_frames=2, step_timeout_s=1.0)
    ch.start(0.0, now=0.0)
    for t, yaw in enumerate([0.0, -0.2, -0.2, 0.15, 0.15, 0.0, -0.15, -0.15]):
        ch.feed(yaw, now=t * 0.1)
    assert ch.done and not ch.failed
    ch.start(0.0, now=0.0)
    ch.feed(0.0, now=2.0)
    assert ch.failed
