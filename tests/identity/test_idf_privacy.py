# SPDX-License-Identifier: Apache-2.0
"""Session end erases everything the identity flow held: memory, logs, disk. Config keys."""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import time
from pathlib import Path

import pytest
from idf_helpers import (States, files_containing, fresh_card, live_bytes_containing, live_strings_matching,
                         needles)
from waiting import wait_for

from kiosk import config as config_mod
from kiosk.identity import IdentityService
from kiosk.identity_model import Step
from kiosk.session import Session

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def build(reader, camera, verifier, card_photo, clock):
    session = Session(90, 20, clock=clock)
    svc = IdentityService(reader, camera, verifier, session, config_mod.load(), clock,
                          photo_decoder=card_photo, today=lambda: dt.date(2026, 11, 27),
                          face_challenge=("right", "left"))
    session.go("consent")
    svc.begin()
    svc.consent_card(True)
    svc.consent_face(True)
    assert reader.wait_fresh_check(3)     # a card placed before the first probe would be "lying there"
    return svc, session


def test_idf_session_timeout_erases_identity_photo_frames_everywhere(reader, camera, verifier_for, card_photo,
                                                                      turn_frames, caplog, tmp_path):
    """GIVEN a citizen identified with a card whose name/number exist nowhere else
    WHEN the session times out THEN the identity, card, photo, frames and encodings are erased:
    no live object holds the clear name or number (as str, or encoded in bytes), no log line and no
    new file contains them."""
    started = time.time() - 1
    card, digests = fresh_card(seed=int(time.time()))
    clear_bytes = needles(card)
    camera.set_frames(turn_frames(("right", "left")))
    clock = FakeClock()
    with caplog.at_level(logging.DEBUG):
        svc, session = build(reader, camera, verifier_for(), card_photo, clock)
        states = States(svc)
        reader.simulator.place_card(card)   # the simulator keeps UCS-2 bytes only
        card.wipe()
        del card
        states.wait("identified", 40)
        ident = session.identity
        inner_card, photo, check = ident.card, card_photo.given[0], ident._face_check
        assert photo.any() and live_strings_matching(digests) == ["name", "number"]   # the scans work:
        assert live_bytes_containing(clear_bytes)       # the simulator's card still holds UCS-2 text
        reader.simulator.remove_card()
        clock.now += 90
        session.tick()                      # idle → countdown
        clock.now += 20
        session.tick()                      # countdown over → end("timeout")
    assert session.identity is None and ident.wiped and svc.state.step is Step.IDLE
    assert inner_card.number == "" and inner_card.name == "" and inner_card.photo_wlt == b""
    assert not photo.any() and check._session.store.wiped and len(check._session.store) == 0
    assert svc.preview.size is None and ident.masked_name == ""
    del inner_card, ident
    assert live_strings_matching(digests) == []
    assert live_bytes_containing(clear_bytes) == []     # UTF-8 / UCS-2 copies (frames, buffers) gone too
    log_text = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(n in log_text.encode("utf-8") for n in clear_bytes)
    assert "identity: identified" in log_text           # the log did record the flow (masked)
    roots = [Path(tempfile.gettempdir()), tmp_path, ROOT / "test-output",
             Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))]
    assert files_containing(clear_bytes, roots, started) == []


def test_idf_session_end_during_the_face_check_cancels_and_zeroes(reader, camera, verifier_for, card_photo):
    """GIVEN the face check running (nobody in front of the camera) WHEN the citizen presses 结束
    THEN the check is cancelled, its frames/encodings and the card photo are zeroed, the card wiped."""
    cards = []
    reader.subscribe(lambda e: e.kind == "card_inserted" and cards.append(e.data["card"]))
    svc, session = build(reader, camera, verifier_for(), card_photo, FakeClock())
    states = States(svc)
    reader.simulator.place_card("resident")
    states.wait(lambda s: s.step is Step.FACE and s.hint is not None, 20)
    check = svc._check
    session.end("finished")
    assert check.future.result(10).code == "FACE_CANCELLED"
    assert not card_photo.given[0].any() and cards[0].number == "" and check._session.store.wiped
    assert svc.state.step is Step.IDLE and svc.preview.size is None
    assert reader.poll is True            # the card still lies there: watched (not re-read) until taken
    reader.simulator.remove_card()
    wait_for(lambda: not reader.poll, 5, "the removal registers, then polling stops")


def test_idf_config_keys_defaults_and_ranges(tmp_path):
    cfg = config_mod.load()
    assert (cfg["identity.card_timeout_seconds"], cfg["identity.face_timeout_seconds"],
            cfg["identity.face_tries"], cfg["identity.face_tolerance"]) == (60, 30, 3, 0.5)
    for text in ("face_tries = 6", "face_tolerance = 0.7", "face_tolerance = 0.2", "card_timeout_seconds = 5",
                 "face_tries = true", "colour = 1"):
        admin = tmp_path / "kiosk.toml"
        admin.write_text(f"[identity]\n{text}\n", encoding="utf-8")
        with pytest.raises(config_mod.ConfigError) as info:
            config_mod.load(admin)
        assert "identity." in str(info.value)
    admin.write_text("[identity]\nface_tries = 5\nface_tolerance = 0.35\n", encoding="utf-8")
    ok = config_mod.load(admin)
    assert ok["identity.face_tries"] == 5 and ok["identity.face_tolerance"] == 0.35


def test_idf_build_identity_wires_the_configured_devices(tmp_path):
    """GIVEN the default (sim://) config WHEN build_identity runs THEN kiosk.identity uses those devices,
    and the face engine loads only when a citizen starts the flow (not at start-up)."""
    from drivers.registry import open_device
    from kiosk.identity import build_identity
    cfg = config_mod.load().with_overrides(**{"identity.face_tries": 2})

    class K:
        config = cfg
        session = Session(90, 20)
    kiosk = K()
    svc = build_identity(kiosk)
    try:
        assert kiosk.identity is svc and svc.face_tries == 2 and svc.reader.state.value == "absent"
        open_device(svc.reader)           # the kiosk opens every device on its devices thread
        assert svc.reader.state.value == "ready"
        assert svc.verifier.config.tolerance == 0.5 and svc.verifier.config.total_timeout_s == 30
        assert svc.reader.poll is False and svc.verifier.state.value == "absent"   # nothing loaded at start-up
        kiosk.session.go("consent")
        svc.begin()                       # the citizen reads the consent text: the engine loads meanwhile
        wait_for(lambda: svc.verifier.state.value == "ready", 30, "the face engine loaded")
    finally:
        svc.close()
        svc.reader.close()
        svc.verifier.close()
