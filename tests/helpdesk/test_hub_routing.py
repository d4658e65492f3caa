# SPDX-License-Identifier: Apache-2.0
"""Routing rules, with an injected clock (no sleeps, no real time)."""
from __future__ import annotations

import pytest

from helpdesk.estimate import CallDurations, estimate_waits
from helpdesk.routing import Presence, Router, RoutingError, RoutingRules


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class Sink:
    def __init__(self) -> None:
        self.started, self.ended, self.notes = [], [], []

    def call_started(self, rec):
        self.started.append(rec)

    def call_ended(self, rec):
        self.ended.append(rec)

    def call_note(self, request_id, helper, note):
        self.notes.append((request_id, helper, note))


def make(**rules):
    clock, sink = Clock(), Sink()
    return Router(clock, RoutingRules(**rules), sink), clock, sink


def online(r, clock, *names, step=1.0):
    """Helpers log in and become available in this order (first = longest idle)."""
    for n in names:
        r.helper_online(n, n.upper())
        r.set_presence(n, "available")
        clock.t += step


def msgs(r, role=None, party=None, kind=None):
    return [m for (ro, p, m) in r.drain()
            if (role is None or ro == role) and (party is None or p == party)
            and (kind is None or m["type"] == kind)]


def ring_of(r, helper):
    rid = r.helpers[helper].request_id
    assert r.helpers[helper].state is Presence.RINGING, r.helpers[helper].state
    return rid


def test_longest_waiting_kiosk_goes_to_longest_idle_helper():
    """GIVEN helpers who became available in the order c, a, b WHEN a kiosk asks THEN c
    rings; GIVEN two kiosks queued while all helpers were busy WHEN one frees up THEN
    the kiosk that waited longest rings it."""
    r, clock, _ = make()
    online(r, clock, "c", "a", "b")
    r.request("K1")
    assert r.requests["K1"].helper == "c"
    r.accept("c", ring_of(r, "c"))
    r.request("K2"); r.accept("a", ring_of(r, "a"))
    r.request("K3"); r.accept("b", ring_of(r, "b"))
    r.request("K4"); clock.t += 5
    r.request("K5"); clock.t += 5
    assert r.requests["K4"].state == r.requests["K5"].state == "queued"
    r.hangup("helper", "a")
    assert r.requests["K4"].helper == "a" and r.requests["K5"].state == "queued"


def test_no_helper_online_tells_kiosk_at_once():
    r, clock, sink = make()
    r.request("K1")
    out = msgs(r, "kiosk", "K1")
    assert out[-1]["type"] == "no_helper" and out[-1]["reason"] == "none_online"
    assert "K1" not in r.requests and sink.ended[-1].outcome == "no_helper"
    r.helper_online("a", "A")            # online but away counts as not serving
    r.request("K1")
    assert msgs(r, "kiosk", "K1", "no_helper")


def test_rings_one_helper_at_a_time_and_missed_ring_sets_away():
    """GIVEN 3 available helpers WHEN a kiosk asks THEN only one rings; after 15 s the
    ring is missed, that helper is set away and the next one rings."""
    r, clock, _ = make(ring_s=15)
    online(r, clock, "a", "b", "c")
    r.request("K1"); msgs(r)
    assert [h.name for h in r.helpers.values() if h.state is Presence.RINGING] == ["a"]
    clock.t += 14.9; r.tick()
    assert r.helpers["a"].state is Presence.RINGING
    clock.t += 0.1; r.tick()
    out = r.drain()
    assert ("helper", "a", {"type": "ring_cancelled", "request_id": r.requests["K1"].id,
                            "reason": "missed"}) in out
    assert r.helpers["a"].state is Presence.AWAY
    assert r.requests["K1"].helper == "b"


def test_ring_seconds_configurable():
    r, clock, _ = make(ring_s=5)
    online(r, clock, "a", "b")
    r.request("K1")
    clock.t += 5; r.tick()
    assert r.requests["K1"].helper == "b"


def test_decline_moves_on_and_never_rings_same_helper_twice():
    r, clock, sink = make()
    online(r, clock, "a", "b")
    r.request("K1")
    r.decline("a", ring_of(r, "a"))
    assert r.helpers["a"].state is Presence.AVAILABLE     # decline keeps you available
    assert r.requests["K1"].helper == "b"
    r.decline("b", ring_of(r, "b"))
    out = msgs(r, "kiosk", "K1")
    assert out[-1]["type"] == "no_helper" and out[-1]["reason"] == "all_tried"
    assert sink.ended[-1].outcome == "no_helper"


def test_all_available_tried_but_busy_untried_helper_keeps_kiosk_waiting():
    """A busy helper who has not been tried will free up: the kiosk keeps its place."""
    r, clock, _ = make()
    online(r, clock, "a", "b")
    r.request("K0"); r.accept("a", ring_of(r, "a"))      # a is busy with K0
    r.request("K1"); r.decline("b", ring_of(r, "b"))
    assert r.requests["K1"].state == "queued"
    clock.t += 60
    r.hangup("helper", "a")
    assert r.requests["K1"].helper == "a"                 # rung, never b again


def test_max_wait_tells_kiosk_and_cancels_ring():
    r, clock, sink = make(max_wait_s=120, ring_s=1000)
    online(r, clock, "a")
    r.request("K1"); r.accept("a", ring_of(r, "a"))
    r.request("K2"); msgs(r)
    clock.t += 119; r.tick()
    assert "K2" in r.requests
    clock.t += 1; r.tick()
    assert msgs(r, "kiosk", "K2", "timeout")[0]["waited_s"] == 120
    assert sink.ended[-1].outcome == "timeout" and "K2" not in r.requests
    r.hangup("kiosk", "K1")
    online(r, clock, "b")
    r.request("K3"); clock.t += 120; r.tick()     # times out while ringing
    out = r.drain()
    assert any(m["type"] == "ring_cancelled" and m["reason"] == "timeout" for _, _, m in out)
    assert r.helpers["a"].state is Presence.AVAILABLE     # not punished for the timeout


def test_elder_priority_grows_with_waiting_not_a_jump():
    """GIVEN a normal kiosk at t=0 and an elder (large text) at t=10, factor 1.5
    THEN the elder is behind at first, level at t=30, ahead after."""
    r, clock, _ = make(elder_factor=1.5, max_wait_s=10_000)
    r.helper_online("a", "A")       # online but away: nobody is rung yet
    r.helpers["a"].state = Presence.BUSY     # keep kiosks queued, not no_helper
    t0 = clock.t
    r.request("N")
    clock.t = t0 + 10; r.request("E", large_text=True)
    assert [q.terminal_id for q in r.ordered_queue()] == ["N", "E"]
    clock.t = t0 + 29; assert [q.terminal_id for q in r.ordered_queue()] == ["N", "E"]
    clock.t = t0 + 31; assert [q.terminal_id for q in r.ordered_queue()] == ["E", "N"]
    r.tick()
    pos = {p: m["position"] for _, p, m in r.drain() if m["type"] == "queued"}
    assert pos == {"E": 1, "N": 2}


def test_elder_gets_the_free_helper_once_ahead():
    r, clock, _ = make(elder_factor=2.0, max_wait_s=10_000)
    online(r, clock, "a", "b")
    r.request("X"); r.accept("a", ring_of(r, "a"))
    r.request("Y"); r.accept("b", ring_of(r, "b"))
    t0 = clock.t
    r.request("N"); clock.t = t0 + 20; r.request("E", large_text=True)
    clock.t = t0 + 50           # N waited 50, E waited 30 × 2 = 60
    r.hangup("helper", "a")
    assert r.requests["E"].helper == "a" and r.requests["N"].state == "queued"


def test_wait_estimate_position_and_recent_durations():
    r, clock, _ = make(default_call_s=100, ring_s=15, max_wait_s=10_000)
    online(r, clock, "a")
    r.request("K0"); r.accept("a", ring_of(r, "a"))
    r.request("K1"); r.request("K2")
    q = {p: m for _, p, m in r.drain() if m["type"] == "queued"}
    assert q["K1"]["position"] == 1 and q["K2"]["position"] == 2
    # one busy helper, call just began: free in ~100 s (+ ring), then +100 s
    assert q["K1"]["estimate_s"] == 120 and q["K2"]["estimate_s"] == 225
    assert q["K1"]["helpers_available"] == 0
    # recent calls are short (20 s): estimates follow once three are known
    for i in range(3):
        r.request(f"Q{i}")
        clock.t += 20; r.hangup("helper", "a")
        nxt = r.helpers["a"].request_id
        r.accept("a", nxt)
    r.request("K9")
    q = {p: m for _, p, m in r.drain() if m["type"] == "queued"}
    assert r.durations.mean() == 20
    # Q1, Q2 ahead; a just began a call: free at 20 + ring 15 = 35, then 55, 75
    assert q["K9"]["position"] == 3 and q["K9"]["estimate_s"] == 75


def test_estimate_waits_pure():
    # two free helpers, one busy for 170 of a 180 s mean call
    assert estimate_waits(4, 2, [170.0], 180.0, 15.0) == [15, 15, 60, 195]
    assert estimate_waits(3, 0, [], 180.0, 15.0) == []     # nobody: no promise
    d = CallDurations(default_s=100)
    d.add(10); d.add(20)
    assert d.mean() == 100              # fewer than three calls: the prior
    d.add(30)
    assert d.mean() == 20


def test_cancel_while_queued_and_while_ringing():
    r, clock, sink = make()
    online(r, clock, "a")
    r.request("K1"); r.request("K2")
    r.cancel("K2")
    assert "K2" not in r.requests and sink.ended[-1].outcome == "cancelled"
    r.cancel("K1")                       # was ringing a
    out = r.drain()
    assert ("helper", "a", {"type": "ring_cancelled", "request_id": sink.ended[-1].request_id,
                            "reason": "cancelled"}) in out
    assert r.helpers["a"].state is Presence.AVAILABLE
    r.cancel("nobody")                   # harmless


def test_accept_connects_and_hangup_returns_helper_and_records():
    r, clock, sink = make()
    online(r, clock, "a")
    r.request("K1", terminal_name="东区 3 号机"); clock.t += 3
    rid = ring_of(r, "a"); r.drain()
    r.accept("a", rid)
    out = r.drain()
    assert ("kiosk", "K1", {"type": "connected", "request_id": rid, "helper": "A"}) in out
    assert r.helpers["a"].state is Presence.BUSY
    assert r.peer("kiosk", "K1") == ("helper", "a") and r.peer("helper", "a") == ("kiosk", "K1")
    assert sink.started[-1].outcome == "in_call"
    clock.t += 42
    r.hangup("kiosk", "K1")
    out = r.drain()
    assert ("helper", "a", {"type": "ended", "request_id": rid, "reason": "hangup",
                            "by": "kiosk"}) in out
    assert r.helpers["a"].state is Presence.AVAILABLE and r.peer("helper", "a") is None
    rec = sink.ended[-1]
    assert (rec.outcome, rec.helper, rec.terminal_id) == ("completed", "a", "K1")
    assert rec.answered_at - rec.requested_at == 3 and rec.ended_at - rec.answered_at == 42
    r.wrapup("a", "帮助打印社保证明")
    assert sink.notes == [(rid, "a", "帮助打印社保证明")]
    with pytest.raises(RoutingError):
        r.hangup("helper", "a")


def test_hangup_then_longest_idle_gets_next():
    """The helper who just finished is the *least* idle, so another one rings."""
    r, clock, _ = make()
    online(r, clock, "a", "b")
    r.request("K1"); r.accept("a", ring_of(r, "a"))
    r.request("K2"); r.accept("b", ring_of(r, "b"))
    clock.t += 10; r.hangup("helper", "b")
    clock.t += 10; r.hangup("helper", "a")
    r.request("K3")
    assert r.requests["K3"].helper == "b"


def test_stale_accept_or_decline_is_refused():
    r, clock, _ = make()
    online(r, clock, "a", "b")
    r.request("K1"); rid = ring_of(r, "a")
    r.cancel("K1")
    with pytest.raises(RoutingError) as e:
        r.accept("a", rid)
    assert e.value.code == "no_such_ring"
    with pytest.raises(RoutingError):
        r.decline("b", rid)
    with pytest.raises(RoutingError):
        r.set_presence("nobody", "available")


def test_away_while_ringing_counts_as_decline():
    r, clock, _ = make()
    online(r, clock, "a", "b")
    r.request("K1"); r.set_presence("a", "away")
    assert r.requests["K1"].helper == "b" and r.helpers["a"].state is Presence.AWAY
    with pytest.raises(RoutingError):
        r.set_presence("a", "busy")


def test_helper_drop_while_ringing_and_in_call():
    r, clock, sink = make()
    online(r, clock, "a", "b", "c")
    r.request("K1"); r.helper_offline("a")
    assert r.requests["K1"].helper == "b"
    r.accept("b", ring_of(r, "b")); r.drain()
    r.helper_offline("b")
    out = r.drain()
    assert ("kiosk", "K1", {"type": "ended", "request_id": sink.started[-1].request_id,
                            "reason": "peer_disconnected"}) in out
    assert sink.ended[-1].outcome == "helper_dropped" and "K1" not in r.requests
    assert r.helpers["b"].state is Presence.OFFLINE


def test_kiosk_drop_and_reconnect_keeps_place_and_tried_helpers():
    """A kiosk that drops and re-sends its request with its original time goes back
    ahead of later kiosks, and helpers who declined it are not rung again."""
    r, clock, sink = make(max_wait_s=1000)
    online(r, clock, "c", "a", "b")
    r.request("K0"); r.accept("c", ring_of(r, "c"))     # c busy
    r.request("K2"); at = r.requests["K2"].requested_at
    r.decline("a", ring_of(r, "a"))
    assert r.requests["K2"].helper == "b"
    r.kiosk_offline("K2")
    out = r.drain()
    assert ("helper", "b", {"type": "ring_cancelled", "request_id": sink.ended[-1].request_id,
                            "reason": "kiosk_left"}) in out
    assert sink.ended[-1].outcome == "kiosk_dropped"
    assert r.helpers["b"].state is Presence.AVAILABLE
    clock.t += 30
    r.request("K3")                  # rings a (longest idle)
    r.request("K2", requested_at=at)
    assert r.requests["K2"].tried == {"a"}        # b never refused it: may ring again
    assert r.requests["K2"].helper == "b"
    assert [q.terminal_id for q in r.ordered_queue()][:2] == ["K2", "K3"]
    r.decline("b", ring_of(r, "b"))
    assert r.requests["K2"].state == "queued"     # a and b refused; c is busy, untried
    r.hangup("helper", "c")
    assert r.requests["K2"].helper == "c"


def test_kiosk_drop_in_call_tells_helper():
    r, clock, sink = make()
    online(r, clock, "a")
    r.request("K1"); r.accept("a", ring_of(r, "a")); r.drain()
    r.kiosk_offline("K1")
    out = r.drain()
    assert any(p == "a" and m["type"] == "ended" and m["reason"] == "peer_disconnected"
               for _, p, m in out)
    assert r.helpers["a"].state is Presence.AVAILABLE
    assert sink.ended[-1].outcome == "kiosk_dropped"


def test_requested_at_from_the_future_or_too_old():
    r, clock, sink = make(max_wait_s=60)
    online(r, clock, "a")
    r.helpers["a"].state = Presence.BUSY
    r.request("K1", requested_at=clock.t + 500)
    assert r.requests["K1"].requested_at == clock.t
    r.request("K2", requested_at=clock.t - 61)
    assert "K2" not in r.requests and sink.ended[-1].outcome == "timeout"


def test_repeat_request_is_idempotent():
    r, clock, _ = make()
    online(r, clock, "a")
    r.request("K1"); rid = r.requests["K1"].id; r.drain()
    r.request("K1")
    assert r.requests["K1"].id == rid
    assert msgs(r, "kiosk", "K1") == [{"type": "ringing", "request_id": rid,
                                      "requested_at": r.requests["K1"].requested_at}]
    r.accept("a", rid)
    with pytest.raises(RoutingError):
        r.request("K1")


def test_relogin_replaces_old_session():
    r, clock, _ = make()
    online(r, clock, "a")
    r.request("K1")
    r.helper_online("a", "A2")
    assert r.helpers["a"].state is Presence.AWAY and r.helpers["a"].display_name == "A2"
    assert "K1" not in r.requests or r.requests["K1"].helper is None


def test_startup_grace_keeps_kiosks_queued_while_helpers_reconnect():
    """GIVEN a hub that just started (grace 30 s) WHEN kiosks re-request before any
    helper is back THEN they stay queued; a helper back in time gets the oldest; after
    the grace period, with nobody in service, the rest are told no_helper."""
    r, clock, _ = make(startup_grace_s=30)
    r.request("K2", requested_at=clock.t - 40)
    r.request("K1", requested_at=clock.t - 50)
    r.request("K3")
    assert set(r.requests) == {"K1", "K2", "K3"}
    clock.t += 10
    online(r, clock, "a")
    assert r.requests["K1"].helper == "a"
    r.helper_offline("a")
    clock.t += 20; r.tick()
    assert not r.requests
