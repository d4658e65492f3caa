# SPDX-License-Identifier: Apache-2.0
"""The retention rule for work orders (工单) on the hub (docs/workorders.md *Retention*).

An order is deleted, with its photos, its audit trail and its SMS notices, when

- it is 已办结 (``closed``) and was closed more than ``order_retention_days`` ago (the last
  ``close`` of its audit trail; an order closed without one counts from its filing), and
- it has no 差评 whose follow-up (回访) is still open: the follow-up first, then the deletion.

Orders that are not closed are never deleted: the hall still owes an answer. What stays is what
has no person in it: the ratings (score, reasons, terminal, helper: the satisfaction reports),
the hall's daily statistics (``stats_days``) and the call log.

The hub sweeps at start and then once a day on its loop (:class:`RetentionSweeper`);
``ehall-helpdesk orders sweep`` runs it now. Logs give counts only, never a number or a phone.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from helpdesk.orders import OrderStore, order_events, order_photos, order_rating_id, orders, ratings, sms_queue

log = logging.getLogger(__name__)
DAY_S = 86400.0
BATCH = 200                     # orders per transaction: a big first sweep does not hold the store long


@dataclass(frozen=True)
class SweepResult:
    orders: int = 0
    photos: int = 0
    events: int = 0
    notices: int = 0
    kept_for_follow_up: int = 0     # closed and old enough, but a 差评's follow-up is still open

    def __str__(self) -> str:
        return (f"{self.orders} order(s) deleted with {self.photos} photo(s), {self.events} audit "
                f"row(s), {self.notices} SMS notice(s); {self.kept_for_follow_up} kept for an open "
                "差评 follow-up")


def _utc(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)


def utc_at(t: float) -> dt.datetime:
    """A clock's seconds (the hub's ``clock()``) as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(t, dt.timezone.utc)


def due(store: OrderStore, days: int, now: dt.datetime | None = None) -> tuple[list[str], int]:
    """The ids of the closed orders past the retention, and how many more wait for a follow-up."""
    cutoff = _utc(now) - dt.timedelta(days=days)
    closed_at = (sa.select(order_events.c.order_id, sa.func.max(order_events.c.at).label("at"))
                 .where(order_events.c.action == "close").group_by(order_events.c.order_id).subquery())
    q = (sa.select(orders.c.id).select_from(orders.outerjoin(closed_at, closed_at.c.order_id == orders.c.id))
         .where(orders.c.status == "closed", sa.func.coalesce(closed_at.c.at, orders.c.created) < cutoff))
    with store.engine.connect() as db:
        ids = [r.id for r in db.execute(q)]
        open_follow_ups = {r.id for r in db.execute(
            sa.select(ratings.c.id).where(ratings.c.follow_up_due.is_not(None), ratings.c.follow_up_done.is_(None),
                                          ratings.c.target_kind == "order"))}
    waiting = [i for i in ids if order_rating_id(i) in open_follow_ups]
    return [i for i in ids if order_rating_id(i) not in open_follow_ups], len(waiting)


def sweep(store: OrderStore, days: int, now: dt.datetime | None = None) -> SweepResult:
    """Deletes what the rule says is due (see the module's text); returns the counts."""
    ids, waiting = due(store, days, now)
    counts = {"orders": 0, "photos": 0, "events": 0, "notices": 0}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with store.engine.begin() as db:
            for key, table in (("photos", order_photos), ("notices", sms_queue), ("events", order_events)):
                counts[key] += db.execute(table.delete().where(table.c.order_id.in_(chunk))).rowcount
            counts["orders"] += db.execute(orders.delete().where(orders.c.id.in_(chunk),
                                                                 orders.c.status == "closed")).rowcount
    return SweepResult(**counts, kept_for_follow_up=waiting)


class RetentionSweeper:
    """Runs :func:`sweep` on the hub's loop: at start, then every ``every_s`` (a day)."""

    def __init__(self, store: OrderStore, days: int, now: Callable[[], dt.datetime] = lambda: _utc(None),
                 every_s: float = DAY_S) -> None:
        self.store, self.days, self.now, self.every_s = store, days, now, every_s
        self.last: SweepResult | None = None

    def run_once(self) -> SweepResult:
        result = sweep(self.store, self.days, self.now())
        self.last = result
        log.info("order retention (%d days): %s", self.days, result)
        return result

    async def run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.run_once)
            except Exception as exc:        # the store away for a moment: the next day's sweep catches up
                log.error("order retention: sweep failed (%s); next try in %.0f h", type(exc).__name__,
                          self.every_s / 3600)
            await asyncio.sleep(self.every_s)
