# SPDX-License-Identifier: Apache-2.0
"""The kiosk's WebSocket client for the helpdesk hub (docs/assist-protocol.md).

:class:`HubClient` keeps one connection to ``/ws/kiosk`` open, reconnecting with
backoff (1 s doubling to 15 s). It proves which terminal it is with the token the
hub's admin made (``Authorization: Bearer`` on the upgrade, never in the URL or a
message); a hub that refuses it (``kiosk_unauthorized``, or ``kiosk_throttled`` after
too many refusals from its address) is logged once and retried every 15 s (or after
the hub's ``retry_after_s``), so fixing the registration needs no kiosk restart. Both
refusals reach ``on_message`` as they came (``REFUSALS``); for the kiosk they mean
the same, 呼叫帮办 is unavailable. It remembers a request that is still waiting and re-sends it after a reconnect with
its original ``requested_at``, so the kiosk keeps its place in the queue.
Everything the hub says goes to ``on_message``; link changes go to
``on_link(up)``. It runs on one asyncio loop and every method must be called on
that loop.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Callable

import aiohttp

from kiosk.config import read_token_file

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 15.0
CONNECT_TIMEOUT_S = 5.0
WAITING = ("queued", "ringing")
FINAL = ("connected", "no_helper", "timeout", "ended")
REFUSED = "kiosk_unauthorized"
THROTTLED = "kiosk_throttled"     # refused without a check: too many refusals from this address
REFUSALS = (REFUSED, THROTTLED)
RETRY_AFTER_MAX_S = 300.0


class HubClient:
    """One kiosk's link to the hub.

    ``on_message(msg)`` gets every JSON object the hub sends; ``on_link(up)``
    is called when the socket opens (after ``welcome``) and when it closes.
    ``token`` or ``token_file`` (read again at each connect) is this terminal's hub token.
    """

    def __init__(self, url: str, terminal_id: str, *, token: str = "", token_file: str = "",
                 on_message: Callable[[dict], None],
                 on_link: Callable[[bool], None] = lambda up: None,
                 backoff_first_s: float = BACKOFF_FIRST_S,
                 backoff_max_s: float = BACKOFF_MAX_S) -> None:
        self.url = url.rstrip("/") + ("" if url.rstrip("/").endswith("/ws/kiosk") else "/ws/kiosk")
        self.terminal_id = terminal_id
        self.token, self.token_file = token, token_file
        self.refused = False          # the hub said kiosk_unauthorized; cleared by a welcome
        self._retry_after = 0.0       # kiosk_throttled: the hub's retry_after_s
        self._token_problem = ""
        self.on_message, self.on_link = on_message, on_link
        self.backoff_first_s, self.backoff_max_s = backoff_first_s, backoff_max_s
        self.ice_servers: list[dict] = []
        self.up = False
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[str, Any] | None = None   # the request to (re-)send
        self._task: asyncio.Task | None = None
        self._stopping = False

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        self._stopping = True
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        delay = self.backoff_first_s
        timeout = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not self._stopping:
                try:
                    async with http.ws_connect(self.url, heartbeat=20, headers=self._headers(),
                                               max_msg_size=256 * 1024) as ws:
                        self._ws = ws
                        delay = self.backoff_first_s
                        await self._session(ws)
                except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                    log.info("hub %s: %s", self.url, type(exc).__name__)
                finally:
                    self._ws = None
                    if self.up:
                        self.up = False
                        self.on_link(False)
                if self._stopping:
                    break
                if self.refused:                  # not a network fault: no point hurrying
                    delay = max(self.backoff_max_s, self._retry_after)
                    self._retry_after = 0.0
                    log.debug("hub %s refused this terminal again; next try in %.0f s",
                              self.url, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max_s)

    def _headers(self) -> dict[str, str]:
        token = self.token
        if self.token_file:
            try:
                token, problem = read_token_file(self.token_file), ""
            except (OSError, ValueError) as exc:
                token, problem = "", f"{type(exc).__name__}: {exc}"
            if problem and problem != self._token_problem:    # once per new problem
                log.warning("assist.hub_token_file %s: %s", self.token_file, problem)
            self._token_problem = problem
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _refused(self, msg: dict) -> None:
        retry = msg.get("retry_after_s")
        if msg.get("code") == THROTTLED and isinstance(retry, (int, float)) \
                and not isinstance(retry, bool):
            self._retry_after = min(max(float(retry), 0.0), RETRY_AFTER_MAX_S)
        if not self.refused and msg.get("code") == THROTTLED:
            log.warning("hub refuses connections from this kiosk's address for now: too many "
                        "refused attempts from it (this terminal's token, or another device "
                        "at the same address); see docs/helpdesk.md (terminal %s, hub %s; "
                        "retrying in %.0f s)", self.terminal_id, self.url,
                        max(self.backoff_max_s, self._retry_after))
        elif not self.refused:
            log.warning("hub refused this terminal: not registered or wrong token; see "
                        "docs/helpdesk.md (terminal %s, hub %s; a disabled terminal is refused "
                        "too; retrying every %.0f s)", self.terminal_id, self.url,
                        self.backoff_max_s)
        self.refused = True
        self._pending = None              # a request made before is void

    async def _session(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        first = dict(self._pending) if self._pending else {"type": "hello"}
        first["terminal_id"] = self.terminal_id
        await ws.send_str(json.dumps(first, ensure_ascii=False))
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                data = json.loads(msg.data)
            except ValueError:
                continue
            if not isinstance(data, dict) or not isinstance(data.get("type"), str):
                continue
            self._track(data)
            if data["type"] == "error" and data.get("code") in REFUSALS:
                self._refused(data)
            if data["type"] == "welcome":
                if self.refused:
                    log.info("hub %s accepts this terminal (%s) again", self.url,
                             self.terminal_id)
                    self.refused = False
                self.ice_servers = list(data.get("ice_servers") or [])
                if not self.up:
                    self.up = True
                    self.on_link(True)
            self.on_message(data)

    def _track(self, msg: dict) -> None:
        """Keeps the waiting request's ``requested_at``; forgets it once it is over."""
        kind = msg["type"]
        if kind in WAITING and self._pending is not None and msg.get("requested_at") is not None:
            self._pending["requested_at"] = msg["requested_at"]
        elif kind in FINAL:
            self._pending = None

    # -------------------------------------------------------------- intents
    async def send(self, msg: dict) -> bool:
        """Sends now if linked; returns False (and drops it) when the hub is not there."""
        ws = self._ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(json.dumps(msg, ensure_ascii=False))
            return True
        except (ConnectionError, RuntimeError, aiohttp.ClientError):
            return False

    async def request(self, large_text: bool, terminal_name: str = "",
                      requested_at: float | None = None) -> bool:
        """Queues the kiosk; re-sent by itself after a reconnect until it is answered."""
        self._pending = {"type": "request", "terminal_id": self.terminal_id,
                         "large_text": bool(large_text)}
        if terminal_name:
            self._pending["terminal_name"] = terminal_name[:64]
        if requested_at is not None:
            self._pending["requested_at"] = requested_at
        return await self.send(dict(self._pending))

    async def cancel(self) -> bool:
        self._pending = None
        return await self.send({"type": "cancel"})

    async def hangup(self) -> bool:
        self._pending = None
        return await self.send({"type": "hangup"})

    async def signal(self, data: Any) -> bool:
        return await self.send({"type": "signal", "data": data})

    async def chat(self, text: str) -> bool:
        return await self.send({"type": "chat", "text": text[:1000]})

    @property
    def waiting(self) -> bool:
        return self._pending is not None
