# SPDX-License-Identifier: Apache-2.0
"""Plain TCP connections to the hub, before HTTP: a cap per address and a deadline for
the first bytes (docs/security.md).

aiohttp waits for a request on a fresh connection for ever, so a host that opens
connections and sends nothing would use up the hub's descriptors without ever reaching
the WebSocket cap (:mod:`helpdesk.guard`). :class:`GuardedSite` listens like aiohttp's
TCPSite but wraps each connection: more than ``per_address`` open connections from one
address are dropped at once, and a connection that sends nothing within
``first_bytes_s`` is closed. Peers in ``trusted_proxies`` are not capped (all the
hall's clients come through them; the proxy has its own limits). One log line per
address and offence every 5 minutes.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from aiohttp import web

from helpdesk.guard import PerAddressLog
from helpdesk.throttle import Network, client_address

log = logging.getLogger(__name__)


class ConnectionGuard:
    """A protocol factory around aiohttp's: counts and times every connection."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], per_address: int,
                 first_bytes_s: float, trusted: tuple[Network, ...] = ()) -> None:
        self.factory, self.per_address, self.first_bytes_s = factory, per_address, first_bytes_s
        self.trusted = trusted
        self.open: dict[str, int] = {}
        self._log = PerAddressLog()

    def __call__(self) -> asyncio.Protocol:
        return _Guarded(self, self.factory())

    def log_once(self, kind: str, address: str, message: str) -> None:
        self._log.warn(kind, address, message)


class _Guarded(asyncio.Protocol):
    def __init__(self, guard: ConnectionGuard, inner: asyncio.Protocol) -> None:
        self.guard, self.inner = guard, inner
        self.address: str | None = None     # counted under this address
        self.refused = False
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        g = self.guard
        peer = transport.get_extra_info("peername")
        address = client_address(peer[0] if peer else None, (), ())
        if not any(_in(address, net) for net in g.trusted):
            n = g.open.get(address, 0)
            if n >= g.per_address:
                self.refused = True
                g.log_once("tcp", address, f"connections from {address}: {n} open, the limit; "
                           "further ones are dropped at once")
                transport.abort()
                return
            g.open[address] = n + 1
            self.address = address
        self.timer = asyncio.get_running_loop().call_later(g.first_bytes_s, self._silent,
                                                           transport)
        self.inner.connection_made(transport)

    def _silent(self, transport: asyncio.BaseTransport) -> None:
        self.guard.log_once("silent", self.address or "?", f"connections from {self.address}: "
                            f"nothing sent within {self.guard.first_bytes_s:g} s; closed")
        transport.abort()

    def data_received(self, data: bytes) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.inner.data_received(data)

    def eof_received(self):
        return None if self.refused else self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.address is not None:
            n = self.guard.open.get(self.address, 1) - 1
            if n > 0:
                self.guard.open[self.address] = n
            else:
                self.guard.open.pop(self.address, None)
        if not self.refused:
            self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def _in(address: str, net: Network) -> bool:
    import ipaddress
    try:
        return ipaddress.ip_address(address) in net
    except ValueError:
        return False


class GuardedSite(web.TCPSite):
    """aiohttp's TCPSite with every connection wrapped by a :class:`ConnectionGuard`."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int,
                 guard_args: dict) -> None:
        super().__init__(runner, host, port)
        self.guard_args = guard_args
        self.guard: ConnectionGuard | None = None

    async def start(self) -> None:
        await web.BaseSite.start(self)                  # registers the site with the runner
        self.guard = ConnectionGuard(self._runner.server, **self.guard_args)
        self._server = await asyncio.get_running_loop().create_server(
            self.guard, self._host, self._port, backlog=self._backlog, reuse_address=True)


async def serve(app: web.Application, host: str, port: int, guard_args: dict) -> None:
    """Runs ``app`` until SIGTERM or SIGINT, then shuts down as ``web.run_app`` does."""
    import signal
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await GuardedSite(runner, host, port, guard_args).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
