# SPDX-License-Identifier: Apache-2.0
"""The hub's kiosk sockets (``/ws/kiosk``): admission by terminal id and token, then the
kiosk's messages (request, cancel, hangup, signal and chat, callback, status, admin events, stats)
dispatched to the router and the terminal board (docs/assist-protocol.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from helpdesk.conn import MAX_MSG, Conn, messages as _messages, text as _text
from helpdesk.websurface import capped
from helpdesk.kiosks import THROTTLED, UNAUTHORIZED
from helpdesk.routing import RoutingError

if TYPE_CHECKING:
    from helpdesk.hub import Hub

IDENTIFYING = ("hello", "request", "callback")     # a kiosk's first message names its terminal
REFUSED = ("kiosk_unauthorized", "kiosk_throttled")  # the socket is then closed (4003)


class KioskSockets:
    """The kiosks' side of :class:`helpdesk.hub.Hub`."""

    def __init__(self, hub: "Hub") -> None:
        self.hub = hub

    async def ws(self, request: web.Request) -> web.StreamResponse:
        address = self.hub._address(request)
        return await capped(self.hub.sockets, address, lambda: self._kiosk_ws(request, address))

    async def _kiosk_ws(self, request: web.Request, address: str) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_MSG)
        await ws.prepare(request)
        conn, terminal, refused = Conn(ws, request.transport), None, False
        deadline = self.hub.sockets.deadline(conn, address, lambda: terminal is not None)
        try:
            async for data in _messages(ws, conn):
                if refused or self.hub.stopping or (terminal is not None
                                                and self.hub.kiosks.get(terminal) is not conn):
                    continue                      # refused, replaced or revoked: closing
                try:
                    if terminal is None and data["type"] in IDENTIFYING:
                        await self._admit(request, conn, data)
                    terminal = self._kiosk_message(conn, terminal, data)
                    if terminal is not None:
                        self.hub.terminals.seen(terminal)
                except RoutingError as e:
                    conn.send({"type": "error", "code": e.code, "message": str(e),
                               "in_reply_to": data.get("type"), **e.fields})
                    if e.code in REFUSED:
                        conn.close(4003, "kiosk unauthorized")
                        refused = True
                self.hub.flush()
        finally:
            deadline.cancel()
            self.hub.sockets.ended(conn)
            if terminal is not None and self.hub.kiosks.get(terminal) is conn and not self.hub.stopping:
                del self.hub.kiosks[terminal]
                self.hub.phone_upload.terminal_left(terminal)   # its codes are void: it shows them no more
                self.hub.terminals.link(terminal, False)
                self.hub.router.kiosk_offline(terminal)
                self.hub.flush()
            conn.close()
        return ws

    async def _admit(self, request: web.Request, conn: Conn, data: dict) -> None:
        """Terminal id + token, checked before the socket may stand for (or replace) a kiosk."""
        tid = _text(data, "terminal_id", 64, required=True)
        address = self.hub._address(request)
        verdict = await self.hub.gate.admit(tid, request.headers.get("Authorization"), address)
        if verdict.reason == "throttled":
            raise RoutingError("kiosk_throttled", THROTTLED,
                               retry_after_s=verdict.retry_after_s)
        if not verdict.ok:
            raise RoutingError("kiosk_unauthorized", UNAUTHORIZED)
        if self.hub.stopping:
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
                old = self.hub.kiosks.get(tid)
                if old is not None:               # the same kiosk, reconnected
                    old.send({"type": "error", "code": "replaced", "message": "new connection"})
                    old.close(4000, "replaced")
                    self.hub.router.kiosk_offline(tid)
                self.hub.kiosks[tid] = conn
                self.hub.terminals.link(tid, True)
                terminal = tid
                conn.send({"type": "welcome", "terminal_id": tid,
                           "ice_servers": self.hub.ice("kiosk", tid)})
            if t == "request":
                at = data.get("requested_at")
                if at is not None and (isinstance(at, bool) or not isinstance(at, (int, float))):
                    raise RoutingError("bad_message", "requested_at must be a number")
                self.hub.router.request(tid, bool(data.get("large_text")),
                                    _text(data, "terminal_name", 64) or None, at)
            elif t == "callback":                 # 留电回拨: stored, pushed to the helpers
                conn.send(self.hub.callbacks.from_kiosk(tid, data))
            return terminal
        if terminal is None:
            raise RoutingError("hello_first", "send hello or request with terminal_id first")
        if t == "cancel":
            self.hub.router.cancel(terminal)
        elif t == "hangup":
            self.hub.router.hangup("kiosk", terminal)
        elif t in ("signal", "chat"):
            self.hub.relay("kiosk", terminal, conn, data)
        elif t == "point_shown":                  # the helper's point is on the kiosk's screen
            self.hub.pointer.from_kiosk(terminal, data)
        elif t == "status":                       # the 终端 page; answered with status_ack
            if not self.hub.status_limit.allow(terminal):
                raise RoutingError("rate_limited", "too many status messages; the next heartbeat is enough")
            before = self.hub.terminals.revision
            conn.send(self.hub.terminals.report(terminal, data))
            if self.hub.terminals.revision != before:
                self.hub.staff.push_alerts()
        elif t == "admin_event":                  # the terminal's admin screen (管理): audited here too
            if not self.hub.status_limit.allow(terminal):
                raise RoutingError("rate_limited", "too many admin events")
            before = self.hub.terminals.revision
            self.hub.terminals.admin_event(terminal, data)
            if self.hub.terminals.revision != before:
                self.hub.staff.push_alerts()
        elif t in ("upload_link", "upload_cancel"):   # 手机上传 (helpdesk/phone_upload.py)
            self.hub.phone_upload.from_kiosk(conn, terminal, data)
        elif t == "stats":                        # the hall's counts per day; answered with stats_ack
            self.hub.stats.take(conn, terminal, data)
        else:
            raise RoutingError("unknown_type", f"unknown message type {t!r}")
        return terminal
