# SPDX-License-Identifier: Apache-2.0
"""No read without consent: a card lying on the reader at start-up or between sessions is never read.

The kiosk's reader as the composition root makes it (``kiosk.devices.create``: the real serial
backend on the byte-exact simulator's pty), with the card placed BEFORE the reader starts.
"""
from __future__ import annotations

import datetime as dt
import time

import pytest
from idf_helpers import States

from drivers.id_reader import protocol as P
from kiosk import config as config_mod
from kiosk import devices
from kiosk.identity import IdentityService
from kiosk.identity_model import ID_LIFT_AND_PLACE, Step
from kiosk.session import Session


def _no_command_within(sim, commands, seconds):
    """A negative wait: True when none of ``commands`` reached the simulator within ``seconds``
    (the old kiosk sent FIND within one 50 ms poll interval, so a second is ample)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(c in commands for c in list(sim.commands)):
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def lying():
    """The kiosk's reader, made by the composition root, with a card on it before it started."""
    from drivers.registry import open_device
    reader = devices.create("id_reader", {"uri": "sim://?baud=115200&card=resident"})
    open_device(reader)                  # as the composition root's devices thread does
    yield reader
    reader.close()


@pytest.fixture
def service(lying, camera):
    session = Session(90, 20)
    svc = IdentityService(lying, camera, None, session, config_mod.load(), today=lambda: dt.date(2026, 11, 27))
    yield svc, session
    svc.close()


def test_idf_card_lying_at_start_is_not_even_looked_for_before_consent(lying, service):
    """GIVEN a card on the reader as the kiosk starts THEN the reader does not poll: no FIND, no SELECT,
    no READ reaches it while nobody has agreed, and the consent screen shows no lift-and-place line."""
    svc, session = service
    assert lying.poll is False
    assert _no_command_within(lying.simulator, {P.FIND_CARD, P.SELECT_CARD, P.READ_BASE}, 1.0)
    session.go("consent")
    svc.begin()
    assert svc.state.step is Step.CONSENT_CARD and svc.state.code is None
    svc.consent_card(True)
    assert svc.state.code is None and lying.poll is False       # 请先拿起再放下 only after consent
    assert _no_command_within(lying.simulator, {P.FIND_CARD, P.READ_BASE}, 0.5)


def test_idf_card_lying_at_consent_is_never_read_until_lifted_and_placed(lying, service):
    """GIVEN the lying card WHEN the citizen agrees THEN 请先拿起再放下 (ID_LIFT_AND_PLACE), the card is
    never read; WHEN it is lifted and placed again THEN it is read (the masked identity appears)."""
    svc, session = service
    states = States(svc)
    session.go("consent")
    svc.begin()
    svc.consent_card(True)
    svc.consent_face(True)
    states.wait(lambda s: s.step is Step.WAITING_CARD and s.code == ID_LIFT_AND_PLACE, 5)
    assert P.FIND_CARD in lying.simulator.commands
    assert P.SELECT_CARD not in lying.simulator.commands and P.READ_BASE not in lying.simulator.commands
    mark = states.mark()
    lying.simulator.remove_card()
    states.wait(lambda s: s.step is Step.WAITING_CARD and s.code is None, 5, since=mark)
    lying.simulator.place_card("resident")
    # no face engine here: the card is read (masked name shown), then the helper route for the face step
    read = states.wait(lambda s: s.masked_name != "", 5, since=mark)
    assert read.masked_name == "测**例"


def test_idf_card_left_between_sessions_is_not_read_by_the_next_flow(lying, service):
    """GIVEN a card lying there (never read) while a flow is left and another begins THEN it is still not read."""
    svc, session = service
    states = States(svc)
    for _ in range(2):
        session.go("consent")
        svc.begin()
        mark = states.mark()
        svc.consent_card(True)
        svc.consent_face(True)
        states.wait(lambda s: s.step is Step.WAITING_CARD and s.code == ID_LIFT_AND_PLACE, 5, since=mark)
        session.end("finished")
        assert svc.state.step is Step.IDLE
    assert P.READ_BASE not in lying.simulator.commands and P.SELECT_CARD not in lying.simulator.commands
