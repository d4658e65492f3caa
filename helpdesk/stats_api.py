# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics on the hub: kiosks' ``stats`` stored, and the console's 统计 page
(helpdesk/static/stats.html) for logged-in console sessions only (``Authorization: Bearer
<console token>``).

- :class:`StatsDesk` takes a kiosk's ``stats`` message (helpdesk/stats.py checks it), stores it
  off the event loop, one message at a time, and answers ``stats_ack`` with each day and revision
  stored and each day refused (with why); when the store cannot be written the kiosk gets
  ``error`` ``stats_not_stored`` and keeps its counts to send again.
- ``GET /api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&terminal=ID``: per day (every day of the range,
  summed over the terminals), totals, per terminal, the top and the zero-result queries.
  Default range: the last 30 days. At most ``MAX_RANGE_DAYS``.
- ``GET /api/stats.csv?...&kind=days|queries``: one row per terminal and day (or per query),
  UTF-8 with a BOM (opens right in a spreadsheet); a cell that would start a formula is quoted
  with ``'``.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import logging
from typing import Any

import sqlalchemy as sa
from aiohttp import web

from helpdesk.model import RoutingError
from helpdesk.stats import CALL_OUTCOMES, IDENTITY_KINDS, SCALARS, SCORES, StatsStore, sort_days
from helpdesk.websurface import bearer

log = logging.getLogger(__name__)
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366
TOP = 20


class StatsDesk:
    """The kiosks' side: ``take`` is called from the kiosk socket's message loop."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.store = StatsStore(hub.orders.engine) if hub.orders is not None else None
        self._lock: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task] = set()

    def today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.hub.clock()).date()

    def take(self, conn: Any, terminal: str, data: dict) -> None:
        if not self.hub.status_limit.allow(terminal):
            raise RoutingError("rate_limited", "too many stats messages; send again later")
        days, refused = sort_days(data, self.today())
        if self.store is None:
            raise RoutingError("stats_not_stored", "this hub keeps no statistics (no orders_url)")
        for r in refused:
            log.warning("stats from %r: day %r refused: %s", terminal, r["day"], r["why"])
        task = asyncio.ensure_future(self._put(conn, terminal, days, refused))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _put(self, conn: Any, terminal: str, days: list[dict[str, Any]], refused: list[dict[str, str]]) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:           # one after the other: a later message is never overwritten
            try:
                if days:
                    await asyncio.to_thread(self.store.put, terminal, days)
            except sa.exc.SQLAlchemyError as exc:
                log.error("stats from %r not stored: %s", terminal, type(exc).__name__)
                conn.send({"type": "error", "code": "stats_not_stored", "in_reply_to": "stats",
                           "message": "the hub's store is not reachable; send again later"})
                return
        conn.send({"type": "stats_ack", "days": [{"day": d["day"].isoformat(), "rev": d["rev"]} for d in days],
                   "refused": refused})

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _range(request: web.Request, today: dt.date) -> tuple[dt.date, dt.date, str | None]:
    q = request.query
    try:
        end = dt.date.fromisoformat(q["to"]) if q.get("to") else today
        start = dt.date.fromisoformat(q["from"]) if q.get("from") else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "from, to: dates YYYY-MM-DD"}',
                                 content_type="application/json") from None
    if start > end or (end - start).days >= MAX_RANGE_DAYS:
        raise web.HTTPBadRequest(text=f'{{"error": "from <= to, at most {MAX_RANGE_DAYS} days"}}',
                                 content_type="application/json")
    terminal = (q.get("terminal") or "").strip()[:40] or None
    return start, end, terminal


def _merge(into: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def summary(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Per day (every day of the range), per terminal and in total, from the stored rows."""
    def blank() -> dict[str, Any]:
        return {**{k: 0 for k in SCALARS}, "call_outcomes": {}, "identity": {}, "ratings": {}}

    by_day = {start + dt.timedelta(days=i): blank() for i in range((end - start).days + 1)}
    by_terminal: dict[str, dict[str, Any]] = {}
    total = blank()
    for r in rows:
        for acc in (by_day[r["day"]], by_terminal.setdefault(r["terminal"], blank()), total):
            for k in SCALARS:
                acc[k] = max(acc[k], r[k]) if k == "call_wait_max_s" else acc[k] + r[k]
            for k in ("call_outcomes", "identity", "ratings"):
                _merge(acc[k], r[k])

    def shown(acc: dict[str, Any]) -> dict[str, Any]:
        calls = acc["calls"]
        return {**acc, "call_wait_avg_s": round(acc["call_wait_s"] / calls, 1) if calls else None,
                "call_talk_avg_s": round(acc["call_talk_s"] / acc["calls_answered"], 1) if acc["calls_answered"] else None}
    return {"days": [{"day": d.isoformat(), **shown(acc)} for d, acc in by_day.items()],
            "terminals": [{"terminal": t, **shown(acc)} for t, acc in sorted(by_terminal.items())],
            "totals": shown(total)}


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class StatsApi:
    def __init__(self, hub: Any) -> None:
        self.hub = hub

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/stats", self.listing)
        app.router.add_get("/api/stats.csv", self.csv)

    def _refused(self, request: web.Request) -> web.Response | None:
        if self.hub.accounts.check_token(bearer(request)) is None:
            return web.json_response({"error": "log in"}, status=401)
        if self.hub.stats.store is None:
            return web.json_response({"error": "这个帮办中心没有配置记录库（orders_url），不保存统计"}, status=503)
        return None

    async def listing(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        start, end, terminal = _range(request, self.hub.stats.today())
        store = self.hub.stats.store

        def read() -> dict[str, Any]:
            return {**summary(store.days(start, end, terminal), start, end),
                    "top_queries": store.top_queries(start, end, False, terminal, TOP),
                    "zero_queries": store.top_queries(start, end, True, terminal, TOP)}
        body = await asyncio.to_thread(read)
        return web.json_response({"from": start.isoformat(), "to": end.isoformat(), "terminal": terminal, **body})

    async def csv(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        start, end, terminal = _range(request, self.hub.stats.today())
        kind = request.query.get("kind", "days")
        if kind not in ("days", "queries"):
            return web.json_response({"error": "kind: days or queries"}, status=400)
        text = await asyncio.to_thread(self._csv_text, kind, start, end, terminal)
        name = f"ehall-stats-{kind}-{start.isoformat()}-{end.isoformat()}.csv"
        return web.Response(body=text.encode("utf-8-sig"), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def _csv_text(self, kind: str, start: dt.date, end: dt.date, terminal: str | None) -> str:
        store, out = self.hub.stats.store, io.StringIO()
        w = csv.writer(out)
        if kind == "queries":
            w.writerow(["terminal", "day", "list", "query", "count"])
            for r in store.query_rows(start, end, terminal):
                w.writerow([_cell(r["terminal"]), r["day"].isoformat(), "zero_result" if r["zero"] else "all",
                            _cell(r["query"]), r["count"]])
            return out.getvalue()
        w.writerow(["terminal", "day", *SCALARS, *(f"call_{o}" for o in CALL_OUTCOMES),
                    *(f"identity_{k}" for k in IDENTITY_KINDS), *(f"rating_{s}" for s in SCORES)])
        for r in store.days(start, end, terminal):
            w.writerow([_cell(r["terminal"]), r["day"].isoformat(), *(r[k] for k in SCALARS),
                        *(r["call_outcomes"].get(o, 0) for o in CALL_OUTCOMES),
                        *(r["identity"].get(k, 0) for k in IDENTITY_KINDS), *(r["ratings"].get(s, 0) for s in SCORES)])
        return out.getvalue()
