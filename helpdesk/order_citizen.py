# SPDX-License-Identifier: Apache-2.0
"""查看我的工单 on the hub: an identified citizen's orders by their citizen tag (docs/workorders.md).

The kiosk's identity worker makes the tag (an HMAC of the ID number under the hall's tag key,
kiosk/citizen_tag.py); an order carries it only when the citizen agreed at the kiosk, and
:meth:`helpdesk.orders.OrderStore.submit_order` keeps it keyed again with the orders' key, like
the 查询码's hash, so a copy of the database cannot be searched with tags either; ``orders.tag_key``
names the key, and a lookup after a key rotation keys the found tags with the newest one (as a
查询码 lookup does), so ``orders retire-keys`` waits for them too (helpdesk/order_keys.py).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ehall_common.order_code import is_hash
from helpdesk.orders import OrderStore, orders

MAX_ORDERS = 20


def by_citizen(store: OrderStore, tag: str, limit: int = MAX_ORDERS) -> list[dict[str, Any]]:
    """The orders filed with ``tag`` (64 hex), newest first: number, category, status, deadline and
    whether the staff replied; never the phone, the name, the description or the reply's text.
    Each key's form is tried (after a key rotation the older ones still find their orders)."""
    if not is_hash(tag):
        return []
    keyed = store.cipher.keyed(tag) if store.cipher else []
    wanted = {h for _k, h in keyed} | {tag}     # and as sent: kept before the store had a key
    q = (sa.select(orders.c.number, orders.c.category, orders.c.status, orders.c.deadline,
                   orders.c.reply.is_not(None).label("replied"), orders.c.created, orders.c.citizen_tag)
         .where(orders.c.citizen_tag.in_(wanted))
         .order_by(orders.c.created.desc(), orders.c.number.desc()).limit(min(limit, 50)))
    with store.engine.connect() as db:
        rows = list(db.execute(q))
    if keyed and any(r.citizen_tag != keyed[0][1] for r in rows):
        with store.engine.begin() as db:        # after a key rotation: keyed with the newest key now
            db.execute(orders.update().where(orders.c.citizen_tag.in_(wanted - {keyed[0][1]}))
                       .values(citizen_tag=keyed[0][1], tag_key=keyed[0][0]))
    return [{k: v for k, v in r._mapping.items() if k not in ("created", "citizen_tag")} for r in rows]
