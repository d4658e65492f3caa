# SPDX-License-Identifier: Apache-2.0
"""The console's 终端 page and its alerts, for logged-in console sessions only
(``Authorization: Bearer <console token>``; helpdesk/static/terminals.html).

- ``GET /api/terminals``: every registered terminal as a card (status colour, what needs doing,
  last seen, versions, paper, in session), the open alerts and the recently cleared ones.
  A poll also tells the hub a console is open (:meth:`helpdesk.hub.Hub.console_open`).
- ``POST /api/alerts/{id}/ack``: 确认, as the logged-in helper.
JSON only; the page renders with textContent.
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from helpdesk.websurface import bearer


class TerminalsApi:
    def __init__(self, hub: Any) -> None:
        self.hub = hub

    def install(self, app: web.Application) -> None:
        app.router.add_get("/api/terminals", self.listing)
        app.router.add_post("/api/alerts/{id}/ack", self.acknowledge)

    def _who(self, request: web.Request) -> str | None:
        account = self.hub.accounts.check_token(bearer(request))
        return account.name if account is not None else None

    async def listing(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        hub = self.hub
        watched_before = hub.console_open()
        hub.console_polled = hub.clock()
        registered = await asyncio.to_thread(hub.gate.registry.list)
        if not watched_before:            # staff see them now: the kiosks may say so
            hub.console_opened()
        latest = hub.content.latest_version() if hub.content is not None else None
        return web.json_response({**hub.terminals.view(registered), "content_latest": latest})

    async def acknowledge(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        alert = self.hub.terminals.acknowledge(request.match_info["id"], who)
        if alert is None:
            return web.json_response({"error": "no such open alert (it may have cleared)"}, status=404)
        self.hub.push_alerts()
        return web.json_response(alert.view())
