# SPDX-License-Identifier: Apache-2.0
"""The aiohttp hub: kiosk and helper WebSockets, login, static console, timers.

Kiosks must name a registered terminal and carry its token (``Authorization:
Bearer``, checked by :class:`helpdesk.kiosks.KioskGate`) before they are taken as
that terminal; helpers log in.

All routing decisions are :class:`helpdesk.routing.Router`'s; the hub only
parses messages, calls the router, and delivers what it puts in its outbox. The
kiosks' sockets are :mod:`helpdesk.hub_kiosks`, the helpers' :mod:`helpdesk.hub_helpers`,
login, logout and status :mod:`helpdesk.hub_http`; this module keeps the delivery,
the timers and the lifecycle.
Each connection has its own send queue and writer task, so messages reach a
client in the order the router produced them. The protocol is in
docs/assist-protocol.md.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Callable

from aiohttp import web

from helpdesk.accounts import Accounts
from helpdesk.admin_audit import AdminAuditLog
from helpdesk.alert_log import AlertLog
from helpdesk.callbacks import CallbackDesk, CallbackStore
from helpdesk.config import HubConfig
from helpdesk.content_serve import ContentServer
from helpdesk.conn import Conn, text as _text
from helpdesk.guard import RateLimit, SocketGuard, quiet_accept_errors
from helpdesk.ice import ice_servers_for
from helpdesk.kiosks import UNAUTHORIZED, KioskGate, KioskRegistry
from helpdesk.login_gate import LoginGate
from helpdesk.orders import OrderStore
from helpdesk.orders_console import OrdersConsole
from helpdesk.i18n import console_catalog
from helpdesk.phone_upload import PhoneUpload
from helpdesk.pointer import PointerRelay
from helpdesk.records import CallLog
from helpdesk.hub_helpers import HelperSockets
from helpdesk.hub_http import HubHttp
from helpdesk.hub_kiosks import KioskSockets
from helpdesk.records_api import RecordsApi
from helpdesk.retention import RetentionSweeper, utc_at
from helpdesk.routing import Router, RoutingError, RoutingRules
from helpdesk.stats_api import StatsApi, StatsDesk
from helpdesk.status_page import StatusPage
from helpdesk.terminals import TerminalBoard
from helpdesk.terminals_api import StaffWatch, TerminalsApi
from helpdesk.websurface import security_headers

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
HUB_KEY = web.AppKey("hub", object)


class Hub:
    def __init__(self, cfg: HubConfig, clock: Callable[[], float] = time.time,
                 accounts: Accounts | None = None, calllog: CallLog | None = None,
                 tick_interval: float | None = 0.5,
                 kiosk_registry: KioskRegistry | None = None,
                 orders: OrderStore | None = None) -> None:
        self.cfg, self.clock, self.tick_interval = cfg, clock, tick_interval
        self.orders = orders        # work orders and ratings (POST /api/records) when set
        self.accounts = accounts or Accounts(cfg.db_path, clock,
                                             session_s=cfg.session_hours * 3600)
        self.calllog = calllog or CallLog(cfg.db_path)
        self.gate = KioskGate.for_config(cfg, kiosk_registry or KioskRegistry(cfg.db_path, clock),
                                         clock)
        self.logins = LoginGate(self.accounts, clock, cfg.login_failures_before_throttle,
                                cfg.login_throttle_seconds, cfg.login_checks_at_once)
        self.sockets = SocketGuard(cfg.connections_per_address, cfg.identify_seconds)
        self.chat_limit = RateLimit(clock, cfg.chat_per_kiosk_per_minute, 60.0)
        self.status_limit = RateLimit(clock, cfg.status_per_kiosk_per_minute, 60.0)
        rules = RoutingRules(cfg.ring_seconds, cfg.max_wait_seconds, cfg.elder_factor,
                             cfg.default_call_seconds, cfg.startup_grace_seconds)
        self.router = Router(clock, rules, self.calllog)
        self.callbacks = CallbackDesk(CallbackStore(cfg.db_path), clock,
                                      cfg.callback_retention_days, lambda: self.helpers.values(),
                                      RateLimit(clock, cfg.callbacks_per_kiosk_per_hour, 3600.0))
        self.kiosks: dict[str, Conn] = {}
        self.helpers: dict[str, Conn] = {}
        self.staff = StaffWatch(self)           # consoles open; alerts to them and to the kiosks
        self.terminals = TerminalBoard(clock, cfg.terminal_silent_seconds, self.staff.open,
                                       AlertLog(cfg.db_path), AdminAuditLog(cfg.db_path))
        self.content = ContentServer(cfg.content_dir) if cfg.content_dir else None
        self.stats = StatsDesk(self)            # the hall's statistics (in the orders store)
        self.phone_upload = PhoneUpload(self)    # 手机上传: one-time links, a phone's file to its kiosk
        self.pointer = PointerRelay(self)        # the helper's 请点这里 points and the kiosks' answers
        self.kiosk_side = KioskSockets(self)
        self.helper_side = HelperSockets(self)
        self.http = HubHttp(self)
        self._ticker: asyncio.Task | None = None
        self.sms = sms_sender(orders, cfg)      # [sms]: notices to an order's phone, from the store's queue
        self._sms_task: asyncio.Task | None = None
        self.retention = (RetentionSweeper(orders, cfg.order_retention_days, lambda: utc_at(self.clock()))
                          if orders is not None else None)
        self._retention_task: asyncio.Task | None = None
        self.stopping = False     # shutting down: drops are not the clients' doing

    # --------------------------------------------------------------- delivery
    def flush(self) -> None:
        for role, party, msg in self.router.drain():
            conn = (self.kiosks if role == "kiosk" else self.helpers).get(party)
            if conn is None:
                continue
            # fresh TURN credentials for the call; the kiosk gets them with "ringing" too, so it can
            # make its offer while the helper's console rings (docs/remote-assist.md)
            if msg["type"] == "connected" or (role == "kiosk" and msg["type"] == "ringing"):
                msg = {**msg, "ice_servers": self.ice(role, party)}
            conn.send(msg)

    def tick(self) -> None:
        """Advance the router's timers (ring timeout, max wait) and deliver."""
        self.router.tick()
        live = {tid: conn.auth for tid, conn in self.kiosks.items()}
        for tid, _reason in self.gate.revoked(live):    # disabled or given a new token
            conn = self.kiosks.pop(tid)
            conn.send({"type": "error", "code": "kiosk_unauthorized", "message": UNAUTHORIZED})
            conn.close(4003, "kiosk unauthorized")
            self.router.kiosk_offline(tid)
        self.drop_revoked_helpers()
        self.flush()
        self.callbacks.purge()
        self.staff.tick()
        if self.terminals.sweep():                      # a terminal went silent (失联) or came back
            self.staff.push_alerts()

    def drop_revoked_helpers(self) -> None:
        """Helpers whose session ended (logout, disable, new password, expiry) lose their
        socket: error ``session_ended`` then close 4001, like a bad token."""
        live = self.accounts.live_sessions([c.auth for c in self.helpers.values()])
        for name in [n for n, c in self.helpers.items() if c.auth not in live]:
            conn = self.helpers.pop(name)
            log.info("helper %s: session ended (logged out, disabled or new password); "
                     "console disconnected", name)
            conn.send({"type": "error", "code": "session_ended", "message": "log in again"})
            conn.close(4001, "session ended")
            self.router.helper_offline(name)

    def ice(self, role: str, party: str) -> list[dict]:
        return ice_servers_for(self.cfg, f"{role}-{party}", self.clock())

    def relay(self, role: str, party: str, conn: Conn, data: dict) -> None:
        peer = self.router.peer(role, party)
        if peer is None:
            raise RoutingError("no_call", "not in a call")
        target = (self.kiosks if peer[0] == "kiosk" else self.helpers).get(peer[1])
        if target is None:
            raise RoutingError("no_call", "the other side is not connected")
        if data["type"] == "signal":
            target.send({"type": "signal", "from": role, "data": data.get("data")})
        else:
            if role == "kiosk" and not self.chat_limit.allow(party):
                raise RoutingError("rate_limited", "too many chat messages; wait a moment")
            target.send({"type": "chat", "from": role, "text": _text(data, "text", 1000)})

    # ------------------------------------------------------------ endpoints
    def _address(self, request: web.Request) -> str:
        return self.gate.address(request.remote, request.headers.getall("X-Forwarded-For", ()))

    async def kiosk_ws(self, request: web.Request) -> web.StreamResponse:
        """``/ws/kiosk`` (:class:`helpdesk.hub_kiosks.KioskSockets`)."""
        return await self.kiosk_side.ws(request)

    async def helper_ws(self, request: web.Request) -> web.StreamResponse:
        """``/ws/helper`` (:class:`helpdesk.hub_helpers.HelperSockets`)."""
        return await self.helper_side.ws(request)

    async def login(self, request: web.Request) -> web.Response:
        return await self.http.login(request)

    async def logout(self, request: web.Request) -> web.Response:
        """Ends the session of ``Authorization: Bearer TOKEN``; its console is dropped."""
        return await self.http.logout(request)

    async def healthz(self, request: web.Request) -> web.Response:
        """For monitors: only that the hub answers. Details: /api/status (logged in)."""
        return await self.http.healthz(request)

    async def status(self, request: web.Request) -> web.Response:
        return await self.http.status(request)

    # ------------------------------------------------------------- lifecycle
    async def _on_startup(self, app: web.Application) -> None:
        quiet_accept_errors(asyncio.get_running_loop())
        n = self.calllog.close_dangling(self.clock())
        if n:
            log.warning("%d call(s) were open when the hub last stopped: marked interrupted", n)
        self.callbacks.purge(force=True)
        if self.terminals.restore():
            log.info("%d terminal alert(s) still open from before the restart", len(self.terminals.alerts))
        if self.tick_interval:
            self._ticker = asyncio.ensure_future(self._tick_forever())
        if self.sms is not None:
            self._sms_task = asyncio.ensure_future(self.sms.run())
        if self.retention is not None:            # closed orders past the retention: at start, then daily
            self._retention_task = asyncio.ensure_future(self.retention.run())

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            try:
                self.tick()
            except Exception:                     # keep the timers alive, but say so
                log.exception("tick failed")

    async def _on_shutdown(self, app: web.Application) -> None:
        """Tell every client and close; open calls are recorded as interrupted."""
        self.stopping = True
        if self._ticker:
            self._ticker.cancel()
        if self._sms_task:                        # what is not sent yet waits in the store
            self._sms_task.cancel()
        if self._retention_task:
            self._retention_task.cancel()
        # every socket, those not identified yet too: one that has not sent its hello would
        # otherwise hold the stop (and a restart) until its identify deadline
        conns = {*self.kiosks.values(), *self.helpers.values(), *self.sockets.live}
        for conn in conns:
            conn.send({"type": "error", "code": "hub_stopping", "message": "reconnect"})
            conn.close(1001, "hub stopping")
        await asyncio.gather(*(c.task for c in conns), return_exceptions=True)
        await self.stats.drain()                  # statistics being stored (the kiosks resend unacknowledged ones)
        self.calllog.close_dangling(self.clock())
        self.calllog.close()
        self.callbacks.store.close()
        self.terminals.log.close()


def sms_sender(orders: OrderStore | None, cfg: HubConfig):
    """With ``[sms] enabled`` and a work-order store: the store queues notices, the sender sends them."""
    if orders is None or not cfg.sms.enabled:
        return None
    from helpdesk.sms_queue import SmsSender
    orders.notices = cfg.sms
    sender = SmsSender(orders, cfg.sms)
    orders.queued = sender.wake
    log.info("sms: notices to work orders' phones are on (%d waiting)", sender.waiting())
    return sender


def make_app(hub: Hub) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[HUB_KEY] = hub
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/ws/kiosk", hub.kiosk_ws)
    app.router.add_get("/ws/helper", hub.helper_ws)
    app.router.add_post("/api/login", hub.login)
    app.router.add_post("/api/logout", hub.logout)
    app.router.add_get("/api/status", hub.status)
    app.router.add_get("/healthz", hub.healthz)
    app.router.add_get("/", _index)
    app.router.add_get("/console/en.js", console_catalog)     # the console's EN / 中文 (static/i18n.js)
    if hub.orders is not None:
        RecordsApi(hub.orders, hub.gate, hub.clock).install(app)
        StatusPage(hub.orders, hub.clock, hub._address, reasons=hub.cfg.bad_reasons).install(app)
        OrdersConsole(hub.orders, hub.accounts).install(app)
        from helpdesk.ratings_report import RatingsReport
        RatingsReport(hub.orders, hub.accounts).install(app)     # 好差评 by helper/item/terminal/month
        from helpdesk.questions import QuestionsConsole
        writer = None
        if hub.cfg.content_source:
            from helpdesk.kb_write import KnowledgeWriter
            writer = KnowledgeWriter(hub.cfg.content_source, hub.cfg.content_key, hub.cfg.content_dir)
        QuestionsConsole(hub.orders, hub.accounts, writer).install(app)
    TerminalsApi(hub).install(app)
    hub.phone_upload.install(app)
    StatsApi(hub).install(app)
    if hub.content is not None:
        hub.content.install(app)
    app.router.add_static("/static/", STATIC)
    app.on_startup.append(hub._on_startup)
    app.on_shutdown.append(hub._on_shutdown)
    return app


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")
