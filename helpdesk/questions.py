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
    def __init__(self, store: OrderStore, accounts, writer=None) -> None:
        self.store, self.accounts = store, accounts
        self.answers = AnswersApi(self, writer)

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/questions", self.listing)
        app.router.add_post("/api/questions/handled", self.mark)
        self.answers.install(app)

    def _who(self, request: web.Request) -> str | None:
        account = self.accounts.check_token(bearer(request))
        return account.name if account is not None else None

    async def listing(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        return web.json_response({"groups": await asyncio.to_thread(groups, self.store)})

    async def body(self, request: web.Request) -> tuple[str, dict[str, Any]] | web.Response:
        """(who, the JSON body with its ``ids``), or the error response."""
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
        return who, body

    async def mark(self, request: web.Request) -> web.Response:
        got = await self.body(request)
        if isinstance(got, web.Response):
            return got
        who, body = got
        return web.json_response({"handled": await asyncio.to_thread(handled, self.store, body["ids"], who)})


class AnswersApi:
    """补充答案 (helpdesk/kb_write.py): ``GET /api/faq?q=`` lists entries to add a phrasing to;
    ``POST /api/questions/answer`` with the group's ``ids`` and either ``question`` + ``answer``
    (a new entry; optional ``variants``, ``category``, ``related_items``) or ``faq_id`` +
    ``question`` (a new phrasing of that entry). The group is then 已补充 in the helper's name.
    Without a writer (no content_source) both answer 404 with what to set."""

    NOT_SET = {"error": "补充答案 needs content_source, content_key and content_dir in the hub's config"}

    def __init__(self, console: QuestionsConsole, writer) -> None:
        self.console, self.writer = console, writer

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/faq", self.find)
        app.router.add_post("/api/questions/answer", self.answer)

    async def find(self, request: web.Request) -> web.Response:
        if self.console._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        if self.writer is None:
            return web.json_response(self.NOT_SET, status=404)
        from helpdesk.kb_write import KnowledgeError
        try:
            found = await asyncio.to_thread(self.writer.find, request.query.get("q", "")[:100])
        except KnowledgeError as exc:
            return web.json_response({"error": str(exc)}, status=503)
        return web.json_response({"entries": found})

    async def answer(self, request: web.Request) -> web.Response:
        got = await self.console.body(request)
        if isinstance(got, web.Response):
            return got
        if self.writer is None:
            return web.json_response(self.NOT_SET, status=404)
        who, body = got
        from helpdesk.kb_write import KnowledgeError
        text = lambda key: body.get(key) if isinstance(body.get(key), str) else ""   # noqa: E731
        variants = [v for v in body.get("variants") or [] if isinstance(v, str)][:20]
        try:
            if text("faq_id"):
                faq_id, version = await asyncio.to_thread(self.writer.add_variant, text("faq_id"), text("question"))
            else:
                faq_id, version = await asyncio.to_thread(self.writer.add_entry, text("question"), text("answer"),
                                                          variants, text("category"), text("related_items"))
        except KnowledgeError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        count = await asyncio.to_thread(handled, self.console.store, body["ids"], f"{who} → {faq_id}")
        return web.json_response({"faq_id": faq_id, "version": version, "handled": count})
