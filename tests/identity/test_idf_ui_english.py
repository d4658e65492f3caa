# SPDX-License-Identifier: Apache-2.0
"""The identity screens in English (issue 13), on the simulated reader, the scripted camera and the
real face engine: no kiosk-made Chinese, nothing overflowing or cut, and a foreigner's permanent
residence card turns the session to English by itself.

Screenshots: test-output/screenshots/en-identity-*.png. The citizen's masked name is theirs (it
may be hanzi) and the hall's words are the hall's: both are allowed, nothing else.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from idf_helpers import load_by_path
from test_idf_ui import flow, tap_id, texts, wait_screen  # noqa: F401 - flow is a fixture


pytestmark = pytest.mark.ui



english = load_by_path("idf_english", Path(__file__).resolve().parents[1] / "ui" / "english.py")


def assert_english(ui, shot=None, large=False):
    ui.frames(3)
    if shot:
        ui.screenshot(shot)
    ib = ui.app.screens["consent"].ib
    allowed = english.hall_words(ui.kiosk.config) + [ui.app.ui.identity_text, ib.masked_name]
    bad = english.leftover_chinese(ui.app.root, [a for a in allowed if a])
    assert not bad, (shot, ui.app.manager.current, bad)
    over = sys.modules["idf_ui_harness"].overflowing(ui.app.root)
    assert not over, (shot, ui.app.manager.current, large, over)
    assert not english.cut_words(ui.app.root), (shot, large, english.cut_words(ui.app.root))


def test_en_identity_card_face_identified(flow, camera, turn_frames):
    """GIVEN the consent screen WHEN EN is tapped in the bar and the citizen agrees twice, places
    a resident card and turns as asked THEN every step reads in English, the identity masked."""
    ui, svc, _states = flow()
    tap = [b for b in ui.app.root.walk(restrict=True) if getattr(b, "text", "") == "EN"]
    assert tap, "no EN button in the bar"
    ui.tap(tap[0])
    assert ui.app.ui.language == "en" and "Step 1 of 2" in texts(ui)
    assert_english(ui, "en-identity-consent-card")
    tap_id(ui, "agree_btn")
    assert "Step 2 of 2" in texts(ui)
    assert_english(ui, "en-identity-consent-face")
    tap_id(ui, "agree_btn")
    wait_screen(ui, "idcard")
    assert svc.reader.wait_fresh_check(3)
    assert "Place your ID card on the reader" in texts(ui)
    assert_english(ui, "en-identity-idcard")
    seq = turn_frames(("left", "right"))
    camera.set_frames(seq[:3] + [seq[0].copy() for _ in range(5)])
    svc.reader.simulator.place_card("resident")
    wait_screen(ui, "face", 10)
    ui.wait_until(lambda: "Turn your head left" in texts(ui) or "turn left" in texts(ui), 20)
    assert_english(ui, "en-identity-face-turn")
    camera.set_frames(seq[3:])
    wait_screen(ui, "identified", 40)
    shown = texts(ui)
    assert "Identity confirmed" in shown and "Resident ID card" in shown and "1100**********0013" in shown
    assert_english(ui, "en-identity-identified")
    ui.kiosk.session.end("finished")
    ui.frames(2)
    assert ui.app.ui.language == "zh"


def test_a_foreign_residence_card_switches_to_english(flow, camera):
    """GIVEN a Chinese session WHEN a foreigner's permanent residence card is read THEN the session
    is in English (the card-read step says so in English); 中文 in the bar switches back and stays."""
    ui, svc, _states = flow()
    tap_id(ui, "agree_btn")
    tap_id(ui, "agree_btn")
    wait_screen(ui, "idcard")
    assert svc.reader.wait_fresh_check(3)
    assert ui.app.ui.language == "zh"
    svc.reader.simulator.place_card("foreigner2023")
    ui.wait_until(lambda: ui.app.ui.language == "en", 15)
    ui.wait_until(lambda: ui.app.manager.current in ("idcard", "face"), 5)
    assert "Foreign Permanent Resident ID Card" in texts(ui) or ui.app.manager.current == "face"
    assert_english(ui, "en-identity-foreign-card")
    chinese = [b for b in ui.app.root.walk(restrict=True) if getattr(b, "text", "") == "中文"]
    ui.tap(chinese[0])
    ui.frames(3)
    assert ui.app.ui.language == "zh"
    from kiosk.identity_model import IdentityState, Step
    ui.app.screens["idcard"].ib._apply(IdentityState(Step.CARD_READ, card_type_text="外国人永久居留身份证"))
    ui.frames(2)
    assert ui.app.ui.language == "zh"                              # the citizen's choice stands


@pytest.mark.parametrize("large", [False, True])
def test_en_every_identity_state_reads_in_english(flow, large):
    """Each identity screen's longest texts, in English, normal and large text: no Chinese,
    nothing overflowing, no word cut."""
    from kiosk.identity_model import IdentityState, Step
    ui, _svc, _states = flow()
    ui.kiosk.session.set_language("en")
    if large:
        ui.kiosk.session.set_large_text(True)
    ui.frames(3)
    bridge = ui.app.screens["consent"].ib
    cases = [("consent", IdentityState(Step.CONSENT_CARD)), ("consent", IdentityState(Step.CONSENT_FACE)),
             ("idcard", IdentityState(Step.WAITING_CARD)),
             ("idcard", IdentityState(Step.CARD_ERROR, code="ID_CARD_MOVED")),
             ("idcard", IdentityState(Step.CARD_ERROR, code="ID_EXPIRED")),
             ("idcard", IdentityState(Step.CARD_READ, masked_name="欧阳**明", card_type_text="港澳台居民居住证")),
             ("face", IdentityState(Step.FACE_FAILED, code="FACE_LIVENESS_FAILED", tries_left=2)),
             ("face", IdentityState(Step.FACE, hint="HINT_MORE_LIGHT", challenge=("right", "left"))),
             ("face", IdentityState(Step.FACE, turn="left", challenge=("left", "right"))),
             ("identity_help", IdentityState(Step.HELPER, reason="HELP_FACE_UNAVAILABLE")),
             ("identity_help", IdentityState(Step.HELPER, reason="HELP_DECLINED"))]
    for n, (route, state) in enumerate(cases):
        ui.kiosk.session.replace(route, **({"reason": state.reason} if state.reason else {}))
        ui.frames(2)
        bridge._apply(state)
        assert_english(ui, f"en-identity-{'large-' if large else ''}{n}-{state.step.value}", large)
