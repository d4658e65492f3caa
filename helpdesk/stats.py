# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics on the hub: what each terminal counted per day (docs/assist-protocol.md,
*Hall statistics*; the console's 统计 page, helpdesk/stats_api.py).

Kiosks send ``stats`` over their authenticated socket; :func:`parse_days` checks and bounds it,
:meth:`StatsStore.put` keeps each (terminal, day) as the kiosk last counted it (a day sent again
replaces the one stored: the kiosk's counts only grow, and it resends until it is acknowledged),
in the records' store (SQLite or PostgreSQL through SQLAlchemy, helpdesk/migrations 0003).
No citizen data: counts, and queries the kiosk masked (kiosk/ops/stats.py: no digits of an ID
or a phone); the hub masks them once more, with the same rule, before storing.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa

from helpdesk.model import RoutingError
from helpdesk.orders import STATS_SCALARS as SCALARS, stats_days, stats_queries

CALL_OUTCOMES = ("answered", "no_helper", "timeout", "cancelled", "hub_lost", "unavailable")
IDENTITY_KINDS = ("started", "identified", "helper", "card_error", "face_failed")
SCORES = ("1", "2", "3", "4", "5")
MAX_DAYS = 7             # days in one message
MAX_QUERIES = 50         # top queries per day (and as many zero-result ones)
QUERY_MAX = 40           # stats_queries.query's length
MAX_COUNT = 10 ** 7
_DIGITS = re.compile(r"[0-9][0-9 \-]*[0-9Xx]")



def _bad(what: str) -> RoutingError:
    return RoutingError("bad_message", f"stats: {what}")


def _count(val: Any, what: str) -> int:
    if isinstance(val, bool) or not isinstance(val, int) or not 0 <= val <= MAX_COUNT:
        raise _bad(f"{what} must be a whole number from 0 to {MAX_COUNT}")
    return val


def _counts(raw: Any, keys: tuple[str, ...], what: str) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not set(raw) <= set(keys):
        raise _bad(f"{what}: an object of {', '.join(keys)}")
    return {k: _count(v, f"{what}.{k}") for k, v in raw.items() if v}


def clean_query(text: str) -> str:
    """The hub's own guard: a run of 7 or more digits (or one the kiosk masked) becomes [号码]."""
    text = re.sub(r"[0-9Xx*+\- ]*\*[0-9Xx*+\- ]*", "[号码]", text)
    text = _DIGITS.sub(lambda m: "[号码]" if sum(c.isdigit() for c in m.group(0)) >= 7 else m.group(0), text)
    return " ".join(text.split())[:QUERY_MAX]


def _queries(raw: Any, what: str) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, list) or len(raw) > MAX_QUERIES:
        raise _bad(f"{what}: a list of at most {MAX_QUERIES} [query, count]")
    out: dict[str, int] = {}
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str) \
                or not 0 < len(pair[0]) <= QUERY_MAX:
            raise _bad(f"{what}: each is [query of 1-{QUERY_MAX} characters, count]")
        query = clean_query(pair[0])
        if query:
            out[query] = out.get(query, 0) + _count(pair[1], f"{what} count")
    return out


def parse_day(raw: Any, today: dt.date) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad("each day is an object")
    try:
        day = dt.date.fromisoformat(str(raw.get("day")))
    except ValueError:
        raise _bad("day: a date YYYY-MM-DD") from None
    if not dt.date(2020, 1, 1) <= day <= today + dt.timedelta(days=1):
        raise _bad("day: not in the future, not before 2020")
    out: dict[str, Any] = {"day": day, "rev": _count(raw.get("rev", 0), "rev")}
    for key in SCALARS:
        out[key] = _count(raw.get(key, 0), key)
    out["call_outcomes"] = _counts(raw.get("call_outcomes"), CALL_OUTCOMES, "call_outcomes")
    out["identity"] = _counts(raw.get("identity"), IDENTITY_KINDS, "identity")
    out["ratings"] = _counts(raw.get("ratings"), SCORES, "ratings")
    out["queries"] = _queries(raw.get("queries"), "queries")
    out["zero_queries"] = _queries(raw.get("zero_queries"), "zero_queries")
    return out


def sort_days(data: dict, today: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The checked, bounded days of one ``stats`` message (only the documented fields are kept),
    and the days refused, each ``{"day", "why"}``: one bad day never holds back the others.
    RoutingError ``bad_message`` when the message itself is malformed."""
    days = data.get("days")
    if not isinstance(days, list) or not 0 < len(days) <= MAX_DAYS:
        raise _bad(f"days: a list of 1 to {MAX_DAYS} days")
    good: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    for raw in days:
        try:
            good.append(parse_day(raw, today))
        except RoutingError as exc:
            day = raw.get("day") if isinstance(raw, dict) else None
            refused.append({"day": day[:10] if isinstance(day, str) else "", "why": str(exc)})
    if len({d["day"] for d in good}) != len(good):
        raise _bad("days: each day once")
    return good, refused


def parse_days(data: dict, today: dt.date) -> list[dict[str, Any]]:
    """Every day of a ``stats`` message, checked; RoutingError on the first that is not right."""
    good, refused = sort_days(data, today)
    if refused:
        raise _bad(refused[0]["why"].removeprefix("stats: "))
    return good


class StatsStore:
    """The two tables on the records' engine (helpdesk.orders.OrderStore's)."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def put(self, terminal: str, days: list[dict[str, Any]], now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as db:
            for d in days:
                key = (stats_days.c.terminal == terminal) & (stats_days.c.day == d["day"])
                db.execute(stats_days.delete().where(key))
                db.execute(stats_queries.delete().where((stats_queries.c.terminal == terminal)
                                                        & (stats_queries.c.day == d["day"])))
                db.execute(stats_days.insert().values(
                    terminal=terminal, day=d["day"], rev=d["rev"], received=now,
                    **{k: d[k] for k in SCALARS},
                    **{k: json.dumps(d[k], sort_keys=True) for k in ("call_outcomes", "identity", "ratings")}))
                rows = [{"terminal": terminal, "day": d["day"], "zero": zero, "query": q, "count": n}
                        for zero, key in ((False, "queries"), (True, "zero_queries")) for q, n in d[key].items()]
                if rows:
                    db.execute(stats_queries.insert(), rows)

    def days(self, start: dt.date, end: dt.date, terminal: str | None = None) -> list[dict[str, Any]]:
        """Every stored (terminal, day) from ``start`` to ``end``, by day then terminal."""
        q = sa.select(stats_days).where(stats_days.c.day >= start, stats_days.c.day <= end)
        if terminal:
            q = q.where(stats_days.c.terminal == terminal)
        with self.engine.connect() as db:
            rows = [dict(r._mapping) for r in db.execute(q.order_by(stats_days.c.day, stats_days.c.terminal))]
        for r in rows:
            for k in ("call_outcomes", "identity", "ratings"):
                r[k] = json.loads(r[k] or "{}")
        return rows

    def top_queries(self, start: dt.date, end: dt.date, zero: bool, terminal: str | None = None,
                    limit: int = 20) -> list[dict[str, Any]]:
        total = sa.func.sum(stats_queries.c.count).label("count")
        q = (sa.select(stats_queries.c.query, total)
             .where(stats_queries.c.day >= start, stats_queries.c.day <= end, stats_queries.c.zero == zero))
        if terminal:
            q = q.where(stats_queries.c.terminal == terminal)
        q = q.group_by(stats_queries.c.query).order_by(total.desc(), stats_queries.c.query).limit(limit)
        with self.engine.connect() as db:
            return [{"query": r.query, "count": int(r.count)} for r in db.execute(q)]

    def query_rows(self, start: dt.date, end: dt.date, terminal: str | None = None) -> list[dict[str, Any]]:
        """Every stored query count (for the CSV), by day, terminal, list and count."""
        q = sa.select(stats_queries).where(stats_queries.c.day >= start, stats_queries.c.day <= end)
        if terminal:
            q = q.where(stats_queries.c.terminal == terminal)
        q = q.order_by(stats_queries.c.day, stats_queries.c.terminal, stats_queries.c.zero,
                       stats_queries.c.count.desc(), stats_queries.c.query)
        with self.engine.connect() as db:
            return [dict(r._mapping) for r in db.execute(q)]
