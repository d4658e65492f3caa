# SPDX-License-Identifier: Apache-2.0
"""The helper's pointer (请点这里) on the hub: a helper in a call clicks the kiosk's shared
screen in the console, and the point goes to that call's kiosk, which draws a ring there for
3 s and answers ``point_shown``; that answer goes back to the helper (docs/assist-protocol.md,
*The pointer*). The hub checks every point: two numbers 0..1 (fractions of the shared
screen's frame, from its top-left corner), an id, only from the helper of a call that is on,
and at most the hub's ``points_per_10_seconds`` (default 10) in ``WINDOW_S`` per helper. Nothing is
stored."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from helpdesk.guard import RateLimit
from helpdesk.model import RoutingError

if TYPE_CHECKING:
    from helpdesk.hub import Hub

WINDOW_S = 10.0             # the hub's points_per_10_seconds within this many seconds
MAX_ID = 2 ** 31 - 1


def fraction(data: dict, key: str) -> float:
    """``data[key]`` as a number 0..1 (not a bool, not NaN); ``bad_message`` naming it else."""
    v = data.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) \
            or not 0.0 <= v <= 1.0:
        raise RoutingError("bad_message", f"point: {key} must be a number from 0 to 1")
    return float(v)


def point_id(data: dict) -> int:
    """``data["id"]``: a whole number 1..2^31-1 the console chose for this point."""
    v = data.get("id")
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID:
        raise RoutingError("bad_message", f"point: id must be a whole number from 1 to {MAX_ID}")
    return v


class PointerRelay:
    """Points from a helper to the kiosk of their call, and the kiosk's ``point_shown`` back."""

    def __init__(self, hub: "Hub") -> None:
        self.hub = hub
        per_window = hub.cfg.points_per_10_seconds
        self.helper_limit = RateLimit(hub.clock, per_window, WINDOW_S)
        self.kiosk_limit = RateLimit(hub.clock, per_window, WINDOW_S)

    def from_helper(self, name: str, data: dict) -> None:
        """``{"type": "point", "id", "x", "y"}`` from helper ``name``."""
        x, y, pid = fraction(data, "x"), fraction(data, "y"), point_id(data)
        target = self._other_end("helper", name)
        if not self.helper_limit.allow(name):
            raise RoutingError("rate_limited", "too many points; wait a moment")
        target.send({"type": "point", "from": "helper", "id": pid, "x": x, "y": y})

    def from_kiosk(self, terminal: str, data: dict) -> None:
        """``{"type": "point_shown", "id"}``: the kiosk drew the ring of that point."""
        pid = point_id(data)
        target = self._other_end("kiosk", terminal)
        if not self.kiosk_limit.allow(terminal):
            raise RoutingError("rate_limited", "too many point answers")
        target.send({"type": "point_shown", "from": "kiosk", "id": pid})

    def _other_end(self, role: str, party: str):
        peer = self.hub.router.peer(role, party)
        if peer is None:
            raise RoutingError("no_call", "not in a call")
        target = (self.hub.kiosks if peer[0] == "kiosk" else self.hub.helpers).get(peer[1])
        if target is None:
            raise RoutingError("no_call", "the other side is not connected")
        return target
