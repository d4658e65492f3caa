# SPDX-License-Identifier: Apache-2.0
"""手写 recognition with zinnia and Debian's Simplified Chinese model, on recorded stroke sequences.

The strokes (tests/fixtures/strokes/strokes.json) were placed by hand as the polylines a finger
draws, in stroke order, on a 300 × 300 pad: not a person's real handwriting, which the writing
pad's UI test will record. 10 of the 12 are recognised in the top 8 today; 大 and 山, drawn as
crude straight segments, are not.
"""
import json
import time
from pathlib import Path

import pytest

from kiosk.input.handwriting import HandwritingUnavailable, Recognizer

STROKES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "strokes" / "strokes.json")
                     .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def recognizer():
    rec = Recognizer()
    yield rec
    rec.close()


def test_recorded_strokes_are_recognised_among_eight_candidates(recognizer, capsys):
    width, height = STROKES["pad"]
    found, slow = [], []
    for char, strokes in STROKES["characters"].items():
        started = time.perf_counter()
        candidates = [c for c, _score in recognizer.classify(strokes, width, height, 8)]
        slow.append(time.perf_counter() - started)
        assert len(candidates) == 8 and all(len(c) == 1 for c in candidates)
        found.append(char in candidates)
    with capsys.disabled():
        print(f"\n手写: {sum(found)} of {len(found)} recorded characters in the top 8")
    assert sum(found) >= 10


def test_bad_strokes_give_no_candidates_and_no_error(recognizer):
    assert recognizer.classify([], 300, 300) == []
    assert recognizer.classify([[]], 300, 300) == []
    assert recognizer.classify([[(10, 10)]], 0, 300) == []
    wild = recognizer.classify([[(-50, 9e9), (1e6, -3)]], 300, 300, 5)      # clamped to the pad
    assert len(wild) == 5


def test_a_missing_model_or_library_says_which_package(tmp_path):
    with pytest.raises(HandwritingUnavailable) as info:
        Recognizer(model=tmp_path / "none.model")
    assert "tegaki-zinnia-simplified-chinese" in str(info.value)
    with pytest.raises(HandwritingUnavailable) as info:
        Recognizer(library="libzinnia-missing.so.0")
    assert "libzinnia0" in str(info.value)
