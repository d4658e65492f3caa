# SPDX-License-Identifier: Apache-2.0
"""The hub's own HTTP endpoints: helper login and logout, ``/healthz`` and ``/api/status``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from helpdesk.accounts import AccountError
from helpdesk.conn import loads
from helpdesk.login_gate import LoginThrottled
from helpdesk.websurface import LOGIN_MAX, bearer, same_origin

if TYPE_CHECKING:
    from helpdesk.hub import Hub


class HubHttp:
    """Login, logout and the two status endpoints of :class:`helpdesk.hub.Hub`."""

    def __init__(self, hub: "Hub") -> None:
        self.hub = hub

    async def login(self, request: web.Request) -> web.Response:
        if not same_origin(request, bool(self.hub.cfg.trusted_proxies)):
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
        address = self.hub._address(request)
        try:
            token = await self.hub.logins.login(name, password, address)
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
            self.hub.accounts.logout(token)
            self.hub.drop_revoked_helpers()
            self.hub.flush()
        return web.Response(status=204)

    async def healthz(self, request: web.Request) -> web.Response:
        """For monitors: only that the hub answers. Details: /api/status (logged in)."""
        return web.json_response({"status": "ok"})

    async def status(self, request: web.Request) -> web.Response:
        if self.hub.accounts.check_token(bearer(request)) is None:
            return web.json_response({"error": "log in"}, status=401)
        states: dict[str, int] = {}
        for h in self.hub.router.helpers.values():
            states[h.state.value] = states.get(h.state.value, 0) + 1
        reqs = [r.state for r in self.hub.router.requests.values()]
        return web.json_response({"helpers": states, "queued": reqs.count("queued"),
                                  "ringing": reqs.count("ringing"),
                                  "in_call": reqs.count("connected")})
