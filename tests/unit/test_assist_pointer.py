# SPDX-License-Identifier: Apache-2.0
"""The core's side of the helper's pointer (kiosk/assist/pointer.py): a point is taken only in
a call and only when well formed, a new one replaces the old, the clock ends it after 3 s, the
call's end ends it, and point_shown goes to the hub only for a point drawn during the call."""
from __future__ import annotations

from kiosk.assist.pointer import SHOW_S, Pointer
from kiosk.assist.status import AssistStatus, CallState


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def make():
    clock, sent, seen = Clock(), [], []
    p = Pointer(clock, sent.append)
    p.subscribe(seen.append)
    return p, clock, sent, seen


def test_only_in_a_call_and_only_well_formed():
    p, _clock, _sent, seen = make()
    for state in (CallState.IDLE, CallState.QUEUED, CallState.RINGING, CallState.ENDED):
        assert p.take({"type": "point", "id": 1, "x": 0.5, "y": 0.5}, state) is None
    for bad in ({"id": 1, "x": 1.2, "y": 0.5}, {"id": 1, "x": 0.5, "y": -0.1}, {"id": True, "x": 0, "y": 0},
                {"id": 0, "x": 0, "y": 0}, {"id": 1, "x": "0.5", "y": 0}, {"id": 1, "x": float("nan"), "y": 0},
                {"id": 1, "x": 0.5}):
        assert p.take({"type": "point", **bad}, CallState.CONNECTED) is None, bad
    assert p.current() is None and seen == []


def test_replaced_then_over_by_the_clock():
    p, clock, _sent, seen = make()
    first = p.take({"type": "point", "id": 1, "x": 0.1, "y": 0.2}, CallState.CONNECTED)
    clock.now += 2.0
    second = p.take({"type": "point", "id": 2, "x": 0.9, "y": 0.8}, CallState.CONNECTED)
    assert p.current() is second and (second.x, second.y) == (0.9, 0.8)
    clock.now += SHOW_S - 0.01
    assert p.current() is second                  # the new point has its own 3 s
    clock.now += 0.01
    assert p.current() is None
    assert seen == [first, second, None]


def test_the_call_end_removes_it_and_nothing_is_acknowledged_after():
    p, _clock, sent, seen = make()
    p.follow(AssistStatus(CallState.CONNECTED))
    mark = p.take({"type": "point", "id": 7, "x": 0.5, "y": 0.5}, CallState.CONNECTED)
    assert p.shown(mark) and sent == [{"type": "point_shown", "id": 7}]
    p.follow(AssistStatus(CallState.ENDED, reason="hangup"))
    assert p.current() is None and seen[-1] is None
    assert not p.shown(mark) and len(sent) == 1
