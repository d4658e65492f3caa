# SPDX-License-Identifier: Apache-2.0
"""The calls of :class:`helpdesk.routing.Router`: a ring answered, the call's two ends (for
relaying), its end by either side, the helper freed, and the helper's wrap-up note. Pure:
time comes from the router's clock, messages go to its outbox, records to its sink."""
from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.model import Presence, Request, RoutingError

if TYPE_CHECKING:
    from helpdesk.routing import Router


class CallDesk:
    def __init__(self, router: "Router") -> None:
        self.router = router

    def accept(self, name: str, request_id: str) -> None:
        r = self.router
        h = r._helper(name)
        req = r.requests_by_id().get(request_id)
        if req is None or req.state != "ringing" or req.helper != name:
            raise RoutingError("no_such_ring", "that ring is over")
        req.answered_at = r.clock()
        r._set_state(h, Presence.BUSY)
        r._to_kiosk(req.terminal_id, {"type": "connected", "request_id": req.id,
                                      "helper": h.display_name})
        r._to_helper(name, {"type": "connected", "request_id": req.id,
                            "terminal_id": req.terminal_id,
                            "terminal_name": req.terminal_name,
                            "large_text": req.large_text})
        r.sink.call_started(r.queue.record(req, "in_call", ended=False))
        r.dispatch()

    def wrapup(self, name: str, note: str, request_id: str | None = None) -> str:
        h = self.router._helper(name)
        target = request_id or (h.recent_calls[-1] if h.recent_calls else None)
        if target is None or target not in h.recent_calls:
            raise RoutingError("no_call", "no recent call of yours to note")
        self.router.sink.call_note(target, name, note[:2000])
        return target

    def hangup(self, role: str, party: str, reason: str = "hangup") -> None:
        r = self.router
        req = self.call_of(role, party)
        if req is None:
            raise RoutingError("no_call", "not in a call")
        for side, p in (("kiosk", req.terminal_id), ("helper", req.helper)):
            r.outbox.append((side, p, {"type": "ended", "request_id": req.id,
                                       "reason": reason, "by": role}))
        self.free_helper(req)
        r.queue.finish(req, "completed")
        r.dispatch()

    def peer(self, role: str, party: str) -> tuple[str, str] | None:
        """The other end of ``party``'s call, for relaying signal and chat."""
        req = self.call_of(role, party)
        if req is None:
            return None
        return ("helper", req.helper) if role == "kiosk" else ("kiosk", req.terminal_id)

    def call_of(self, role: str, party: str) -> Request | None:
        r = self.router
        if role == "kiosk":
            req = r.requests.get(party)
        else:
            h = r.helpers.get(party)
            req = r.requests_by_id().get(h.request_id) if h and h.request_id else None
        return req if req is not None and req.state == "connected" else None

    def free_helper(self, req: Request) -> None:
        """The call is over: its helper is available again (unless gone) and its length counts
        for the estimates."""
        r = self.router
        h = r.helpers[req.helper]
        h.request_id = None
        h.recent_calls = (h.recent_calls + [req.id])[-5:]
        h.idle_since = r.clock()
        r.durations.add(r.clock() - req.answered_at)
        if h.state is not Presence.OFFLINE:
            r._set_state(h, Presence.AVAILABLE)
