# SPDX-License-Identifier: Apache-2.0
"""The console's 终端 page and its alerts, for logged-in console sessions only
(``Authorization: Bearer <console token>``; helpdesk/static/terminals.html).

- ``GET /api/terminals``: every registered terminal as a card (status colour, what needs doing,
  last seen, versions, paper, in session), the open alerts and the recently cleared ones.
  A poll also tells the hub a console is open (:class:`StaffWatch`).
- ``POST /api/alerts/{id}/ack``: 确认, as the logged-in helper.
JSON only; the page renders with textContent.

:class:`StaffWatch` knows whether staff have a console in front of them (a helper desk socket,
or the 终端 page polled in the last ``POLL_S``), pushes ``terminal_alerts`` to the helper desks,
and tells kiosks with open alerts when that changes (``status_ack``).
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from helpdesk.websurface import bearer

POLL_S = 15.0           # the 终端 page polls every second; silent this long: it is closed


class StaffWatch:
    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.polled = float("-inf")       # the 终端 page's last poll
        self.told = False                 # open() as the kiosks were last told

    def open(self) -> bool:
        """Staff have a console in front of them: a helper desk socket, or the 终端 page."""
        return bool(self.hub.helpers) or self.hub.clock() - self.polled < POLL_S

    def push_alerts(self) -> None:
        """The open terminal alerts to every helper desk (banner and tones there too)."""
        msg = self.hub.terminals.alerts_message()
        for conn in self.hub.helpers.values():
            conn.send(msg)

    def changed(self) -> None:
        """The first console opened or the last one closed: kiosks with open alerts are told
        (``status_ack``), so what they tell citizens follows."""
        self.told = self.open()
        board = self.hub.terminals
        for tid, conn in self.hub.kiosks.items():
            if any(a.terminal == tid for a in board.alerts.values()):
                conn.send(board.ack(tid))

    def tick(self) -> None:
        if self.open() != self.told:
            self.changed()


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
        watched_before = hub.staff.open()
        hub.staff.polled = hub.clock()
        registered = await asyncio.to_thread(hub.gate.registry.list)
        if not watched_before:            # staff see them now: the kiosks may say so
            hub.staff.changed()
        latest = hub.content.latest_version() if hub.content is not None else None
        return web.json_response({**hub.terminals.view(registered), "content_latest": latest})

    async def acknowledge(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        alert = self.hub.terminals.acknowledge(request.match_info["id"], who)
        if alert is None:
            return web.json_response({"error": "no such open alert (it may have cleared)"}, status=404)
        self.hub.staff.push_alerts()
        return web.json_response(alert.view())
