# SPDX-License-Identifier: Apache-2.0
"""The kiosk queue of :class:`helpdesk.routing.Router`: its requests, their order (elders'
wait x factor) and the position and wait estimate each queued kiosk is told. Pure: time
comes from the router's clock, messages go to its outbox."""
from __future__ import annotations

import itertools
import secrets
from typing import TYPE_CHECKING

from helpdesk.estimate import estimate_waits
from helpdesk.model import CallRecord, Helper, Presence, Request

if TYPE_CHECKING:
    from helpdesk.routing import Router


class KioskQueue:
    """Waiting, ringing and connected requests, by terminal id and by request id."""

    def __init__(self, router: "Router") -> None:
        self.router = router
        self.requests: dict[str, Request] = {}        # by terminal id
        self.by_id: dict[str, Request] = {}           # the same, by request id
        self._seq = itertools.count()
        # who was tried for a kiosk that dropped, kept for its reconnect with the same requested_at
        self._tried_history: dict[tuple[str, float], set[str]] = {}

    def add(self, terminal_id: str, large_text: bool, terminal_name: str | None,
            at: float) -> Request:
        req = Request(secrets.token_hex(6), next(self._seq), terminal_id,
                      terminal_name or terminal_id, bool(large_text), at,
                      set(self._tried_history.pop((terminal_id, at), set())))
        self.requests[terminal_id] = self.by_id[req.id] = req
        return req

    def keep_tried(self, req: Request) -> None:
        """The kiosk dropped: who was tried is remembered for its reconnect."""
        self._tried_history[(req.terminal_id, req.requested_at)] = set(req.tried)

    def forget_tried_before(self, horizon: float) -> None:
        for key in [k for k in self._tried_history if k[1] < horizon]:
            del self._tried_history[key]

    def finish(self, req: Request, outcome: str) -> None:
        """The request leaves the queue; its call record goes to the sink."""
        self.requests.pop(req.terminal_id, None)
        self.by_id.pop(req.id, None)
        self.router.sink.call_ended(self.record(req, outcome))

    def record(self, req: Request, outcome: str, ended: bool = True) -> CallRecord:
        return CallRecord(req.id, req.terminal_id, req.helper, req.large_text,
                          req.requested_at, req.answered_at,
                          self.router.clock() if ended else None, outcome)

    def ordered(self) -> list[Request]:
        """Waiting and ringing requests, most deserving first (elders' wait × factor)."""
        now, f = self.router.clock(), self.router.rules.elder_factor
        waiting = [r for r in self.requests.values() if r.state != "connected"]
        return sorted(waiting, key=lambda r: (-(now - r.requested_at) * (f if r.large_text else 1),
                                              r.requested_at, r.seq))

    # ------------------------------------------------------- what the kiosks are told
    def push_queue(self, queued: list[Request] | None = None) -> None:
        if queued is None:
            queued = [r for r in self.ordered() if r.state == "queued"]
        if not queued:
            return
        router = self.router
        now = router.clock()
        states = [h.state for h in router.helpers.values()]
        busy = [0.0 if h.state is Presence.RINGING else now - self._answered_at(h)
                for h in router.helpers.values() if h.state in (Presence.RINGING, Presence.BUSY)]
        est = estimate_waits(len(queued), states.count(Presence.AVAILABLE), busy,
                             router.durations.mean(), router.rules.ring_s)
        for i, req in enumerate(queued):
            self.push_one(req, i + 1, est[i] if est else None)

    def push_one(self, req: Request, position: int | None = None,
                 estimate: int | None = None) -> None:
        to_kiosk = self.router._to_kiosk
        if req.state == "ringing":
            to_kiosk(req.terminal_id, {"type": "ringing", "request_id": req.id,
                                       "requested_at": req.requested_at})
            return
        if position is None:
            self.push_queue()
            return
        if req.last_sent == (position, estimate):
            return
        req.last_sent = (position, estimate)
        to_kiosk(req.terminal_id, {
            "type": "queued", "request_id": req.id, "position": position,
            "estimate_s": estimate, "requested_at": req.requested_at,
            "helpers_available": sum(h.state is Presence.AVAILABLE
                                     for h in self.router.helpers.values())})

    def _answered_at(self, h: Helper) -> float:
        req = self.by_id.get(h.request_id) if h.request_id else None
        return req.answered_at if req and req.answered_at is not None else self.router.clock()
