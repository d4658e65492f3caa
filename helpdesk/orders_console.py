# SPDX-License-Identifier: Apache-2.0
"""The staff side of work orders and 好差评, for logged-in console sessions only
(``Authorization: Bearer <console token>``, :meth:`helpdesk.accounts.Accounts.check_token`).

- ``GET /api/orders``: open orders first (overdue, then by deadline), then closed ones.
- ``GET /api/orders/{id}``: the order (with the phone: staff call citizens back), its audit trail
  and its SMS notices (``sms``: event, sent or not yet, attempts, the last error; helpdesk/sms_queue.py)
  and its photos (``photos``: base64 JPEGs from the kiosk's document camera, shown as data: images).
- ``POST /api/orders/{id}/{assign|reply|close|return}`` ``{"detail": "..."}``: done as the
  logged-in helper, audited.
- ``GET /api/ratings/follow-ups``: 差评 still waiting for a follow-up, oldest due first.
- ``POST /api/ratings/{id}/follow-up`` ``{"outcome": "..."}``: the follow-up done (回访), its outcome
  recorded as the logged-in helper with the day (sealed at rest like the other texts).
JSON only: the console renders with textContent (nothing is inserted as HTML).
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any, Callable

import sqlalchemy as sa
from aiohttp import web

from helpdesk.accounts import Accounts
from helpdesk.order_crypt import SEALED_FIELDS
from helpdesk.orders import OrderError, OrderStore, order_events, order_photos, orders, sms_queue
from helpdesk.ratings_report import record_follow_up
from helpdesk.websurface import bearer

ACTIONS = ("assign", "reply", "close", "return")
MAX_BODY = 8 * 1024


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in row.items()}


class OrdersConsole:
    def __init__(self, store: OrderStore, accounts: Accounts,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store, self.accounts, self.today = store, accounts, today

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/orders", self.listing)
        app.router.add_get("/api/orders/{id}", self.detail)
        app.router.add_post("/api/orders/{id}/{action}", self.act)
        app.router.add_get("/api/ratings/follow-ups", self.follow_ups)
        app.router.add_post("/api/ratings/{id}/follow-up", self.follow_up_done)

    def _who(self, request: web.Request) -> str | None:
        account = self.accounts.check_token(bearer(request))
        return account.name if account is not None else None

    def worklist(self, today: dt.date, limit: int = 200) -> list[dict[str, Any]]:
        is_open = orders.c.status != "closed"
        overdue = sa.and_(is_open, orders.c.deadline < today)
        q = (sa.select(orders.c.id, orders.c.number, orders.c.category, orders.c.status, orders.c.deadline,
                       orders.c.assigned_to, orders.c.terminal, orders.c.created, overdue.label("overdue"))
             .order_by(sa.case((overdue, 0), (is_open, 1), else_=2), orders.c.deadline, orders.c.number)
             .limit(limit))
        with self.store.engine.connect() as db:
            return [_plain({**r._mapping, "overdue": bool(r.overdue)}) for r in db.execute(q)]

    def one(self, order_id: str) -> dict[str, Any] | None:
        with self.store.engine.connect() as db:
            row = db.execute(sa.select(orders).where(orders.c.id == order_id)).first()
            if row is None:
                return None
            events = db.execute(sa.select(order_events.c.at, order_events.c.actor, order_events.c.action,
                                          order_events.c.detail)
                                .where(order_events.c.order_id == order_id).order_by(order_events.c.seq))
            out = _plain({k: (self.store.opened(v) if k in SEALED_FIELDS + ("reply",) else v)  # a helper is logged in
                          for k, v in row._mapping.items() if k not in ("code_hash", "code_key")})
            out["history"] = [_plain({**e._mapping, "detail": self.store.opened(e.detail)}) for e in events]
            notices = db.execute(sa.select(sms_queue.c.event, sms_queue.c.created, sms_queue.c.sent,
                                           sms_queue.c.attempts, sms_queue.c.last_error)
                                 .where(sms_queue.c.order_id == order_id).order_by(sms_queue.c.seq))
            out["sms"] = [_plain(dict(n._mapping)) for n in notices]     # [sms]: was the citizen told?
            photos = db.execute(sa.select(order_photos.c.jpeg).where(order_photos.c.order_id == order_id)
                                .order_by(order_photos.c.n))
            out["photos"] = [base64.b64encode(self.store.opened(bytes(p.jpeg))).decode("ascii") for p in photos]
            return out

    async def listing(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        return web.json_response({"orders": await asyncio.to_thread(self.worklist, self.today())})

    async def detail(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        found = await asyncio.to_thread(self.one, request.match_info["id"])
        if found is None:
            return web.json_response({"error": "no such order"}, status=404)
        return web.json_response(found)

    async def act(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        action = request.match_info["action"]
        if action not in ACTIONS:
            return web.json_response({"error": f"action: one of {'/'.join(ACTIONS)}"}, status=400)
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"error": f"at most {MAX_BODY} bytes"}, status=413)
        try:
            body = json.loads(await request.read() or b"{}")
            detail = str(body.get("detail", "")).strip() if isinstance(body, dict) else ""
        except ValueError:
            return web.json_response({"error": "the body is not JSON"}, status=400)
        if action in ("assign", "reply") and not detail:
            return web.json_response({"error": f"detail: {action} needs "
                                      f"{'a helper' if action == 'assign' else 'the reply text'}"}, status=400)
        try:
            await asyncio.to_thread(self.store.act, request.match_info["id"], who, action, detail)
        except OrderError as exc:
            return web.json_response({"error": str(exc)}, status=404 if "no such" in str(exc) else 400)
        return web.json_response(await asyncio.to_thread(self.one, request.match_info["id"]))

    async def follow_ups(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        rows = await asyncio.to_thread(self.store.follow_ups)
        for r in rows:
            r["reasons"] = json.loads(r["reasons"] or "[]")
        return web.json_response({"follow_ups": [_plain(r) for r in rows]})

    async def follow_up_done(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"error": f"at most {MAX_BODY} bytes"}, status=413)
        try:
            body = json.loads(await request.read() or b"{}")
            outcome = str(body.get("outcome", "")) if isinstance(body, dict) else ""
        except ValueError:
            return web.json_response({"error": "the body is not JSON"}, status=400)
        try:
            done = await asyncio.to_thread(record_follow_up, self.store, request.match_info["id"], who, outcome)
        except OrderError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(done)

