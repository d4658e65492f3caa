# SPDX-License-Identifier: Apache-2.0
"""待补充的问题: the questions 问一问 did not answer well, as the kiosks recorded them (masked at
the kiosk: kiosk/consult/unanswered.py), for the staff to add answers to the knowledge base
(咨询—回复—评价—整改—提升).

- :func:`take` keeps one question once (by the kiosk's record id; the outbox may send twice).
- :func:`groups` gathers the open ones that say nearly the same thing (character bigrams,
  Jaccard ≥ 0.5, greedy from the most asked), with a count, the terminals and the last time.
- Console API for logged-in staff: ``GET /api/questions`` (the groups) and
  ``POST /api/questions/handled`` ``{"ids": [...]}`` (已补充: the group leaves the list, audited
  by the helper's name). JSON only; the page renders with textContent.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa
from aiohttp import web

from helpdesk.orders import OrderError, OrderStore, questions
from helpdesk.websurface import bearer

REASONS = ("unsolved", "no_answer")
SIMILAR = 0.5
OPEN_MAX = 2000          # the newest open questions grouped per request


def take(store: OrderStore, rec: dict[str, Any], terminal: str, now: dt.datetime | None = None) -> bool:
    """Keeps a question once; True when new. OrderError names a bad field."""
    record_id = str(rec.get("id") or "")
    text = " ".join(str(rec.get("question", "")).split())
    if not record_id or len(record_id) > 32:
        raise OrderError("id: the kiosk's record id is required")
    if not text or len(text) > 500:
        raise OrderError("question: 1 to 500 characters")
    if rec.get("reason") not in REASONS:
        raise OrderError(f"reason: one of {'/'.join(REASONS)}")
    offered = rec.get("offered") or []
    if not isinstance(offered, list) or not all(isinstance(o, str) for o in offered):
        raise OrderError("offered: a list of ids")
    with store.engine.begin() as db:
        if db.execute(sa.select(questions.c.id).where(questions.c.id == record_id)).first():
            return False
        db.execute(questions.insert().values(
            id=record_id, question=text, reason=rec["reason"], terminal=terminal,
            offered=json.dumps(offered[:5], ensure_ascii=False)[:400],
            asked=now or dt.datetime.now(dt.timezone.utc)))
    return True


def _grams(text: str) -> frozenset[str]:
    s = re.sub(r"[\W_]+", "", text.lower())
    return frozenset(s[i:i + 2] for i in range(len(s) - 1)) or frozenset([s])


def groups(store: OrderStore) -> list[dict[str, Any]]:
    with store.engine.connect() as db:
        rows = db.execute(sa.select(questions.c.id, questions.c.question, questions.c.terminal,
                                    questions.c.asked, questions.c.reason)
                          .where(questions.c.handled.is_(None))
                          .order_by(questions.c.asked.desc()).limit(OPEN_MAX)).all()
    found: list[dict[str, Any]] = []
    for row in rows:
        grams = _grams(row.question)
        best = None
        for g in found:
            inter = len(grams & g["_grams"])
            if inter and inter / len(grams | g["_grams"]) >= SIMILAR:
                best = g
                break
        if best is None:
            best = {"question": row.question, "_grams": grams, "ids": [], "examples": [], "terminals": set(),
                    "last": row.asked, "unsolved": 0}
            found.append(best)
        best["ids"].append(row.id)
        best["terminals"].add(row.terminal)
        best["unsolved"] += row.reason == "unsolved"
        if row.question not in best["examples"] and len(best["examples"]) < 5:
            best["examples"].append(row.question)
    out = [{"question": g["question"], "count": len(g["ids"]), "ids": g["ids"], "examples": g["examples"],
            "terminals": sorted(g["terminals"]), "unsolved": g["unsolved"],
            "last": g["last"].isoformat() if isinstance(g["last"], dt.datetime) else str(g["last"])}
           for g in found]
    return sorted(out, key=lambda g: (-g["count"], g["last"]), reverse=False)


def handled(store: OrderStore, ids: list[str], who: str) -> int:
    with store.engine.begin() as db:
        return db.execute(questions.update().where(questions.c.id.in_(ids[:500]), questions.c.handled.is_(None))
                          .values(handled=who[:64])).rowcount


class QuestionsConsole:
    def __init__(self, store: OrderStore, accounts) -> None:
        self.store, self.accounts = store, accounts

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/questions", self.listing)
        app.router.add_post("/api/questions/handled", self.mark)

    def _who(self, request: web.Request) -> str | None:
        account = self.accounts.check_token(bearer(request))
        return account.name if account is not None else None

    async def listing(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        return web.json_response({"groups": await asyncio.to_thread(groups, self.store)})

    async def mark(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        if (request.content_length or 0) > 64 * 1024:
            return web.json_response({"error": "too large"}, status=413)
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            return web.json_response({"error": "the body is not JSON"}, status=400)
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            return web.json_response({"error": "ids: a list of question ids"}, status=400)
        return web.json_response({"handled": await asyncio.to_thread(handled, self.store, ids, who)})
