# SPDX-License-Identifier: Apache-2.0
"""Presence, the kiosk queue and the routing rules. Pure: no I/O, no sleeps.

Time comes only from the injected ``clock`` (seconds, float); timers advance
when :meth:`Router.tick` is called. Every change produces messages in
:attr:`Router.outbox` as ``(role, id, message)`` with role ``"kiosk"`` or
``"helper"``; the hub delivers them (docs/assist-protocol.md). The router
keeps presence, ringing and the routing decision; the queue's bookkeeping is
:mod:`helpdesk.routing_queue`'s, the calls' :mod:`helpdesk.routing_calls`'.
"""
from __future__ import annotations

import math
from typing import Callable

from helpdesk.estimate import CallDurations
from helpdesk.model import (IN_SERVICE, CallRecord, CallSink, Helper, NullSink,
                            Presence, Request, RoutingError, RoutingRules)
from helpdesk.routing_calls import CallDesk
from helpdesk.routing_queue import KioskQueue

__all__ = ["Router", "RoutingRules", "RoutingError", "Presence", "CallRecord", "CallSink"]


class Router:
    def __init__(self, clock: Callable[[], float], rules: RoutingRules | None = None,
                 sink: CallSink | None = None) -> None:
        self.clock = clock
        self.rules = rules or RoutingRules()
        self.sink = sink or NullSink()
        self.helpers: dict[str, Helper] = {}
        self.outbox: list[tuple[str, str, dict]] = []
        self.durations = CallDurations(self.rules.default_call_s)
        self.queue = KioskQueue(self)        # the requests, their order, what the kiosks are told
        self.requests: dict[str, Request] = self.queue.requests    # by terminal id
        self._by_id: dict[str, Request] = self.queue.by_id         # the same, by request id
        self.calls = CallDesk(self)          # answered rings, the calls and their ends
        self.started_at = clock()

    # ----------------------------------------------------------------- output
    def drain(self) -> list[tuple[str, str, dict]]:
        out, self.outbox = self.outbox, []
        return out

    def _to_kiosk(self, terminal_id: str, msg: dict) -> None:
        self.outbox.append(("kiosk", terminal_id, msg))

    def _to_helper(self, name: str, msg: dict) -> None:
        self.outbox.append(("helper", name, msg))

    def _set_state(self, h: Helper, state: Presence) -> None:
        if h.state != state:
            h.state = state
            self._to_helper(h.name, {"type": "presence", "state": state.value})

    # ---------------------------------------------------------------- helpers
    def helper_online(self, name: str, display_name: str) -> None:
        """A helper logged in: known and reachable, but away until they say available."""
        h = self.helpers.get(name)
        if h is None:
            h = self.helpers[name] = Helper(name, display_name)
        elif h.state is not Presence.OFFLINE:
            self.helper_offline(name)
        h.display_name = display_name
        h.state = Presence.AWAY
        self._to_helper(name, {"type": "presence", "state": "away"})

    def set_presence(self, name: str, state: str) -> None:
        h = self._helper(name)
        if state not in ("available", "away"):
            raise RoutingError("bad_presence", "presence is 'available' or 'away'")
        if h.state is Presence.BUSY:
            raise RoutingError("in_call", "end the call first")
        if state == "away":
            if h.state is Presence.RINGING:
                self._unring(self.requests_by_id()[h.request_id], "declined", away=True)
            self._set_state(h, Presence.AWAY)
        elif h.state is Presence.AWAY:
            h.idle_since = self.clock()
            self._set_state(h, Presence.AVAILABLE)
        self.dispatch()

    def helper_offline(self, name: str) -> None:
        h = self.helpers.get(name)
        if h is None or h.state is Presence.OFFLINE:
            return
        req = self.requests_by_id().get(h.request_id) if h.request_id else None
        h.state = Presence.OFFLINE    # no presence message: nobody is listening
        if req is not None and req.state == "ringing":
            self._unring(req, "helper_left")
        elif req is not None:
            self._to_kiosk(req.terminal_id, {"type": "ended", "request_id": req.id,
                                             "reason": "peer_disconnected"})
            self.calls.free_helper(req)
            self._finish(req, "helper_dropped")
        h.request_id = None
        self.dispatch()

    def accept(self, name: str, request_id: str) -> None:
        self.calls.accept(name, request_id)

    def wrapup(self, name: str, note: str, request_id: str | None = None) -> str:
        return self.calls.wrapup(name, note, request_id)

    def decline(self, name: str, request_id: str) -> None:
        self._helper(name)                 # an unknown helper is an error
        req = self.requests_by_id().get(request_id)
        if req is None or req.state != "ringing" or req.helper != name:
            raise RoutingError("no_such_ring", "that ring is over")
        self._unring(req, "declined")      # the helper stays available (not punished)
        self.dispatch()

    # ----------------------------------------------------------------- kiosks
    def request(self, terminal_id: str, large_text: bool = False,
                terminal_name: str | None = None, requested_at: float | None = None) -> None:
        """Queue a kiosk; ``requested_at`` (hub clock) keeps a reconnecting kiosk's place."""
        now = self.clock()
        old = self.requests.get(terminal_id)
        if old is not None:
            if old.state == "connected":
                raise RoutingError("in_call", "this terminal is already in a call")
            old.last_sent = None
            self.queue.push_one(old)
            return
        at = now if requested_at is None else float(requested_at)
        at = min(at, now) if math.isfinite(at) else now
        req = self.queue.add(terminal_id, large_text, terminal_name, at)
        if now - at >= self.rules.max_wait_s:
            self._timeout(req)
        self.dispatch()

    def cancel(self, terminal_id: str, reason: str = "cancelled") -> None:
        req = self.requests.get(terminal_id)
        if req is None:
            return
        if req.state == "connected":
            self.hangup("kiosk", terminal_id)
            return
        if req.state == "ringing":
            self._unring(req, reason)
        self._to_kiosk(terminal_id, {"type": "ended", "request_id": req.id, "reason": reason})
        self._finish(req, "cancelled")
        self.dispatch()

    def kiosk_offline(self, terminal_id: str) -> None:
        req = self.requests.get(terminal_id)
        if req is None:
            return
        if req.state == "connected":
            self._to_helper(req.helper, {"type": "ended", "request_id": req.id,
                                         "reason": "peer_disconnected"})
            self.calls.free_helper(req)
        elif req.state == "ringing":
            self._unring(req, "kiosk_left")
        self.queue.keep_tried(req)
        self._finish(req, "kiosk_dropped")
        self.dispatch()

    # ------------------------------------------------------------ both sides
    def hangup(self, role: str, party: str, reason: str = "hangup") -> None:
        self.calls.hangup(role, party, reason)

    def peer(self, role: str, party: str) -> tuple[str, str] | None:
        """The other end of ``party``'s call, for relaying signal and chat."""
        return self.calls.peer(role, party)

    # ------------------------------------------------------------------ timers
    def tick(self) -> None:
        now = self.clock()
        for req in list(self.requests.values()):
            if req.state == "connected":
                continue
            if now - req.requested_at >= self.rules.max_wait_s:
                self._timeout(req)
            elif req.state == "ringing" and now - req.ring_started >= self.rules.ring_s:
                self._unring(req, "missed", away=True)
        self.queue.forget_tried_before(now - self.rules.max_wait_s)
        self.dispatch()

    # ---------------------------------------------------------------- routing
    def ordered_queue(self) -> list[Request]:
        """Waiting and ringing requests, most deserving first (elders' wait × factor)."""
        return self.queue.ordered()

    def dispatch(self) -> None:
        order = self.ordered_queue()
        free = sorted((h for h in self.helpers.values() if h.state is Presence.AVAILABLE),
                      key=lambda h: (h.idle_since, h.name))       # longest idle first
        serving = {h.name for h in self.helpers.values() if h.state in IN_SERVICE}
        for req in order:
            if req.state != "queued":
                continue
            pick = next((h for h in free if h.name not in req.tried), None)
            if pick is not None:
                free.remove(pick)
                self._ring(req, pick)
            elif serving <= req.tried:           # nobody left who might take it
                reason = "all_tried" if req.tried else "none_online"
                if reason == "none_online" and self._in_grace():
                    continue         # the hub just started: helpers are reconnecting
                self._to_kiosk(req.terminal_id, {"type": "no_helper", "request_id": req.id,
                                                 "reason": reason})
                self._finish(req, "no_helper")
        self.queue.push_queue([r for r in order if r.state == "queued" and r.terminal_id
                               in self.requests])

    # ---------------------------------------------------------------- helpers
    def _in_grace(self) -> bool:
        return self.clock() - self.started_at < self.rules.startup_grace_s

    def requests_by_id(self) -> dict[str, Request]:
        return self._by_id

    def _helper(self, name: str) -> Helper:
        h = self.helpers.get(name)
        if h is None or h.state is Presence.OFFLINE:
            raise RoutingError("not_logged_in", "log in first")
        return h

    def _ring(self, req: Request, h: Helper) -> None:
        now = self.clock()
        req.helper, req.ring_started, req.last_sent = h.name, now, None
        h.request_id = req.id
        self._set_state(h, Presence.RINGING)
        self._to_helper(h.name, {"type": "ring", "request_id": req.id,
                                 "terminal_id": req.terminal_id,
                                 "terminal_name": req.terminal_name,
                                 "large_text": req.large_text,
                                 "waited_s": round(now - req.requested_at, 1),
                                 "ring_s": self.rules.ring_s})
        self._to_kiosk(req.terminal_id, {"type": "ringing", "request_id": req.id,
                                         "requested_at": req.requested_at})

    def _unring(self, req: Request, reason: str, away: bool = False) -> None:
        h = self.helpers[req.helper]
        self._to_helper(h.name, {"type": "ring_cancelled", "request_id": req.id,
                                 "reason": reason})
        h.request_id = None
        if h.state is not Presence.OFFLINE:
            self._set_state(h, Presence.AWAY if away else Presence.AVAILABLE)
        if reason in ("missed", "declined", "helper_left"):    # the helper's doing
            req.tried.add(h.name)
        req.helper = req.ring_started = req.last_sent = None

    def _timeout(self, req: Request) -> None:
        if req.state == "ringing":
            self._unring(req, "timeout")
        self._to_kiosk(req.terminal_id, {"type": "timeout", "request_id": req.id,
                                         "waited_s": round(self.clock() - req.requested_at, 1)})
        self._finish(req, "timeout")

    def _finish(self, req: Request, outcome: str) -> None:
        self.queue.finish(req, outcome)
