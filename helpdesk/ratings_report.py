# SPDX-License-Identifier: Apache-2.0
"""好差评 reports for the staff console (issue 11; docs/ratings.md): satisfaction per helper, item,
terminal or month, the count and share of 差评 and how their follow-ups stand, and CSV.

- ``GET /api/ratings/report?by=helper|item|terminal|month&from=YYYY-MM-DD&to=YYYY-MM-DD``: for a
  logged-in console session (``Authorization: Bearer …``). One row per group, largest first
  (months in order): ``key``, ``count``, ``mean`` (score 1–5), ``satisfied`` (share of 满意 and
  非常满意), ``bad`` (差评: 不满意 and 非常不满意) and ``bad_share``, and the 差评's follow-ups:
  ``follow_up_done``, ``follow_up_open``, ``follow_up_overdue``. ``&format=csv`` gives the same
  table as a CSV file (UTF-8 with a BOM, so a spreadsheet opens the Chinese right).
- Nothing personal is in a rating (docs/workorders.md): its target (a call, an item, an order's
  number, a session's last item), the terminal, the helper's name, the score and the reasons.
  ``item`` groups the ratings that name an item (a printed guide, an item's page, the session's
  last item); calls and orders have no item and are left out of that view.
- :func:`record_follow_up`: a 差评's 回访 done, its outcome kept sealed (the console's 记录回访).
- Grouping is done here, not in SQL, so SQLite and PostgreSQL give the same months in the hall's
  time zone; a year of a busy hall (~100 000 ratings) is a few hundred milliseconds.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections import defaultdict
from typing import Any, Callable

import sqlalchemy as sa
from aiohttp import web

from helpdesk.orders import OrderError, ratings
from helpdesk.websurface import bearer

VIEWS = ("helper", "item", "terminal", "month")
ITEM_TARGETS = ("guide", "item", "session")
COLUMNS = ("key", "count", "mean", "satisfied", "bad", "bad_share",
           "follow_up_done", "follow_up_open", "follow_up_overdue")
MAX_DAYS = 731


def report(engine: Any, by: str, start: dt.date, end: dt.date, today: dt.date) -> list[dict[str, Any]]:
    """The table for ``by`` over the ratings made from ``start`` to ``end`` (the hall's days)."""
    if by not in VIEWS:
        raise ValueError(f"by: one of {', '.join(VIEWS)}")
    tz = dt.datetime.now().astimezone().tzinfo
    low = dt.datetime.combine(start, dt.time(), tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
    q = (sa.select(ratings.c.target_kind, ratings.c.target_id, ratings.c.terminal, ratings.c.helper,
                   ratings.c.score, ratings.c.created, ratings.c.follow_up_due, ratings.c.follow_up_done)
         .where(ratings.c.created >= low, ratings.c.created < high))
    groups: dict[str, list[Any]] = defaultdict(list)
    with engine.connect() as db:
        for r in db.execute(q):
            key = _key(by, r, tz)
            if key is not None:
                groups[key].append(r)
    rows = [_row(key, rs, today) for key, rs in groups.items()]
    if by == "month":
        return sorted(rows, key=lambda row: row["key"])
    return sorted(rows, key=lambda row: (-row["count"], row["key"]))


def _key(by: str, r: Any, tz: Any) -> str | None:
    if by == "helper":
        return r.helper or "—"                 # a rating with no helper: a guide, a session
    if by == "terminal":
        return r.terminal
    if by == "item":
        return r.target_id if r.target_kind in ITEM_TARGETS and r.target_id else None
    created = r.created if r.created.tzinfo else r.created.replace(tzinfo=dt.timezone.utc)   # SQLite
    return f"{created.astimezone(tz):%Y-%m}"


def _row(key: str, rs: list[Any], today: dt.date) -> dict[str, Any]:
    n = len(rs)
    bad = [r for r in rs if r.score <= 2]
    done = sum(1 for r in bad if r.follow_up_done)
    open_ = [r for r in bad if not r.follow_up_done and r.follow_up_due is not None]
    return {"key": key, "count": n, "mean": round(sum(r.score for r in rs) / n, 2),
            "satisfied": round(sum(1 for r in rs if r.score >= 4) / n, 3),
            "bad": len(bad), "bad_share": round(len(bad) / n, 3),
            "follow_up_done": done, "follow_up_open": len(open_),
            "follow_up_overdue": sum(1 for r in open_ if r.follow_up_due < today)}


def record_follow_up(store: Any, rating_id: str, actor: str, outcome: str,
                     now: dt.datetime | None = None) -> dict[str, Any]:
    """A 差评's follow-up done (回访): the outcome the staff recorded, with the day and who; once.
    OrderError for no such 差评, one already recorded, or an empty / too long outcome."""
    text = outcome.strip()
    if not text or len(text) > 300:
        raise OrderError("outcome: 1 to 300 characters")
    now = now or dt.datetime.now(dt.timezone.utc)
    done = f"{now.astimezone():%Y-%m-%d} {actor[:64]}：{text}"
    with store.engine.begin() as db:
        changed = db.execute(ratings.update().where(
            ratings.c.id == rating_id, ratings.c.follow_up_due.is_not(None), ratings.c.follow_up_done.is_(None))
            .values(follow_up_done=store._seal(done))).rowcount
    if not changed:
        raise OrderError("no 差评 waiting for a follow-up with that id")
    return {"id": rating_id, "follow_up_done": done}


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for row in rows:                           # a key a spreadsheet would run as a formula is quoted
        w.writerow({**row, "key": "'" + row["key"] if row["key"][:1] in "=+-@" else row["key"]})
    return "\ufeff" + out.getvalue()


class RatingsReport:
    def __init__(self, store: Any, accounts: Any, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store, self.accounts, self.today = store, accounts, today

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/ratings/report", self.get)

    async def get(self, request: web.Request) -> web.Response:
        if self.accounts.check_token(bearer(request)) is None:
            return web.json_response({"error": "log in"}, status=401)
        today = self.today()
        try:
            by = request.query.get("by", "helper")
            end = dt.date.fromisoformat(request.query.get("to", today.isoformat()))
            start = dt.date.fromisoformat(request.query.get("from", (end - dt.timedelta(days=29)).isoformat()))
            if not start <= end or (end - start).days > MAX_DAYS:
                raise ValueError(f"from..to: at most {MAX_DAYS} days, from not after to")
            rows = await asyncio.to_thread(report, self.store.engine, by, start, end, today)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        if request.query.get("format") == "csv":
            name = f"ehall-ratings-{by}-{start}-{end}.csv"
            return web.Response(text=as_csv(rows), content_type="text/csv", charset="utf-8",
                                headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return web.json_response({"by": by, "from": start.isoformat(), "to": end.isoformat(), "rows": rows})
