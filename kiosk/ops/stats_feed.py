# SPDX-License-Identifier: Apache-2.0
"""What the hall's statistics (:class:`kiosk.ops.stats.HallCounter`) count, taken from the core's
own observers; nothing here keeps anything of a citizen's past the moment it is counted.

- **sessions**: a citizen's session, counted when it ends (finished, timed out or wiped); one that
  went to the admin screens (管理登录, 管理) was staff's and is not counted;
- **searches**: ``Kiosk.searches`` gives each search run with its total; the one counted is the
  last query typed before the citizen leaves the 查找事项 screen (opens a result, goes elsewhere,
  or the session ends), once per distinct query per session; zero-result when that one found none;
- **items viewed**: each item page opened, once per item per session;
- **guides printed**: the receipt printer's ``job_printed`` and the A4 printer's ``job_completed``
  for a job of the guide (its id starts with ``guide-``);
- **helper calls**: the assist service's states: waiting from the request to ``connected`` (or to
  giving up), talking from ``connected`` to the end; the outcome;
- **identity checks**: the identity flow's steps (started, identified, to a helper, card error,
  a failed face try), counts only;
- **ratings**: ``RecordsService.rated`` (the score of each rating kept for the hub).
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from .stats import HallCounter, stat_query

WAITING = ("requesting", "queued", "ringing")
ENDS = {"no_helper": "no_helper", "timeout": "timeout", "hub_lost": "hub_lost", "unavailable": "unavailable"}
IDENTITY_STEPS = {"consent_card": "started", "identified": "identified", "helper": "helper",
                  "card_error": "card_error", "face_failed": "face_failed"}
GUIDE_JOBS = {"job_printed": "job_id", "job_completed": "job_key"}
STAFF_SCREENS = ("admin_login", "admin")     # screens/admin_flow.py: a session there is staff's


class StatsFeed:
    """Subscribes ``counter`` to ``kiosk``'s session, searches, printers, assist, identity and
    records; :meth:`stop` unsubscribes. ``clock``: the call timer (monotonic seconds)."""

    def __init__(self, kiosk: Any, counter: HallCounter, clock: Callable[[], float] = time.monotonic) -> None:
        self.kiosk, self.counter, self.clock = kiosk, counter, clock
        self._lock = threading.Lock()
        self._phase: Any = None
        self._staff = False                              # this session went to the admin screens
        self._pending: tuple[str, int] | None = None     # the last search on the screen, not counted yet
        self._queries: set[str] = set()                  # counted this session (compared masked)
        self._items: set[str] = set()
        self._call: dict[str, float] | None = None
        self._step: str | None = None
        self._undo: list[Callable[[], None]] = []

    def start(self) -> "StatsFeed":
        k = self.kiosk
        self._phase = k.session.phase
        self._hook(k.session, self._on_session)
        self._hook(getattr(k, "searches", None), self._on_search)
        for name in ("receipt_printer", "a4_printer"):
            self._hook(k.devices.get(name), self._on_printer)
        self._hook(getattr(k, "assist", None), self._on_assist)
        self._hook(getattr(k, "identity", None), self._on_identity)
        self._hook(getattr(getattr(k, "records", None), "rated", None), self.counter.rated)
        return self

    def _hook(self, source: Any, fn: Callable[[Any], None]) -> None:
        if source is not None and hasattr(source, "subscribe"):
            source.subscribe(fn)
            self._undo.append(lambda: source.unsubscribe(fn))

    def stop(self) -> None:
        for undo in self._undo:
            undo()
        self._undo.clear()

    # ------------------------------------------------------------------ session and search
    def _on_session(self, session: Any) -> None:
        phase, route = session.phase, session.route
        with self._lock:
            ended = phase.value == "idle"
            citizen = ended and self._phase is not None and self._phase.value != "idle" and not self._staff
            self._phase = phase
            self._staff = not ended and (self._staff or route.screen in STAFF_SCREENS)
            left = self._pending if (ended or route.screen != "search") else None
            if left is not None:
                self._pending = None
                query = stat_query(left[0])
                left = None if query in self._queries else left
                self._queries.add(query)
            item = route.params.get("id") if route.screen == "item" and not ended else None
            viewed = isinstance(item, str) and item not in self._items
            if isinstance(item, str):
                self._items.add(item)
            if ended:
                self._queries.clear()
                self._items.clear()
        if citizen:
            self.counter.citizen_session()
        if left is not None:
            self.counter.searched(*left)
        if viewed:
            self.counter.item_viewed()

    def _on_search(self, searched: tuple[str, int]) -> None:
        text, total = searched
        if text.strip():
            with self._lock:
                self._pending = (text, int(total))

    # ------------------------------------------------------------------ devices and services
    def _on_printer(self, event: Any) -> None:
        key = GUIDE_JOBS.get(event.kind)
        if key is not None and str(event.data.get(key, "")).startswith("guide-"):
            self.counter.guide_printed()

    def _on_assist(self, status: Any) -> None:
        state, now = status.state, self.clock()
        done: tuple[str, float, float] | None = None
        with self._lock:
            call = self._call
            if call is None and state in WAITING:
                self._call = {"asked": now}
            elif call is not None and state == "connected" and "answered" not in call:
                call["answered"] = now
            elif call is not None and state not in WAITING and state != "connected":
                self._call = None
                if "answered" in call:
                    done = ("answered", call["answered"] - call["asked"], now - call["answered"])
                else:
                    done = (ENDS.get(state, "cancelled"), now - call["asked"], 0.0)
        if done is not None:
            self.counter.call(*done)

    def _on_identity(self, state: Any) -> None:
        step = getattr(state.step, "value", str(state.step))
        with self._lock:
            fresh, self._step = step != self._step, step
        if fresh and step in IDENTITY_STEPS:
            self.counter.identity(IDENTITY_STEPS[step])
