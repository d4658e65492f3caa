# SPDX-License-Identifier: Apache-2.0
"""Keeping unidentified sockets and chatty kiosks from starving the hub.

:class:`SocketGuard`: at most ``per_address`` open WebSockets from one address (the
client a trusted proxy names, as in :mod:`helpdesk.throttle`); more are answered
HTTP 429 before the upgrade. A socket that has not sent a valid hello (kiosk) or
login (helper) within ``identify_s`` is closed (4008). Each offence is logged once
per address and per ``LOG_EVERY_S``, never once per socket.

:class:`RateLimit`: a sliding-window count per key (a kiosk's terminal id).
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Callable

log = logging.getLogger(__name__)
LOG_EVERY_S = 300.0


class PerAddressLog:
    """One warning per kind and address every LOG_EVERY_S, never one per socket (a flood of
    connections must not become a flood of log lines)."""

    def __init__(self) -> None:
        self._logged: dict[tuple[str, str], float] = {}

    def warn(self, kind: str, address: str, message: str) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._logged.get((kind, address), -LOG_EVERY_S) >= LOG_EVERY_S:
            self._logged[(kind, address)] = now
            if len(self._logged) > 10_000:
                self._logged.clear()
            log.warning("%s (logged once per address every %.0f s)", message, LOG_EVERY_S)


class SocketGuard:
    def __init__(self, per_address: int, identify_s: float) -> None:
        self.per_address, self.identify_s = per_address, identify_s
        self.open_by_address: dict[str, int] = {}
        self.refused = 0          # sockets refused over the cap (tests, bench)
        self.timed_out = 0        # sockets closed for not identifying in time
        self.live: set = set()    # every open socket's Conn, identified or not: closed at shutdown
        self._log = PerAddressLog()

    def _log_once(self, kind: str, address: str, message: str) -> None:
        self._log.warn(kind, address, message)

    def open(self, address: str) -> bool:
        """May one more socket from ``address`` be opened? If so it is counted."""
        n = self.open_by_address.get(address, 0)
        if n >= self.per_address:
            self.refused += 1
            self._log_once("cap", address, f"sockets from {address}: {n} open, the limit "
                           f"(connections_per_address); further ones refused with HTTP 429")
            return False
        self.open_by_address[address] = n + 1
        return True

    def closed(self, address: str) -> None:
        n = self.open_by_address.get(address, 0) - 1
        if n > 0:
            self.open_by_address[address] = n
        else:
            self.open_by_address.pop(address, None)

    def deadline(self, conn, address: str, identified: Callable[[], bool]) -> asyncio.Handle:
        """Closes ``conn`` unless ``identified()`` within ``identify_s``; cancel the handle
        and call :meth:`ended` when the socket ends."""
        self.live.add(conn)

        def check() -> None:
            if identified() or conn.ws.closed:
                return
            self.timed_out += 1
            self._log_once("idle", address, f"sockets from {address}: no valid hello or login "
                           f"within {self.identify_s:g} s; closed")
            conn.send({"type": "error", "code": "identify_timeout",
                       "message": f"send hello or login within {self.identify_s:g} s"})
            conn.close(4008, "identify first")
            if conn.transport is not None:
                asyncio.get_running_loop().call_later(2.0, conn.transport.abort)
        return asyncio.get_running_loop().call_later(self.identify_s, check)

    def ended(self, conn) -> None:
        self.live.discard(conn)


def quiet_accept_errors(loop: asyncio.AbstractEventLoop, every_s: float = 60.0) -> None:
    """When the hub runs out of descriptors asyncio reports every failed accept() (with a
    traceback); this keeps one line a minute, with the count, and passes the rest on."""
    state = {"last": -every_s, "n": 0}
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if "out of system resource" in str(context.get("message", "")):
            state["n"] += 1
            now = loop.time()
            if now - state["last"] >= every_s:
                log.error("the hub is out of file descriptors: %d accept() failures in the "
                          "last %.0f s (%s); see LimitNOFILE and connections_per_address",
                          state["n"], every_s, context.get("exception"))
                state["last"], state["n"] = now, 0
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)
    loop.set_exception_handler(handler)


class RateLimit:
    """At most ``limit`` events per key within ``window_s`` (sliding)."""

    def __init__(self, clock: Callable[[], float], limit: int, window_s: float,
                 max_keys: int = 10_000) -> None:
        self.clock, self.limit, self.window_s, self.max_keys = clock, limit, window_s, max_keys
        self._times: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        times = self._times.get(key)
        if times is None:
            if len(self._times) >= self.max_keys:
                self._times = {k: t for k, t in self._times.items()
                               if t and now - t[-1] < self.window_s}
            times = self._times[key] = deque()
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True
