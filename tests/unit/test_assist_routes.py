# SPDX-License-Identifier: Apache-2.0
"""The routing rules of 呼叫帮办 (kiosk/assist_routes.py), without Kivy, network or clock."""
from __future__ import annotations

import itertools

import pytest

from kiosk.assist.status import ACTIVE, STATES, CallState
from kiosk.assist.status import WAITING as SERVICE_WAITING
from kiosk.assist_routes import (CALL, CALL_SCREENS, CONNECTED, CONSENT, FALLBACK, OVER, WAIT, WAITING,
                                 CallView, Step, call_screen, follow, open_screen, overlays)

SCREENS = CALL_SCREENS + ("home", "search", "item", "rate")
VIEWS = [CallView(w, c, h) for w, c, h in itertools.product((False, True), repeat=3)]


def test_the_words_are_the_service_states():
    """The module names the states by their words (no assist import without a hub): the same
    set as kiosk.assist.status.CallState, the waiting ones the same."""
    assert set(WAITING) == set(SERVICE_WAITING)
    assert set(WAITING) | {CONNECTED} == set(ACTIVE)
    assert set(WAITING) | {CONNECTED} | set(OVER) | {"idle", "ended"} == set(STATES)
    assert all(CallState(word) == word for word in (*WAITING, CONNECTED, *OVER))


# (state, screen, view before) -> (view after, steps)
CASES = [
    # the citizen agreed: the request goes out, the consent screen becomes the wait screen
    ("requesting", CONSENT, CallView(), CallView(waiting=True), [Step.SHOW_WAIT]),
    # waiting while browsing: no screen change (the banner shows)
    ("queued", "search", CallView(waiting=True), CallView(waiting=True), []),
    ("ringing", WAIT, CallView(waiting=True), CallView(waiting=True), []),
    # a helper answers, from the wait screen or while browsing
    ("connected", WAIT, CallView(waiting=True), CallView(in_call=True), [Step.OPEN_CALL]),
    ("connected", "item", CallView(waiting=True), CallView(in_call=True), [Step.OPEN_CALL]),
    # the same state again changes nothing
    ("connected", CALL, CallView(in_call=True), CallView(in_call=True), []),
    # 挂断 tapped: the service still says connected, the call is not reopened
    ("connected", "home", CallView(hung_up=True), CallView(hung_up=True), []),
    # the call ends (either side): leave the call screen; 挂断's flag is cleared
    ("ended", CALL, CallView(in_call=True), CallView(), [Step.CLOSE_CALL]),
    ("ended", "home", CallView(hung_up=True), CallView(), []),
    ("hub_lost", CALL, CallView(in_call=True), CallView(), [Step.CLOSE_CALL]),
    # nobody answered: the fallback, with the reason
    ("no_helper", WAIT, CallView(waiting=True), CallView(), [Step.OPEN_FALLBACK]),
    ("timeout", "search", CallView(waiting=True), CallView(), [Step.OPEN_FALLBACK]),
    ("unavailable", WAIT, CallView(waiting=True), CallView(), [Step.OPEN_FALLBACK]),
    # a request cancelled (idle again) on the wait screen: back; elsewhere: nothing
    ("idle", WAIT, CallView(waiting=True), CallView(), [Step.BACK]),
    ("idle", "home", CallView(waiting=True), CallView(), []),
    # an unanswered end with nobody waiting (e.g. the hub went away at rest): nothing
    ("hub_lost", "home", CallView(), CallView(), []),
]


@pytest.mark.parametrize("state,screen,before,after,steps", CASES)
def test_follow(state, screen, before, after, steps):
    view, got = follow(state, screen, before)
    assert view == after
    assert [step for step, _ in got] == steps
    assert all(at == state for _, at in got)


@pytest.mark.parametrize("state", STATES)
def test_rules_hold_for_every_state_screen_and_view(state):
    for screen, view in itertools.product(SCREENS, VIEWS):
        after, steps = follow(state, screen, view)
        kinds = [s for s, _ in steps]
        assert len(kinds) <= 2 and len(set(kinds)) == len(kinds)
        assert sum(k in (Step.SHOW_WAIT, Step.OPEN_CALL, Step.OPEN_FALLBACK, Step.BACK) for k in kinds) <= 1
        # the call screen is closed exactly when a shown call ends, and opened only when connected
        assert (Step.CLOSE_CALL in kinds) == (view.in_call and state != CONNECTED)
        assert after.in_call == (state == CONNECTED and (view.in_call or not view.hung_up))
        if Step.OPEN_CALL in kinds:
            assert state == CONNECTED and not view.in_call and not view.hung_up
        if Step.OPEN_FALLBACK in kinds:
            assert state in OVER and view.waiting
        assert after.waiting == (state in WAITING)
        # following the same state twice is a fixed point: nothing more happens
        again, more = follow(state, screen, after)
        assert again == after and not [s for s, _ in more if s is not Step.SHOW_WAIT]


def test_call_screen_and_open():
    assert call_screen("connected") == CALL
    assert {call_screen(s) for s in WAITING} == {WAIT}
    assert {call_screen(s) for s in ("idle", "ended", *OVER)} == {CONSENT}
    assert open_screen(WAIT) == open_screen(FALLBACK) == "replace"
    assert open_screen("home") == "go"


def test_overlays():
    # waiting while browsing: the strip with 取消呼叫; on the wait or consent screen itself: none
    assert overlays("queued", "search", CallView(waiting=True)).controls
    assert not overlays("queued", WAIT, CallView(waiting=True)).controls
    assert not overlays("requesting", CONSENT, CallView(waiting=True)).controls
    # in a call, away from the call screen: the strip with 返回通话 / 挂断
    shown = overlays("connected", "search", CallView(in_call=True))
    assert shown.calling and shown.controls
    assert not overlays("connected", CALL, CallView(in_call=True)).controls
    # after 挂断, or without a service: nothing
    assert not overlays("connected", "search", CallView(in_call=True, hung_up=True)).controls
    assert overlays(None, "search", CallView()) == overlays(None, "home", CallView())
    assert not overlays(None, "search", CallView()).controls


def test_the_call_state_table_covers_every_state():
    """kiosk/assist/status.py TRANSITIONS: every state has its next states; a request can be made
    from rest and from an ended one; a call only ends; nothing jumps from rest to a call."""
    from kiosk.assist.status import REST, TRANSITIONS, allowed
    assert set(TRANSITIONS) == set(STATES)
    assert all(allowed(s, s) for s in STATES)
    assert all(allowed(r, CallState.REQUESTING) for r in REST)
    assert not allowed(CallState.IDLE, CallState.CONNECTED)
    assert not allowed(CallState.CONNECTED, CallState.QUEUED)
    assert not allowed(CallState.IDLE, CallState.ENDED)
