# SPDX-License-Identifier: Apache-2.0
"""Biometric data stays in memory and is zeroed at the end of a check."""
from __future__ import annotations

import logging

import numpy as np

from drivers.face.biometric import BiometricStore


def test_face_store_wipe_zeroes_in_place():
    """GIVEN an adopted encoding and a copied frame WHEN wiped THEN both arrays are zeros and dropped."""
    store = BiometricStore()
    encoding = np.random.default_rng(1).random(128)
    frame = np.full((4, 4, 3), 200, np.uint8)
    store.put("enc", encoding)
    held_frame = store.put("frame", frame, copy=True)
    store.wipe()
    assert not encoding.any() and not held_frame.any() and frame.all()  # the copy source is untouched
    assert len(store) == 0 and "wiped" in repr(store)


def test_face_session_wipes_frames_and_logs_no_vectors(verifier_factory, photo, face_frame, clock, caplog):
    """GIVEN a completed check WHEN it returns THEN the frames it was handed are zeroed, the
    result holds only numbers and codes, and the log carries no encoding."""
    frames = [face_frame("obama_2010_blue_room.jpg") for _ in range(3)]
    v = verifier_factory(clock, liveness=False)
    with caplog.at_level(logging.DEBUG):
        result = v.verify(photo("obama_2012_portrait_small.jpg"), iter(frames), timeout=30)
    assert result.passed
    assert not frames[0].any()  # adopted and zeroed
    assert all(isinstance(getattr(result, f), (str, int, float, tuple, type(None)))
               for f in result.__dataclass_fields__)
    assert "[" not in caplog.text  # no array printed
