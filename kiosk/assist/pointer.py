# SPDX-License-Identifier: Apache-2.0
"""The helper's pointer (请点这里) on the kiosk: what the core decides.

During a call the helper clicks the kiosk's shared screen in the console; the hub relays the
point (``{"type": "point", "id", "x", "y"}``, fractions of the shared screen from its top-left
corner, docs/assist-protocol.md). :class:`Pointer` takes it only while the call is on, keeps
one :class:`PointMark` (a new point replaces the old), says when it is over (``SHOW_S`` after it
came, by the injected clock) and, once the screen has actually drawn it, answers the hub with
``point_shown`` so the helper's console can say so. Nothing here draws or touches input: the
ring is screens/assist_pointer.py, and it never receives or makes a touch.

Points arrive on the assist service's thread; the screens read :meth:`Pointer.current` on
theirs. Listeners get the new mark (or None when it goes) on whichever thread changed it.
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from typing import Any, Callable

from ..observe import Observers
from .status import AssistStatus, CallState

log = logging.getLogger(__name__)

SHOW_S = 3.0        # how long the ring stays (docs/remote-assist.md, *The helper's pointer*)
MAX_ID = 2 ** 31 - 1


@dataclass(frozen=True)
class PointMark:
    id: int             # the console's id for this point (echoed in point_shown)
    x: float            # 0..1 from the left edge of the shared screen
    y: float            # 0..1 from the top edge
    until: float        # the clock's time when the ring goes


def parse_point(m: dict) -> tuple[int, float, float] | None:
    """(id, x, y) of a hub ``point`` message, or None when a field is not what the protocol says
    (the hub checks too; a kiosk draws nothing it does not understand)."""
    pid, x, y = m.get("id"), m.get("x"), m.get("y")
    if isinstance(pid, bool) or not isinstance(pid, int) or not 1 <= pid <= MAX_ID:
        return None
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) \
                or not 0.0 <= v <= 1.0:
            return None
    return pid, float(x), float(y)       # type: ignore[arg-type]


class Pointer:
    """The point the helper is showing, if any. ``send(msg)`` sends to the hub (any thread)."""

    def __init__(self, clock: Callable[[], float], send: Callable[[dict], Any],
                 show_s: float = SHOW_S) -> None:
        self.clock, self._send, self.show_s = clock, send, show_s
        self._mark: PointMark | None = None
        self._in_call = False
        self._lock = threading.Lock()
        self._observers: Observers[PointMark | None] = Observers("assist pointer")

    def subscribe(self, fn: Callable[[PointMark | None], None]) -> None:
        self._observers.subscribe(fn)

    def unsubscribe(self, fn: Callable[[PointMark | None], None]) -> None:
        self._observers.unsubscribe(fn)

    # ------------------------------------------------------------ from the hub
    def take(self, m: dict, state: CallState) -> PointMark | None:
        """A hub ``point``: shown (replacing any other) only in a call and only when well formed."""
        if state != CallState.CONNECTED:
            log.info("assist: a helper's point outside a call (%s): not shown", state)
            return None
        parsed = parse_point(m)
        if parsed is None:
            log.warning("assist: a helper's point the kiosk does not understand: not shown")
            return None
        pid, x, y = parsed
        mark = PointMark(pid, x, y, self.clock() + self.show_s)
        with self._lock:
            self._in_call = True
            self._mark = mark
        self._observers.notify(mark)
        return mark

    def follow(self, status: AssistStatus) -> None:
        """The call's status: a ring never outlives its call."""
        with self._lock:
            self._in_call = status.state == CallState.CONNECTED
        if not self._in_call:
            self.clear()

    def clear(self) -> None:
        with self._lock:
            had, self._mark = self._mark, None
        if had is not None:
            self._observers.notify(None)

    # ------------------------------------------------------------ for the screens
    def current(self) -> PointMark | None:
        """The point to show now, or None (also once its time is up, by the clock). Any thread."""
        with self._lock:
            mark = self._mark
            over = mark is not None and self.clock() >= mark.until
            if over:
                self._mark = None
        if over:
            self._observers.notify(None)
            return None
        return mark

    def shown(self, mark: PointMark) -> bool:
        """The screen has drawn ``mark``'s ring: tell the helper (only in the call it came in).
        True when the answer was handed to the hub link."""
        with self._lock:
            in_call = self._in_call
        if not in_call:
            return False
        self._send({"type": "point_shown", "id": mark.id})
        return True
