# SPDX-License-Identifier: Apache-2.0
"""1:1 verification on the shared photos (liveness off here; see test_face_liveness.py)."""
from __future__ import annotations

import numpy as np
import pytest

from drivers.face import (FACE_BAD_REFERENCE, FACE_MANY_FACES, FACE_MATCH, FACE_NO_FACE, FACE_NO_MATCH,
                          FACE_TOO_SIMILAR, HINT_MOVE_CLOSER, HINT_ONE_PERSON)

CARD = "obama_2012_portrait_small.jpg"  # 320x240, ID-chip sized


@pytest.mark.parametrize("live", ["obama_2010_blue_room.jpg", "obama_2009_joint_session.jpg"])
def test_face_same_person_accepted(verifier_factory, photo, face_frame, clock, live):
    """GIVEN the card photo and a different photo of the same man
    WHEN verified (liveness off; the 2009 photo is mirrored+frontalised only by yaw tolerance)
    THEN FACE_MATCH with a distance well below the 0.5 tolerance."""
    v = verifier_factory(clock, liveness=False, yaw_frontal=0.3)
    result = v.verify(photo(CARD), clock.frames([face_frame(live)] * 5), timeout=30)
    assert result.code == FACE_MATCH, result
    assert result.passed and result.distance < 0.45
    assert result.decision_s is not None


@pytest.mark.parametrize("live,crop_top", [("biden_2010_blue_room.jpg", 1.0),
                                           ("eileen_collins_astronaut.jpg", 0.5)])  # top half: no patch
def test_face_other_people_rejected(verifier_factory, photo, face_frame, clock, live, crop_top):
    """GIVEN Obama's card photo and another person's face
    WHEN verified THEN FACE_NO_MATCH after the best of 3 frames, distance > 0.6."""
    v = verifier_factory(clock, liveness=False, yaw_frontal=0.5)
    result = v.verify(photo(CARD), clock.frames([face_frame(live, crop_top=crop_top)] * 6), timeout=30)
    assert result.code == FACE_NO_MATCH, result
    assert len(result.distances) == 3 and result.distance > 0.6


def test_face_cameraman_never_accepted(verifier_factory, engine, photo, face_frame, clock):
    """GIVEN the cameraman (grey, three-quarter view: borderline for HOG, see the fixtures README)
    WHEN verified THEN never FACE_MATCH (no face or no match), and where HOG finds him
    (enlarged) his encoding is far (> 0.6) from the card's."""
    v = verifier_factory(clock, liveness=False, yaw_frontal=0.5, no_face_timeout_s=0.5)
    result = v.verify(photo(CARD), clock.frames([face_frame("cameraman.png")] * 12), timeout=30)
    assert result.code in (FACE_NO_MATCH, FACE_NO_FACE), result
    cam = photo("cameraman.png")
    boxes = engine.detect(cam, 1, 1.25)
    assert boxes, "HOG found no face in the enlarged cameraman.png: the pinned dlib build changed"
    card = photo(CARD)
    ref = engine.encode(card, engine.detect(card, 1)[0])
    assert float(np.linalg.norm(engine.encode(cam, boxes[0]) - ref)) > 0.6


def test_face_no_face_for_cat(verifier_factory, photo, clock):
    """GIVEN a cat photo in front of the camera WHEN the no-face time limit passes THEN FACE_NO_FACE."""
    from drivers.camera.file_backend import letterbox
    cat = letterbox(photo("chelsea_cat_no_face.png"), (640, 480))
    v = verifier_factory(clock, liveness=False, no_face_timeout_s=1.0)
    result = v.verify(photo(CARD), clock.frames([cat] * 40), timeout=30)
    assert result.code == FACE_NO_FACE and result.hint == HINT_MOVE_CLOSER
    assert result.distance is None and result.frames < 40


def test_face_two_faces_rejected(verifier_factory, photo, clock):
    """GIVEN Obama and Biden side by side WHEN verified THEN FACE_MANY_FACES, hint one person."""
    from drivers.camera.file_backend import letterbox
    two = letterbox(photo("obama_biden_two_faces.jpg"), (640, 480))
    v = verifier_factory(clock, liveness=False)
    result = v.verify(photo(CARD), clock.frames([two] * 10), timeout=30)
    assert result.code == FACE_MANY_FACES and result.hint == HINT_ONE_PERSON


def test_face_card_photo_held_up_is_too_similar(verifier_factory, photo, face_frame, clock):
    """GIVEN the live frame is the card's own photograph (the card held up)
    WHEN verified THEN FACE_TOO_SIMILAR (distance < 0.15), even though it 'matches'."""
    v = verifier_factory(clock, liveness=False)
    result = v.verify(photo(CARD), clock.frames([face_frame("obama_2012_portrait.jpg")] * 5), timeout=30)
    assert result.code == FACE_TOO_SIMILAR, result
    assert result.distance < 0.15


def test_face_card_without_face_is_bad_reference(verifier_factory, photo, face_frame, clock):
    """GIVEN a card 'photo' without a face WHEN verified THEN FACE_BAD_REFERENCE, no frame read."""
    v = verifier_factory(clock, liveness=False)
    result = v.verify(photo("chelsea_cat_no_face.png"), clock.frames([face_frame("obama_2010_blue_room.jpg")]),
                      timeout=30)
    assert result.code == FACE_BAD_REFERENCE and result.frames == 0


def test_face_tracking_uses_few_full_detections(engine, photo, face_frame, clock):
    """GIVEN 12 frames of one face WHEN tracked THEN full-frame detection runs only every redetect_every."""
    from drivers.face import FaceConfig
    from drivers.face.tracking import FaceTracker
    tracker = FaceTracker(engine, FaceConfig(redetect_every=8))
    methods = [tracker.locate(face_frame("obama_2010_blue_room.jpg")).method for _ in range(12)]
    assert methods.count("full") == 2 and methods.count("roi") == 10, methods


def test_face_config_68_point_model_is_opt_in_only():
    """GIVEN the non-commercial 68-point model WHEN asked for without the explicit opt-in
    THEN FACE_CONFIG_INVALID; with the opt-in it is accepted; unknown keys are rejected."""
    from drivers.base import DeviceError
    from drivers.face import FaceConfig
    assert FaceConfig().landmark_model == "small" and FaceConfig().tolerance == 0.5
    with pytest.raises(DeviceError) as caught:
        FaceConfig(landmark_model="large")
    assert caught.value.code == "FACE_CONFIG_INVALID"
    assert FaceConfig.from_mapping({"landmark_model": "large", "allow_noncommercial_68_point_model": True})
    with pytest.raises(DeviceError):
        FaceConfig.from_mapping({"tolerence": 0.4})
