# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics at one terminal: counts per day, nothing about any citizen
(issue 12 part 5; docs/assist-protocol.md, *Hall statistics*).

:class:`HallCounter` keeps, per local day: sessions, searches (with the top queries and the
zero-result queries), items viewed, guides printed, helper calls (waiting time, talk time,
outcome), identity checks (counts only) and ratings (counts per score). It is fed by
:mod:`kiosk.ops.stats_feed` from the core's observers and sent to the hub by
:mod:`kiosk.ops.stats_report`; it does no I/O itself.

A query is kept only as :func:`stat_query` makes it: spaces collapsed, at most
``QUERY_MAX`` characters, masked as log lines are (:func:`kiosk.logfilter.mask`), and then
every run of digits that was masked, or that is long enough to be a number of a person
(``LONG_DIGITS`` or more), replaced by ``[号码]``: no digit of an ID or a phone reaches
the hub, not even the four a masked log line keeps.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from typing import Any, Callable

from ..logfilter import mask

QUERY_MAX = 40          # characters of a query that are kept
QUERIES_KEPT = 300      # distinct queries counted per day (more: counted as searches only)
QUERIES_SENT = 50       # the top ones sent, and as many zero-result ones
LONG_DIGITS = 7         # a digit run this long is a number of someone's, whatever its shape
NUMBER = "[号码]"
_MASKED_RUN = re.compile(r"[0-9Xx*+\- ]*\*[0-9Xx*+\- ]*")
_LONG_RUN = re.compile(r"[0-9][0-9 \-]*[0-9Xx]")

CALL_OUTCOMES = ("answered", "no_helper", "timeout", "cancelled", "hub_lost", "unavailable")
IDENTITY_KINDS = ("started", "identified", "helper", "card_error", "face_failed")
SCALARS = ("sessions", "searches", "zero_searches", "items_viewed", "guides_printed", "calls",
           "calls_answered", "call_wait_s", "call_wait_max_s", "call_talk_s")


def stat_query(text: str) -> str:
    """``text`` as the statistics keep it ("" when nothing is left)."""
    text = " ".join(str(text).split())[:QUERY_MAX * 2]
    masked = mask(text)
    masked = _MASKED_RUN.sub(lambda m: _number(m.group(0)), masked)
    masked = _LONG_RUN.sub(lambda m: NUMBER if sum(c.isdigit() for c in m.group(0)) >= LONG_DIGITS
                           else m.group(0), masked)
    return " ".join(masked.split())[:QUERY_MAX].lower()


def _number(run: str) -> str:
    lead = " " if run.startswith(" ") else ""
    tail = " " if run.endswith(" ") else ""
    return f"{lead}{NUMBER}{tail}"


def new_day(day: str) -> dict[str, Any]:
    return {"day": day, "rev": 0, **{k: 0 for k in SCALARS},
            "call_outcomes": {}, "identity": {}, "ratings": {}, "queries": {}, "zero_queries": {}}


class HallCounter:
    """Counts per local day (``today()``), from any thread. ``days()`` is a copy for sending;
    ``acked(day, rev)`` marks what the hub stored (a past day it stored is dropped)."""

    def __init__(self, today: Callable[[], dt.date] = dt.date.today,
                 days: dict[str, dict[str, Any]] | None = None) -> None:
        self.today = today
        self._lock = threading.Lock()
        self._days: dict[str, dict[str, Any]] = dict(days or {})
        self._acked: dict[str, int] = {d: int(v.get("acked", 0)) for d, v in self._days.items()}
        self.changed = False            # since the last save (kiosk.ops.stats_report)

    # ------------------------------------------------------------------ counting
    def _day(self) -> dict[str, Any]:
        day = self.today().isoformat()
        if day not in self._days:
            self._days[day] = new_day(day)
        return self._days[day]

    def _bump(self, fn: Callable[[dict[str, Any]], None]) -> None:
        with self._lock:
            d = self._day()
            fn(d)
            d["rev"] += 1
            self.changed = True

    def add(self, key: str, n: int = 1) -> None:
        self._bump(lambda d: d.__setitem__(key, d[key] + n))

    def citizen_session(self) -> None:
        """One citizen's session, counted as it ends."""
        self.add("sessions")

    def item_viewed(self) -> None:
        self.add("items_viewed")

    def guide_printed(self) -> None:
        self.add("guides_printed")

    def searched(self, text: str, total: int) -> None:
        """One search, counted with its final query (kiosk.ops.stats_feed decides which)."""
        query = stat_query(text)

        def count(d: dict[str, Any]) -> None:
            d["searches"] += 1
            d["zero_searches"] += total == 0
            if not query:
                return
            for key, wanted in (("queries", True), ("zero_queries", total == 0)):
                if wanted and (query in d[key] or len(d[key]) < QUERIES_KEPT):
                    d[key][query] = d[key].get(query, 0) + 1
        self._bump(count)

    def call(self, outcome: str, wait_s: float, talk_s: float) -> None:
        """One helper call: how long the citizen waited, how long they talked, how it ended."""
        outcome = outcome if outcome in CALL_OUTCOMES else "cancelled"
        wait, talk = max(0, round(wait_s)), max(0, round(talk_s))

        def count(d: dict[str, Any]) -> None:
            d["calls"] += 1
            d["calls_answered"] += outcome == "answered"
            d["call_wait_s"] += wait
            d["call_wait_max_s"] = max(d["call_wait_max_s"], wait)
            d["call_talk_s"] += talk
            d["call_outcomes"][outcome] = d["call_outcomes"].get(outcome, 0) + 1
        self._bump(count)

    def identity(self, kind: str) -> None:
        if kind in IDENTITY_KINDS:
            self._bump(lambda d: d["identity"].__setitem__(kind, d["identity"].get(kind, 0) + 1))

    def rated(self, score: int) -> None:
        if score in (1, 2, 3, 4, 5):
            key = str(score)
            self._bump(lambda d: d["ratings"].__setitem__(key, d["ratings"].get(key, 0) + 1))

    # ------------------------------------------------------------------ for the hub
    def days(self) -> list[dict[str, Any]]:
        """Every kept day as the hub gets it (top queries only), oldest first."""
        with self._lock:
            return [message_day(d) for _k, d in sorted(self._days.items())]

    def unsent(self) -> list[dict[str, Any]]:
        """The days with counts the hub has not acknowledged, oldest first."""
        with self._lock:
            self._prune()
            return [message_day(d) for k, d in sorted(self._days.items()) if d["rev"] > self._acked.get(k, 0)]

    def acked(self, day: str, rev: int) -> None:
        with self._lock:
            if day in self._days:
                self._acked[day] = max(self._acked.get(day, 0), rev)
                self._prune()
                self.changed = True

    def _prune(self) -> None:
        """Past days the hub holds whole are dropped (today's was acknowledged before midnight)."""
        today = self.today().isoformat()
        for day in [k for k, d in self._days.items() if k < today and self._acked.get(k, 0) >= d["rev"]]:
            del self._days[day]
            self._acked.pop(day, None)
            self.changed = True

    def drop(self, day: str) -> bool:
        """Forgets ``day`` (the hub refused it: a clock that was wrong); whether it was kept."""
        with self._lock:
            self._acked.pop(day, None)
            self.changed = True
            return self._days.pop(day, None) is not None

    def keep_at_most(self, n: int) -> list[str]:
        """Drops the oldest days past ``n`` (the hub has been away that long); their names."""
        with self._lock:
            gone = sorted(self._days)[:-n] if len(self._days) > n else []
            for day in gone:
                del self._days[day]
                self._acked.pop(day, None)
            return gone

    def state(self) -> dict[str, dict[str, Any]]:
        """Everything kept, for the file (kiosk.ops.stats_report): full query counts, acks."""
        with self._lock:
            self._prune()
            self.changed = False
            return {k: {**_copy(d), "acked": self._acked.get(k, 0)} for k, d in self._days.items()}


def _copy(d: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in d.items()}


def _top(counts: dict[str, int]) -> list[list[Any]]:
    return [[q, n] for q, n in Counter(counts).most_common(QUERIES_SENT)]


def message_day(d: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in _copy(d).items() if k not in ("queries", "zero_queries", "acked")}
    out["queries"], out["zero_queries"] = _top(d["queries"]), _top(d["zero_queries"])
    return out
