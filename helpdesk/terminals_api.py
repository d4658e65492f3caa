# SPDX-License-Identifier: Apache-2.0
"""The console's 终端 page and its alerts, for logged-in console sessions only
(``Authorization: Bearer <console token>``; helpdesk/static/terminals.html).

- ``GET /api/terminals``: every registered terminal as a card (status colour, what needs doing,
  last seen, versions, paper, in session), the open alerts and the recently cleared ones.
  A poll also tells the hub a console is open (:class:`StaffWatch`).
- ``POST /api/alerts/{id}/ack``: 确认, as the logged-in helper.
- ``GET /api/alerts?watch=ID``: the open alerts only, for the other console pages (工单) that show
  the banner and the sound; the poll counts as staff watching, like the 终端 page's.
- ``POST /api/alerts/unwatch?watch=ID``: the page was closed (sent on ``pagehide``), so it stops
  counting now rather than ``POLL_S`` later.
JSON only; the page renders with textContent.

:class:`StaffWatch` knows whether staff have a console in front of them (a helper desk socket,
or a console page that shows the alerts polled in the last ``POLL_S``), pushes ``terminal_alerts``
to the helper desks, and tells kiosks with open alerts when that changes (``status_ack``).
"""
from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Any

from aiohttp import web

from helpdesk.websurface import bearer

POLL_S = 15.0           # the pages poll every second or two; silent this long: it is closed
MAX_PAGES = 200         # open console pages remembered (a hall has 18 helpers)
_WATCH_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class StaffWatch:
    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.pages: dict[str, float] = {}   # an open page showing the alerts -> its last poll
        self.told = False                   # open() as the kiosks were last told

    def open(self) -> bool:
        """Staff have a console in front of them: a helper desk socket, or a page that shows
        the alerts (终端, 工单) polled in the last ``POLL_S``."""
        now = self.hub.clock()
        return bool(self.hub.helpers) or any(now - t < POLL_S for t in self.pages.values())

    def seen(self, page: str) -> None:
        """A page polled: it counts; the first one makes kiosks with open alerts hear it."""
        before = self.open()
        now = self.hub.clock()
        self.pages = {k: t for k, t in self.pages.items() if now - t < POLL_S}
        if page in self.pages or len(self.pages) < MAX_PAGES:
            self.pages[page] = now
        if not before and self.open():
            self.changed()

    def gone(self, page: str) -> None:
        """A page was closed: it stops counting at once (the last one: kiosks hear it)."""
        if self.pages.pop(page, None) is not None:
            self.tick()

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
        app.router.add_get("/api/alerts", self.alerts)
        app.router.add_post("/api/alerts/unwatch", self.unwatch)
        app.router.add_post("/api/alerts/{id}/ack", self.acknowledge)

    def _who(self, request: web.Request) -> str | None:
        account = self.hub.accounts.check_token(bearer(request))
        return account.name if account is not None else None

    @staticmethod
    def _page(request: web.Request, default: str) -> str | None:
        """Which open page this is: the session (hashed) and the page's own id (one per load)."""
        watch = request.query.get("watch", default)
        if not _WATCH_ID.fullmatch(watch):
            return None
        return hashlib.sha256(bearer(request).encode()).hexdigest()[:16] + ":" + watch

    async def listing(self, request: web.Request) -> web.Response:
        if self._who(request) is None:
            return web.json_response({"error": "log in"}, status=401)
        hub = self.hub
        registered = await asyncio.to_thread(hub.gate.registry.list)
        hub.staff.seen(self._page(request, "terminals") or "terminals")   # staff see them now
        latest = hub.content.latest_version() if hub.content is not None else None
        return web.json_response({**hub.terminals.view(registered), "content_latest": latest})

    def _watcher(self, request: web.Request) -> tuple[str, web.Response | None]:
        """The polling page's id, or the answer that refuses it (not logged in, a bad id)."""
        if self._who(request) is None:
            return "", web.json_response({"error": "log in"}, status=401)
        page = self._page(request, "")
        if page is None:
            return "", web.json_response({"error": "watch: the page's id, 8-64 letters, digits or -"}, status=400)
        return page, None

    async def alerts(self, request: web.Request) -> web.Response:
        page, refused = self._watcher(request)
        if refused is not None:
            return refused
        self.hub.staff.seen(page)
        return web.json_response({"alerts": self.hub.terminals.alerts_message()["alerts"]})

    async def unwatch(self, request: web.Request) -> web.Response:
        page, refused = self._watcher(request)
        if refused is not None:
            return refused
        self.hub.staff.gone(page)
        return web.json_response({"watching": self.hub.staff.open()})

    async def acknowledge(self, request: web.Request) -> web.Response:
        who = self._who(request)
        if who is None:
            return web.json_response({"error": "log in"}, status=401)
        alert = self.hub.terminals.acknowledge(request.match_info["id"], who)
        if alert is None:
            return web.json_response({"error": "no such open alert (it may have cleared)"}, status=404)
        self.hub.staff.push_alerts()
        return web.json_response(alert.view())
