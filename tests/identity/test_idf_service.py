# SPDX-License-Identifier: Apache-2.0
"""The identity service on the real simulated reader (pty) and the real face engine."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from idf_helpers import OTHER, States
from waiting import wait_for

from drivers.id_reader import protocol as P
from drivers.id_reader.sim_cards import SimCard, demo_card
from drivers.id_reader.textblock import encode_text_block
from kiosk import config as config_mod
from kiosk.identity import IdentityService
from kiosk.identity_model import (HELP_DECLINED, HELP_FACE_DECLINED, HELP_FACE_FAILED, HELP_FACE_UNAVAILABLE,
                                  ID_CARD_MOVED, ID_CHECK_DIGIT, ID_EXPIRED, ID_NO_CARD, ID_READER_UNAVAILABLE,
                                  Step)
from kiosk.session import Session

TODAY = dt.date(2026, 11, 27)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def make_service(reader, camera):
    made = []

    def make(verifier=None, reader_=None, **kwargs):
        clock = FakeClock()
        session = Session(90, 20, clock=clock)
        session.go("item", id="x")
        cfg = config_mod.load().with_overrides(**{"identity.card_timeout_seconds": 30})
        svc = IdentityService(reader_ or reader, camera, verifier, session, cfg, clock,
                              today=lambda: TODAY, face_challenge=("left", "right"), **kwargs)
        made.append(svc)
        session.go("consent")
        svc.begin()
        return svc, session, States(svc)
    yield make
    for svc in made:
        svc.close()


def agree(svc, face=True):
    svc.consent_card(True)
    svc.consent_face(face)
    if face and hasattr(svc.reader, "wait_fresh_check"):   # a card placed before the first probe is "lying"
        assert svc.reader.wait_fresh_check(3)


def failing_decoder(_card):
    from drivers.base import DeviceError
    from drivers.id_reader import errors
    raise DeviceError(errors.IDR_PHOTO_UNAVAILABLE, "no vendor library")


@pytest.mark.parametrize("card_ok, face_ok, reason", [(False, None, HELP_DECLINED),
                                                      (True, False, HELP_FACE_DECLINED)])
def test_idf_declining_consent_takes_the_helper_route_and_reads_nothing(make_service, reader, card_ok,
                                                                        face_ok, reason):
    """GIVEN the consent screen WHEN the citizen declines reading (or the face check)
    THEN the helper route with that reason, and no card is read even if one is placed."""
    svc, session, states = make_service()
    svc.consent_card(card_ok)
    if face_ok is not None:
        svc.consent_face(face_ok)
    assert svc.state.step is Step.HELPER and svc.state.reason == reason
    assert session.route.screen == "identity_help" and session.route.params == {"reason": reason}
    reader.simulator.place_card("resident")
    assert reader.rounds.wait(6)          # five rounds of the reader's thread with the card there
    assert P.READ_BASE not in reader.simulator.commands and session.identity is None
    assert "waiting_card" not in states.steps()


def test_idf_card_then_face_gives_a_masked_identity(make_service, verifier_for, camera, card_photo,
                                                    turn_frames):
    """GIVEN both consents WHEN the card is placed and the same person turns as asked
    THEN identified: session.identity shows only masked fields, the route is 'identified'."""
    camera.set_frames(turn_frames(("left", "right")))
    svc, session, states = make_service(verifier_for(), photo_decoder=card_photo)
    agree(svc)
    assert session.route.screen == "idcard" and svc.state.step is Step.WAITING_CARD
    svc.reader.simulator.place_card("resident")
    read = states.wait("card_read", 5)
    assert (read.masked_name, read.masked_number, read.card_type_text) == ("测**例", "1100**********0013", "居民身份证")
    states.wait("face", 5)
    done = states.wait("identified", 40)
    assert "reading" in states.steps() and done.challenge == ("left", "right")
    turns = [s.turn for s in states.seen if s.turn]
    assert turns[0] == "left" and "right" in turns and done.turn is None   # the screen's big words
    ident = session.identity
    assert ident.face_verified and ident.masked_name == "测**例" and ident.masked_number == "1100**********0013"
    assert "测试样例" not in repr(ident) and session.route.screen == "identified"
    assert svc.preview.size is None            # the preview frame is gone once decided
    session.back()                               # 继续办理: back where the citizen came from
    assert session.route.screen == "item" and session.identity is ident


def test_idf_expired_card_is_refused_and_wiped(make_service, reader):
    """GIVEN the fictitious card whose validity ended 2020-03-01 WHEN placed THEN ID_EXPIRED, card wiped."""
    cards = []
    reader.subscribe(lambda e: e.kind == "card_inserted" and cards.append(e.data["card"]))
    svc, session, states = make_service()
    agree(svc)
    reader.simulator.place_card("expired")
    err = states.wait("card_error", 5)
    assert err.code == ID_EXPIRED and cards and cards[0].number == "" and cards[0].name == ""
    assert session.route.screen == "idcard"
    svc.retry()                                   # the card still lies there: lift it and place again
    assert svc.state.step is Step.WAITING_CARD and svc.state.code == "ID_LIFT_AND_PLACE"
    reader.simulator.remove_card()
    states.wait(lambda s: s.step is Step.WAITING_CARD and s.code is None, 5)


def test_idf_wrong_check_digit(make_service, reader):
    svc, _session, states = make_service()
    agree(svc)
    bad = dataclasses.replace(demo_card("resident"), number="110000199001010014")
    reader.simulator.place_card(SimCard(encode_text_block(bad), bad.photo_wlt))
    assert states.wait("card_error", 5).code == ID_CHECK_DIGIT


def test_idf_card_moved_mid_read_then_read(make_service, reader):
    """GIVEN the card moves during the read (SW3 0x41) WHEN the reader retries by itself
    THEN 'card moved' first, then the card is read; no photo decoder → helper (face impossible)."""
    svc, session, states = make_service(photo_decoder=failing_decoder)
    agree(svc)
    reader.simulator.fail_next(0x41, command=P.READ_BASE)
    reader.simulator.place_card("resident")
    assert states.wait("card_error", 5).code == ID_CARD_MOVED
    states.wait("card_read", 5)
    assert states.wait("helper", 5).reason == HELP_FACE_UNAVAILABLE
    assert session.route.params == {"reason": HELP_FACE_UNAVAILABLE}


def test_idf_reader_unplugged_and_back(make_service, reader):
    svc, _session, states = make_service()
    agree(svc)
    reader.simulator.unplug()
    assert states.wait("card_error", 5).code == ID_READER_UNAVAILABLE
    mark = states.mark()
    reader.simulator.replug()
    states.wait("waiting_card", 5, since=mark)
    reader.simulator.place_card("resident")
    states.wait("card_read", 5)


def test_idf_missing_reader_says_unavailable_at_once(make_service):
    from drivers.id_reader import open_reader
    broken = open_reader("id_reader", "nope://")
    svc, _session, _states = make_service(reader_=broken)
    agree(svc)
    assert svc.state.step is Step.CARD_ERROR and svc.state.code == ID_READER_UNAVAILABLE


def test_idf_no_card_in_time_then_retry(make_service):
    svc, _session, _states = make_service()
    agree(svc)
    svc.clock.now += 29
    svc.tick()
    assert svc.state.step is Step.WAITING_CARD
    svc.clock.now += 1
    svc.tick()
    assert svc.state.code == ID_NO_CARD
    svc.retry()
    assert svc.state.step is Step.WAITING_CARD


def test_idf_three_face_failures_take_the_helper_route(make_service, verifier_for, camera, card_photo,
                                                       face_frame, reader):
    """GIVEN another person at the camera WHEN three face tries fail (再试一次 double-tapped)
    THEN the helper route after exactly three; the card is wiped and the card photo zeroed."""
    cards = []
    reader.subscribe(lambda e: e.kind == "card_inserted" and cards.append(e.data["card"]))
    svc, session, states = make_service(verifier_for(yaw_frontal=0.5), photo_decoder=card_photo)
    other = face_frame(OTHER)
    camera.set_frames([other.copy() for _ in range(4)])
    agree(svc)
    reader.simulator.place_card("resident")
    for left in (2, 1):
        failed = states.wait(lambda s, n=left: s.step is Step.FACE_FAILED and s.tries_left == n, 30)
        assert failed.code == "FACE_NO_MATCH" and session.route.screen == "face"
        camera.set_frames([other.copy() for _ in range(4)])
        svc.retry()
        svc.retry()                                   # a double tap is one try, not two
    helper = states.wait("helper", 30)
    assert helper.reason == HELP_FACE_FAILED and session.route.screen == "identity_help"
    assert session.identity is None and cards[0].number == "" and not card_photo.given[0].any()


def test_idf_next_card_is_read_after_a_card_was_left_on_the_reader(make_service, reader):
    """GIVEN a flow that ended (helper route) with the card left on the reader
    WHEN it is taken away and another card placed in a new flow THEN that card is read."""
    svc, session, states = make_service(photo_decoder=failing_decoder)
    agree(svc)
    reader.simulator.place_card("resident")
    states.wait("helper", 5)
    reader.simulator.remove_card()
    wait_for(lambda: not reader.poll, 5, "the removal registers, then polling stops")
    session.go("consent")
    svc.begin()
    mark = states.mark()
    agree(svc)
    reader.simulator.place_card("foreigner2023")
    assert states.wait("card_read", 5, since=mark).card_type_text == "外国人永久居留身份证"


def test_idf_leaving_the_flow_wipes_and_stops_reading(make_service, reader):
    svc, session, _states = make_service()
    agree(svc)
    assert reader.poll is True
    session.home()
    assert svc.state.step is Step.IDLE and reader.poll is False
    reader.simulator.place_card("resident")
    assert reader.rounds.wait(6)          # five rounds of the reader's thread with the card there
    assert P.READ_BASE not in reader.simulator.commands


def test_idf_the_log_filter_masks_the_read_name_until_the_identity_ends(make_service, reader, caplog):
    """GIVEN a card read in the flow THEN a log line that (wrongly) quoted the name shows 测**例;
    WHEN the citizen leaves (首页) THEN the filter no longer holds the name (it could not be zeroed)."""
    from kiosk import logfilter
    svc, session, states = make_service()
    agree(svc)
    reader.simulator.place_card("resident")
    states.wait("card_read", 5)
    line = logfilter.mask("citizen 测试样例 at the desk")
    assert line == "citizen 测**例 at the desk"
    session.home()
    assert svc.state.step is Step.IDLE
    assert logfilter.mask("测试样例") == "测试样例" and not logfilter._names


def test_idf_the_card_taken_after_the_reader_came_back_during_the_face_check_ends_the_identity(
        make_service, reader, verifier_for, camera, card_photo, face_frame, turn_frames):
    """GIVEN the card read and the face check waiting for a turn WHEN the reader stops answering (a
    loaded machine, a loose cable) and comes back, the card still on it, and the face check then
    passes THEN taking the card still ends the identity (the reader's loss counted as the card's
    removal, and the reader was no longer watched: the citizen walked away identified)."""
    from drivers.base import DeviceState
    from idf_helpers import FRONTAL

    turning = turn_frames(("left", "right"))          # made now: the face engine is not for two threads
    camera.show(face_frame(FRONTAL))                 # someone in front of the camera, not turning yet
    svc, session, states = make_service(verifier_for(turn_timeout_s=60.0, total_timeout_s=90.0),
                                        photo_decoder=card_photo)
    agree(svc)
    reader.simulator.place_card("resident")
    states.wait(lambda s: s.step is Step.FACE and s.turn, 20)
    reader.simulator.set_silent(True)                # the reader stops answering
    wait_for(lambda: reader.state in (DeviceState.FAULT, DeviceState.ABSENT), 20, "the reader given up")
    reader.simulator.set_silent(False)
    wait_for(lambda: reader.state is DeviceState.READY, 20, "the reader back")
    camera.show(None)
    camera.set_frames(turning)
    states.wait("identified", 40)
    assert session.identity is not None
    reader.simulator.remove_card()
    wait_for(lambda: session.identity is None, 10, "the session ends when the card is taken")
    assert session.route.screen != "identified"
