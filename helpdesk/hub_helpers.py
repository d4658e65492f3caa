# SPDX-License-Identifier: Apache-2.0
"""The hub's helper sockets (``/ws/helper``): login with a session token, then the helper
console's messages (presence, accept and decline, hangup, wrap-up, call-backs, signal,
chat and the pointer) dispatched to the router (docs/assist-protocol.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from helpdesk.accounts import token_hash
from helpdesk.conn import MAX_MSG, Conn, messages as _messages, text as _text
from helpdesk.routing import RoutingError
from helpdesk.websurface import capped

if TYPE_CHECKING:
    from helpdesk.hub import Hub


class HelperSockets:
    """The helpers' side of :class:`helpdesk.hub.Hub`."""

    def __init__(self, hub: "Hub") -> None:
        self.hub = hub

    async def ws(self, request: web.Request) -> web.StreamResponse:
        address = self.hub._address(request)
        return await capped(self.hub.sockets, address, lambda: self._helper_ws(request, address))

    async def _helper_ws(self, request: web.Request, address: str) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_MSG)
        await ws.prepare(request)
        conn, name = Conn(ws, request.transport), None
        deadline = self.hub.sockets.deadline(conn, address, lambda: name is not None)
        try:
            async for data in _messages(ws, conn):
                try:
                    name = self._helper_message(conn, name, data)
                except RoutingError as e:
                    conn.send({"type": "error", "code": e.code, "message": str(e),
                               "in_reply_to": data.get("type")})
                    if e.code == "bad_token":
                        conn.close(4001, "bad token")
                self.hub.flush()
        finally:
            deadline.cancel()
            self.hub.sockets.ended(conn)
            if name is not None and self.hub.helpers.get(name) is conn and not self.hub.stopping:
                del self.hub.helpers[name]
                self.hub.router.helper_offline(name)
                self.hub.flush()
            conn.close()
        return ws

    def _helper_message(self, conn: Conn, name: str | None, data: dict) -> str | None:
        t = data["type"]
        if t == "login":
            if name is not None:
                raise RoutingError("already_logged_in", "one login per connection")
            token = data.get("token", "")
            acct = self.hub.accounts.check_token(token)
            if acct is None:
                raise RoutingError("bad_token", "log in again")
            conn.auth = token_hash(token)        # revoked with its session (tick)
            old = self.hub.helpers.get(acct.name)
            if old is not None:                   # a second tab or a reconnect
                old.send({"type": "error", "code": "replaced", "message": "new connection"})
                old.close(4000, "replaced")
            was_open = self.hub.staff.open()
            self.hub.helpers[acct.name] = conn
            conn.send({"type": "welcome", "name": acct.name, "display_name": acct.display_name,
                       "ring_s": self.hub.cfg.ring_seconds,
                       "ice_servers": self.hub.ice("helper", acct.name)})
            self.hub.router.helper_online(acct.name, acct.display_name)
            conn.send(self.hub.callbacks.list_message())      # the whole list once; then deltas
            conn.send(self.hub.terminals.alerts_message())
            if not was_open:
                self.hub.staff.changed()
            return acct.name
        if name is None:
            raise RoutingError("login_first", "send login with your token first")
        if t == "presence":
            self.hub.router.set_presence(name, _text(data, "state", 16, required=True))
        elif t in ("accept", "decline"):
            rid = _text(data, "request_id", 64, required=True)
            (self.hub.router.accept if t == "accept" else self.hub.router.decline)(name, rid)
        elif t == "hangup":
            self.hub.router.hangup("helper", name)
        elif t == "wrapup":
            rid = self.hub.router.wrapup(name, _text(data, "note", 2000),
                                     _text(data, "request_id", 64) or None)
            conn.send({"type": "wrapup_saved", "request_id": rid})
        elif t in ("callback_claim", "callback_done"):
            conn.send(self.hub.callbacks.from_helper(name, data))
        elif t in ("signal", "chat"):
            self.hub.relay("helper", name, conn, data)
        elif t == "point":                        # 请点这里 on the kiosk of this helper's call
            self.hub.pointer.from_helper(name, data)
        else:
            raise RoutingError("unknown_type", f"unknown message type {t!r}")
        return name
