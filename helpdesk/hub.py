# SPDX-License-Identifier: Apache-2.0
"""The aiohttp hub: kiosk and helper WebSockets, login, static console, timers.

Kiosks must name a registered terminal and carry its token (``Authorization:
Bearer``, checked by :class:`helpdesk.kiosks.KioskGate`) before they are taken as
that terminal; helpers log in.

All routing decisions are :class:`helpdesk.routing.Router`'s; this module only
parses messages, calls the router, and delivers what it puts in its outbox.
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

from helpdesk.accounts import AccountError, Accounts, token_hash
from helpdesk.admin_audit import AdminAuditLog
from helpdesk.alert_log import AlertLog
from helpdesk.callbacks import CallbackDesk, CallbackStore
from helpdesk.config import HubConfig
from helpdesk.content_serve import ContentServer
from helpdesk.conn import MAX_MSG, Conn, loads, messages as _messages, text as _text
from helpdesk.guard import RateLimit, SocketGuard, quiet_accept_errors
from helpdesk.ice import ice_servers_for
from helpdesk.kiosks import THROTTLED, UNAUTHORIZED, KioskGate, KioskRegistry
from helpdesk.login_gate import LoginGate, LoginThrottled
from helpdesk.orders import OrderStore
from helpdesk.orders_console import OrdersConsole
from helpdesk.records import CallLog
from helpdesk.records_api import RecordsApi
from helpdesk.routing import Router, RoutingError, RoutingRules
from helpdesk.status_page import StatusPage
from helpdesk.terminals import TerminalBoard
from helpdesk.terminals_api import StaffWatch, TerminalsApi
from helpdesk.websurface import LOGIN_MAX, bearer, same_origin, security_headers, too_many

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
HUB_KEY = web.AppKey("hub", object)
IDENTIFYING = ("hello", "request", "callback")     # a kiosk's first message names its terminal
REFUSED = ("kiosk_unauthorized", "kiosk_throttled")  # the socket is then closed (4003)


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
        self._ticker: asyncio.Task | None = None
        self.stopping = False     # shutting down: drops are not the clients' doing

    # --------------------------------------------------------------- delivery
    def flush(self) -> None:
        for role, party, msg in self.router.drain():
            conn = (self.kiosks if role == "kiosk" else self.helpers).get(party)
            if conn is None:
                continue
            if msg["type"] == "connected":       # fresh TURN credentials for the call
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

    def _relay(self, role: str, party: str, conn: Conn, data: dict) -> None:
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
        address = self._address(request)
        if not self.sockets.open(address):
            return too_many()
        try:
            return await self._kiosk_ws(request, address)
        finally:
            self.sockets.closed(address)

    async def _kiosk_ws(self, request: web.Request, address: str) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_MSG)
        await ws.prepare(request)
        conn, terminal, refused = Conn(ws, request.transport), None, False
        deadline = self.sockets.deadline(conn, address, lambda: terminal is not None)
        try:
            async for data in _messages(ws, conn):
                if refused or self.stopping or (terminal is not None
                                                and self.kiosks.get(terminal) is not conn):
                    continue                      # refused, replaced or revoked: closing
                try:
                    if terminal is None and data["type"] in IDENTIFYING:
                        await self._admit(request, conn, data)
                    terminal = self._kiosk_message(conn, terminal, data)
                    if terminal is not None:
                        self.terminals.seen(terminal)
                except RoutingError as e:
                    conn.send({"type": "error", "code": e.code, "message": str(e),
                               "in_reply_to": data.get("type"), **e.fields})
                    if e.code in REFUSED:
                        conn.close(4003, "kiosk unauthorized")
                        refused = True
                self.flush()
        finally:
            deadline.cancel()
            if terminal is not None and self.kiosks.get(terminal) is conn and not self.stopping:
                del self.kiosks[terminal]
                self.terminals.link(terminal, False)
                self.router.kiosk_offline(terminal)
                self.flush()
            conn.close()
        return ws

    async def _admit(self, request: web.Request, conn: Conn, data: dict) -> None:
        """Terminal id + token, checked before the socket may stand for (or replace) a kiosk."""
        tid = _text(data, "terminal_id", 64, required=True)
        address = self._address(request)
        verdict = await self.gate.admit(tid, request.headers.get("Authorization"), address)
        if verdict.reason == "throttled":
            raise RoutingError("kiosk_throttled", THROTTLED,
                               retry_after_s=verdict.retry_after_s)
        if not verdict.ok:
            raise RoutingError("kiosk_unauthorized", UNAUTHORIZED)
        if self.stopping:
            raise RoutingError("hub_stopping", "reconnect")
        conn.auth = verdict.token_hash

    def _kiosk_message(self, conn: Conn, terminal: str | None, data: dict) -> str | None:
        t = data["type"]
        if t in IDENTIFYING:
            tid = _text(data, "terminal_id", 64, required=True)
            if terminal is not None and tid != terminal:
                raise RoutingError("terminal_mismatch", "one terminal id per connection")
            if terminal is None:
                if not conn.auth:                 # kiosk_ws admits first; never without it
                    raise RoutingError("kiosk_unauthorized", UNAUTHORIZED)
                old = self.kiosks.get(tid)
                if old is not None:               # the same kiosk, reconnected
                    old.send({"type": "error", "code": "replaced", "message": "new connection"})
                    old.close(4000, "replaced")
                    self.router.kiosk_offline(tid)
                self.kiosks[tid] = conn
                self.terminals.link(tid, True)
                terminal = tid
                conn.send({"type": "welcome", "terminal_id": tid,
                           "ice_servers": self.ice("kiosk", tid)})
            if t == "request":
                at = data.get("requested_at")
                if at is not None and (isinstance(at, bool) or not isinstance(at, (int, float))):
                    raise RoutingError("bad_message", "requested_at must be a number")
                self.router.request(tid, bool(data.get("large_text")),
                                    _text(data, "terminal_name", 64) or None, at)
            elif t == "callback":                 # 留电回拨: stored, pushed to the helpers
                conn.send(self.callbacks.from_kiosk(tid, data))
            return terminal
        if terminal is None:
            raise RoutingError("hello_first", "send hello or request with terminal_id first")
        if t == "cancel":
            self.router.cancel(terminal)
        elif t == "hangup":
            self.router.hangup("kiosk", terminal)
        elif t in ("signal", "chat"):
            self._relay("kiosk", terminal, conn, data)
        elif t == "status":                       # the 终端 page; answered with status_ack
            if not self.status_limit.allow(terminal):
                raise RoutingError("rate_limited", "too many status messages; the next heartbeat is enough")
            before = self.terminals.revision
            conn.send(self.terminals.report(terminal, data))
            if self.terminals.revision != before:
                self.staff.push_alerts()
        elif t == "admin_event":                  # the terminal's admin screen (管理): audited here too
            if not self.status_limit.allow(terminal):
                raise RoutingError("rate_limited", "too many admin events")
            before = self.terminals.revision
            self.terminals.admin_event(terminal, data)
            if self.terminals.revision != before:
                self.staff.push_alerts()
        else:
            raise RoutingError("unknown_type", f"unknown message type {t!r}")
        return terminal

    async def helper_ws(self, request: web.Request) -> web.StreamResponse:
        address = self._address(request)
        if not self.sockets.open(address):
            return too_many()
        try:
            return await self._helper_ws(request, address)
        finally:
            self.sockets.closed(address)

    async def _helper_ws(self, request: web.Request, address: str) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_MSG)
        await ws.prepare(request)
        conn, name = Conn(ws, request.transport), None
        deadline = self.sockets.deadline(conn, address, lambda: name is not None)
        try:
            async for data in _messages(ws, conn):
                try:
                    name = self._helper_message(conn, name, data)
                except RoutingError as e:
                    conn.send({"type": "error", "code": e.code, "message": str(e),
                               "in_reply_to": data.get("type")})
                    if e.code == "bad_token":
                        conn.close(4001, "bad token")
                self.flush()
        finally:
            deadline.cancel()
            if name is not None and self.helpers.get(name) is conn and not self.stopping:
                del self.helpers[name]
                self.router.helper_offline(name)
                self.flush()
            conn.close()
        return ws

    def _helper_message(self, conn: Conn, name: str | None, data: dict) -> str | None:
        t = data["type"]
        if t == "login":
            if name is not None:
                raise RoutingError("already_logged_in", "one login per connection")
            token = data.get("token", "")
            acct = self.accounts.check_token(token)
            if acct is None:
                raise RoutingError("bad_token", "log in again")
            conn.auth = token_hash(token)        # revoked with its session (tick)
            old = self.helpers.get(acct.name)
            if old is not None:                   # a second tab or a reconnect
                old.send({"type": "error", "code": "replaced", "message": "new connection"})
                old.close(4000, "replaced")
            was_open = self.staff.open()
            self.helpers[acct.name] = conn
            conn.send({"type": "welcome", "name": acct.name, "display_name": acct.display_name,
                       "ring_s": self.cfg.ring_seconds,
                       "ice_servers": self.ice("helper", acct.name)})
            self.router.helper_online(acct.name, acct.display_name)
            conn.send(self.callbacks.list_message())      # the whole list once; then deltas
            conn.send(self.terminals.alerts_message())
            if not was_open:
                self.staff.changed()
            return acct.name
        if name is None:
            raise RoutingError("login_first", "send login with your token first")
        if t == "presence":
            self.router.set_presence(name, _text(data, "state", 16, required=True))
        elif t in ("accept", "decline"):
            rid = _text(data, "request_id", 64, required=True)
            (self.router.accept if t == "accept" else self.router.decline)(name, rid)
        elif t == "hangup":
            self.router.hangup("helper", name)
        elif t == "wrapup":
            rid = self.router.wrapup(name, _text(data, "note", 2000),
                                     _text(data, "request_id", 64) or None)
            conn.send({"type": "wrapup_saved", "request_id": rid})
        elif t in ("callback_claim", "callback_done"):
            conn.send(self.callbacks.from_helper(name, data))
        elif t in ("signal", "chat"):
            self._relay("helper", name, conn, data)
        else:
            raise RoutingError("unknown_type", f"unknown message type {t!r}")
        return name

    async def login(self, request: web.Request) -> web.Response:
        if not same_origin(request, bool(self.cfg.trusted_proxies)):
            return web.json_response({"error": "cross-origin login refused"}, status=403)
        if request.content_type != "application/json":
            return web.json_response({"error": "send JSON {name, password} "
                                      "(Content-Type: application/json)"}, status=415)
        try:
            raw = await request.content.read(LOGIN_MAX + 1)
            if len(raw) > LOGIN_MAX:
                raise ValueError("too big")
            body = loads(raw)
            name, password = body["name"], body["password"]
            if not isinstance(name, str) or not isinstance(password, str) or \
                    len(name) > 64 or len(password) > 256:
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": "send JSON {name, password} (strings, name "
                                      "<= 64, password <= 256 characters)"}, status=400)
        address = self._address(request)
        try:
            token = await self.logins.login(name, password, address)
        except LoginThrottled as e:
            return web.json_response({"error": str(e), "retry_after_s": e.retry_after_s}, status=429,
                                     headers={"Retry-After": str(e.retry_after_s)})
        except AccountError as e:
            return web.json_response({"error": str(e)}, status=401)
        return web.json_response({"token": token})

    async def logout(self, request: web.Request) -> web.Response:
        """Ends the session of ``Authorization: Bearer TOKEN``; its console is dropped."""
        token = bearer(request)
        if token:
            self.accounts.logout(token)
            self.drop_revoked_helpers()
            self.flush()
        return web.Response(status=204)

    async def healthz(self, request: web.Request) -> web.Response:
        """For monitors: only that the hub answers. Details: /api/status (logged in)."""
        return web.json_response({"status": "ok"})

    async def status(self, request: web.Request) -> web.Response:
        if self.accounts.check_token(bearer(request)) is None:
            return web.json_response({"error": "log in"}, status=401)
        states: dict[str, int] = {}
        for h in self.router.helpers.values():
            states[h.state.value] = states.get(h.state.value, 0) + 1
        reqs = [r.state for r in self.router.requests.values()]
        return web.json_response({"helpers": states, "queued": reqs.count("queued"),
                                  "ringing": reqs.count("ringing"),
                                  "in_call": reqs.count("connected")})

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
        for conn in [*self.kiosks.values(), *self.helpers.values()]:
            conn.send({"type": "error", "code": "hub_stopping", "message": "reconnect"})
            conn.close(1001, "hub stopping")
        await asyncio.gather(*(c.task for c in [*self.kiosks.values(), *self.helpers.values()]),
                             return_exceptions=True)
        self.calllog.close_dangling(self.clock())
        self.calllog.close()
        self.callbacks.store.close()
        self.terminals.log.close()


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
    if hub.orders is not None:
        RecordsApi(hub.orders, hub.gate, hub.clock).install(app)
        StatusPage(hub.orders, hub.clock, hub._address).install(app)
        OrdersConsole(hub.orders, hub.accounts).install(app)
        from helpdesk.questions import QuestionsConsole
        QuestionsConsole(hub.orders, hub.accounts).install(app)
    TerminalsApi(hub).install(app)
    if hub.content is not None:
        hub.content.install(app)
    app.router.add_static("/static/", STATIC)
    app.on_startup.append(hub._on_startup)
    app.on_shutdown.append(hub._on_shutdown)
    return app


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")
