# SPDX-License-Identifier: Apache-2.0
"""How long the hub keeps a citizen's work order (工单): ``order_retention_days`` after it was
closed (办结), then the order goes with everything tied to it: its photos, audit trail and SMS
notices (:meth:`helpdesk.orders.OrderStore.delete_order`). The phone number, the description
and the photos are personal data kept for one purpose, the citizen's request; once it is done
and the hall's time to look back at it has passed, they go.

Kept longer: an order that is not closed (staff still owe an answer), and a closed one whose 差评
follow-up is still open. Kept always: the ratings' scores and reasons and the statistics (no
phone, no description: helpdesk/stats.py). The sweep runs at the hub's start and then at most
once an hour on its ticker; ``ehall-helpdesk db purge`` runs it now. Logs say counts only.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

import sqlalchemy as sa

from helpdesk.orders import OrderStore, order_events, orders, ratings

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 3600.0


def expired(store: OrderStore, before: dt.datetime) -> list[str]:
    """Ids of closed orders whose last event is older than ``before`` and that no open 差评
    follow-up still needs."""
    last = (sa.select(order_events.c.order_id, sa.func.max(order_events.c.at).label("last"))
            .group_by(order_events.c.order_id).subquery())
    open_follow_up = (sa.select(ratings.c.target_id)
                      .where(ratings.c.target_kind == "order", ratings.c.target_id.is_not(None),
                             ratings.c.follow_up_due.is_not(None),
                             ratings.c.follow_up_done.is_(None)))
    q = (sa.select(orders.c.id).join(last, last.c.order_id == orders.c.id)
         .where(orders.c.status == "closed", last.c.last < before,
                orders.c.id.notin_(open_follow_up), orders.c.number.notin_(open_follow_up)))
    with store.engine.connect() as db:
        return [r.id for r in db.execute(q)]


def purge(store: OrderStore, days: int, now: dt.datetime) -> int:
    """Deletes what ``days`` of retention have passed for; returns how many orders went."""
    ids = expired(store, now - dt.timedelta(days=days))
    gone = sum(1 for order_id in ids if store.delete_order(order_id))
    if gone:
        log.info("work-order retention: deleted %d closed order(s) older than %d days, with their photos, "
                 "audit trail and notices", gone, days)
    return gone


class OrderRetention:
    """The hub's sweep: ``tick()`` on the ticker, ``sweep()`` at start."""

    def __init__(self, store: OrderStore, days: int, clock: Callable[[], float]):
        self.store, self.days, self.clock = store, days, clock
        self._last = float("-inf")

    def tick(self) -> int:
        if self.clock() - self._last < SWEEP_EVERY_S:
            return 0
        return self.sweep()

    def sweep(self) -> int:
        self._last = self.clock()
        try:
            return purge(self.store, self.days, dt.datetime.fromtimestamp(self._last, dt.timezone.utc))
        except sa.exc.SQLAlchemyError as exc:       # the store is down: the next hour tries again
            log.warning("work-order retention: sweep failed (%s)", type(exc).__name__)
            return 0
