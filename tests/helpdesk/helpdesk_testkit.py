# SPDX-License-Identifier: Apache-2.0
"""Shared bits for the hub tests: fake clock, an in-process hub on 127.0.0.1,
and WebSocket clients that collect every message they receive."""
from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
from aiohttp.test_utils import TestServer

from helpdesk.accounts import Accounts
from helpdesk.config import parse
from helpdesk.hub import Hub, make_app
from helpdesk.kiosks import KioskRegistry

WAIT_S = 5.0     # a deadline for awaited messages, never a sleep
REGISTERED = object()   # kiosk(): register the terminal (once) and use its token


class Clock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class Client:
    """A WebSocket client; ``expect`` waits for the next unread message of a type."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, name: str) -> None:
        self.ws, self.name = ws, name
        self.inbox: list[dict] = []
        self.read: set[int] = set()
        self.closed = asyncio.Event()
        self._new = asyncio.Condition()
        self.task = asyncio.ensure_future(self._reader())

    async def _reader(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                async with self._new:
                    self.inbox.append(json.loads(msg.data))
                    self._new.notify_all()
        self.closed.set()
        async with self._new:
            self._new.notify_all()

    async def send_raw(self, text: str) -> None:
        await self.ws.send_str(text)

    async def send(self, **msg) -> None:
        await self.ws.send_str(json.dumps(msg, ensure_ascii=False))

    def _find(self, kind: str, **match) -> dict | None:
        for i, m in enumerate(self.inbox):
            if i not in self.read and m.get("type") == kind and \
                    all(m.get(k) == v for k, v in match.items()):
                self.read.add(i)
                return m
        return None

    async def expect(self, kind: str, **match) -> dict:
        async def wait() -> dict:
            async with self._new:
                while True:
                    m = self._find(kind, **match)
                    if m is not None:
                        return m
                    if self.closed.is_set():
                        raise AssertionError(f"{self.name}: closed before {kind} {match}; "
                                             f"got {self.inbox}")
                    await self._new.wait()
        try:
            return await asyncio.wait_for(wait(), WAIT_S)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: no {kind} {match} in {WAIT_S}s; "
                                 f"got {self.inbox}") from None

    def unread(self, kind: str) -> list[dict]:
        return [m for i, m in enumerate(self.inbox) if i not in self.read and m["type"] == kind]

    async def close(self) -> None:
        await self.ws.close()
        await self.task


class HubFixture:
    """A hub on 127.0.0.1 with an injected clock and no periodic ticker."""

    def __init__(self, tmp_path, clock: Clock | None = None, **cfg) -> None:
        self.tmp_path, self.clock = tmp_path, clock or Clock()
        cfg.setdefault("db_path", str(tmp_path / "hub.sqlite3"))
        cfg.setdefault("startup_grace_seconds", 0)
        self.cfg = parse(cfg, "test")
        self.accounts = Accounts(self.cfg.db_path, self.clock, scrypt_n=2 ** 4,
                                 session_s=self.cfg.session_hours * 3600)
        self.tokens: dict[str, str] = {}
        self.kiosk_registry = KioskRegistry(self.cfg.db_path, self.clock, scrypt_n=2 ** 4)
        self.kiosk_tokens: dict[str, str] = {}
        self.tick_interval: float | None = None     # None: the test calls tick() itself
        self.orders = None                            # an OrderStore: POST /api/records is served

    def add_helpers(self, n: int) -> list[str]:
        names = [f"h{i:02d}" for i in range(n)]
        for name in names:
            self.accounts.add(name, "password-" + name, f"帮办{name}")
            self.tokens[name] = self.accounts.login(name, "password-" + name)
        return names

    async def start(self) -> "HubFixture":
        self.hub = Hub(self.cfg, self.clock, self.accounts, tick_interval=self.tick_interval,
                       kiosk_registry=self.kiosk_registry, orders=self.orders)
        self.server = TestServer(make_app(self.hub), host="127.0.0.1", port=0)
        await self.server.start_server()
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self

    async def stop(self) -> None:
        await self.server.close()      # first: connected clients are told
        await self.session.close()

    def register_kiosk(self, terminal_id: str) -> str:
        """Registers the terminal (or gives it a new token) like ``kiosks add``; the token."""
        token, _rotated = self.kiosk_registry.add(terminal_id)
        self.kiosk_tokens[terminal_id] = token
        return token

    async def kiosk(self, terminal_id: str, token=REGISTERED) -> Client:
        """A kiosk socket carrying ``Authorization: Bearer <token>`` (None: no header).
        By default the terminal is registered on first use and its own token is sent."""
        if token is REGISTERED:
            token = self.kiosk_tokens.get(terminal_id) or self.register_kiosk(terminal_id)
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        ws = await self.session.ws_connect(self.server.make_url("/ws/kiosk"), headers=headers)
        return Client(ws, terminal_id)

    async def helper(self, name: str, available: bool = True) -> Client:
        ws = await self.session.ws_connect(self.server.make_url("/ws/helper"))
        c = Client(ws, name)
        await c.send(type="login", token=self.tokens[name])
        await c.expect("welcome")
        await c.expect("presence", state="away")
        if available:
            await c.send(type="presence", state="available")
            await c.expect("presence", state="available")
        return c

    def tick(self, seconds: float) -> None:
        self.clock.t += seconds
        self.hub.tick()


@contextlib.asynccontextmanager
async def running_hub(tmp_path, **cfg):
    fx = HubFixture(tmp_path, **cfg)
    await fx.start()
    try:
        yield fx
    finally:
        await fx.stop()


async def orders_hub(tmp_path, helpers: int = 0, **cfg) -> HubFixture:
    """A started hub (HubFixture) with a fresh SQLite order store (Alembic at head), ``helpers``
    console accounts (h00, h01 …, tokens in ``fx.tokens``) and ``cfg`` as its config."""
    from helpdesk.orders import OrderStore, upgrade
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    await asyncio.to_thread(upgrade, url)
    fx = HubFixture(tmp_path, **cfg)
    fx.orders = OrderStore(url)
    fx.add_helpers(helpers)
    await fx.start()
    return fx
