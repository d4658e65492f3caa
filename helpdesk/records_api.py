# SPDX-License-Identifier: Apache-2.0
"""The hub's records API: what a kiosk's outbox (:mod:`kiosk.records.outbox`) posts.

``POST /api/records`` with ``Authorization: Bearer <kiosk token>`` and
``X-Ehall-Terminal: <terminal id>`` (the credentials the kiosk already uses for assist,
checked and throttled by :class:`helpdesk.kiosks.KioskGate`), body
``{"id", "kind": "order"|"rating"|"question", "payload": {...}, "phone"}`` (at most 16 KiB;
a question carries no phone and nothing about the citizen: helpdesk/questions.py).

``POST /api/records/status`` ``{"code": "<查询码>"}`` with the same credentials: the order's
status for the citizen at the kiosk (number, status in words, deadline, reply; never the phone,
the name or the description). 5 wrong codes from one terminal in 10 minutes: 429 for the rest of
the window, even for a right code.

``POST /api/records/mine`` ``{"tag": "<citizen tag>"}`` with the same credentials: 查看我的工单,
the orders an identified citizen agreed to find with their ID card (the tag is an HMAC the kiosk's
identity worker made of the ID number; the hub keeps it keyed again): ``{"ok": true, "orders":
[{"number", "category", "status", "words", "deadline", "replied"}]}``, newest first, at most 20;
never the phone, the name, the description or the reply. Rate-limited like codes: 5 answers
without an order from one terminal in 10 minutes, then 429 for the rest of the window.

Answers: 200 ``{"ok": true, ...}`` (also for an id taken before: the outbox may send twice),
400 ``{"error": "<field>: <what is allowed>"}``, 401, 413, 429 with ``Retry-After``,
503 when the store cannot be reached (the outbox sends again later).
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from typing import Any, Callable

import sqlalchemy as sa
from aiohttp import web

from helpdesk.kiosks import KioskGate
from helpdesk.orders import OrderError, OrderStore
from helpdesk.throttle import RefusalThrottle

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024
# an order may carry the document camera's photos (helpdesk/order_photos.py), base64 in the JSON
MAX_ORDER_BODY = MAX_BODY + 3 * 270_000
TERMINAL_HEADER = "X-Ehall-Terminal"
KINDS = ("order", "rating", "question")


def _error(status: int, text: str, **headers: str) -> web.Response:
    return web.json_response({"error": text}, status=status, headers=headers or None)


STATUS_WORDS = {"submitted": "已受理，等待分派", "assigned": "已分派，正在办理", "replied": "已答复",
                "closed": "已办结", "returned": "已退回"}


class RecordsApi:
    def __init__(self, store: OrderStore, gate: KioskGate, clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.gate = store, gate
        self.guesses = RefusalThrottle(clock, 5, 600.0, what="wrong 查询码 from terminal", answer="status_throttled")
        self.tag_misses = RefusalThrottle(clock, 5, 600.0, what="card lookups without orders from terminal",
                                          answer="mine_throttled")

    def install(self, app: web.Application) -> None:
        app.router.add_post("/api/records", self.post)
        app.router.add_post("/api/records/status", self.status)
        app.router.add_post("/api/records/mine", self.mine)

    async def _admit(self, request: web.Request, limit: int = MAX_BODY) -> tuple[str, web.Response | None]:
        if request.content_length is None or request.content_length > limit:
            return "", _error(413, f"a record is at most {limit} bytes, with Content-Length")
        terminal = request.headers.get(TERMINAL_HEADER, "").strip()
        if not terminal or len(terminal) > 64:
            return "", _error(401, f"{TERMINAL_HEADER}: the terminal id is required")
        remote = self.gate.address(request.remote, request.headers.getall("X-Forwarded-For", ()))
        verdict = await self.gate.admit(terminal, request.headers.get("Authorization"), remote)
        if not verdict.ok:
            if verdict.reason == "throttled":
                return "", _error(429, "too many refused attempts", **{"Retry-After": str(verdict.retry_after_s)})
            if verdict.reason == "registry_error":
                return "", _error(503, "the hub cannot check kiosks now")
            return "", _error(401, "this terminal is not registered or its token is wrong")
        return terminal, None

    async def status(self, request: web.Request) -> web.Response:
        """A citizen's 查询码 typed at a kiosk: the order as its status page shows it."""
        terminal, refused = await self._admit(request)
        if refused is not None:
            return refused
        wait = self.guesses.retry_after(terminal)
        if wait:
            return _error(429, "too many wrong codes from this terminal", **{"Retry-After": str(math.ceil(wait))})
        try:
            body = json.loads(await request.read())
            code = str(body.get("code", ""))[:16] if isinstance(body, dict) else ""
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if not code.strip():
            return _error(400, "code: the 查询码")
        try:
            found = await asyncio.to_thread(self.store.status, code)
        except sa.exc.SQLAlchemyError as exc:
            log.error("records: store error for a status from %r: %s", terminal, type(exc).__name__)
            return _error(503, "the hub's store is not reachable")
        if found is None:
            self.guesses.refused(terminal)
            return _error(404, "no order with this code")
        self.guesses.admitted(terminal)
        return web.json_response({"ok": True, "number": found["number"], "category": found["category"],
                                  "status": found["status"], "words": STATUS_WORDS.get(found["status"], found["status"]),
                                  "deadline": found["deadline"].isoformat(), "reply": found["reply"] or "",
                                  "rated": found["rated"]})

    async def mine(self, request: web.Request) -> web.Response:
        """查看我的工单: an identified citizen's orders by the kiosk's citizen tag."""
        terminal, refused = await self._admit(request)
        if refused is not None:
            return refused
        wait = self.tag_misses.retry_after(terminal)
        if wait:
            return _error(429, "too many card lookups without orders from this terminal",
                          **{"Retry-After": str(math.ceil(wait))})
        try:
            body = json.loads(await request.read())
            tag = str(body.get("tag", "")) if isinstance(body, dict) else ""
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        from ehall_common.order_code import is_hash

        from helpdesk.order_citizen import by_citizen
        if not is_hash(tag):
            return _error(400, "tag: the citizen tag, 64 lower-case hex digits")
        try:
            found = await asyncio.to_thread(by_citizen, self.store, tag)
        except sa.exc.SQLAlchemyError as exc:
            log.error("records: store error for a card lookup from %r: %s", terminal, type(exc).__name__)
            return _error(503, "the hub's store is not reachable")
        if not found:
            self.tag_misses.refused(terminal)
        return web.json_response({"ok": True, "orders": [
            {"number": o["number"], "category": o["category"], "status": o["status"],
             "words": STATUS_WORDS.get(o["status"], o["status"]), "deadline": o["deadline"].isoformat(),
             "replied": bool(o["replied"])} for o in found]})

    async def post(self, request: web.Request) -> web.Response:
        terminal, refused = await self._admit(request, MAX_ORDER_BODY)
        if refused is not None:
            return refused
        try:
            # past the app's client_max_size (64 KiB): the Content-Length was checked above
            raw = await request.content.read() if (request.content_length or 0) > MAX_BODY else await request.read()
            body = json.loads(raw)
            if len(raw) > MAX_BODY and not (isinstance(body, dict) and body.get("kind") == "order"
                                            and isinstance(body.get("payload"), dict) and body["payload"].get("photos")):
                return _error(413, f"a record without photos is at most {MAX_BODY} bytes")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
            return _error(400, "payload: an object")
        kind = body.get("kind")
        if kind not in KINDS:
            return _error(400, f"kind: one of {'/'.join(KINDS)}")
        rec: dict[str, Any] = {**body["payload"], "id": body.get("id")}
        try:
            if kind == "order":
                rec["phone"] = body.get("phone") or ""
                receipt = await asyncio.to_thread(self.store.submit_order, rec, terminal)
                return web.json_response({"ok": True, "number": receipt.number, "code": receipt.code,
                                          "deadline": receipt.deadline.isoformat()})
            if kind == "question":
                from helpdesk.questions import take
                if body.get("phone"):
                    return _error(400, "phone: a question carries none")
                new = await asyncio.to_thread(take, self.store, rec, terminal)
                return web.json_response({"ok": True, "new": new})
            new = await asyncio.to_thread(self.store.rate, rec, terminal)
            return web.json_response({"ok": True, "new": new})
        except OrderError as exc:
            return _error(400, str(exc))
        except (TypeError, KeyError) as exc:
            return _error(400, f"payload: {type(exc).__name__}")
        except sa.exc.SQLAlchemyError as exc:
            log.error("records: store error for %s from %r: %s", kind, terminal, type(exc).__name__)
            return _error(503, "the hub's store is not reachable; send again later")
