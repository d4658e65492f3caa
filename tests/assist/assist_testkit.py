# SPDX-License-Identifier: Apache-2.0
"""Shared bits for the assist tests: a hub on 127.0.0.1 in its own thread and loop
(so the kiosk's AssistService thread and a synchronous browser driver can run
beside it), helper WebSocket clients on that loop, and waits with deadlines."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

import aiohttp
from aiohttp.test_utils import TestServer

from helpdesk.accounts import Accounts
from helpdesk.config import parse
from helpdesk.hub import Hub, make_app
from helpdesk.kiosks import KioskRegistry

WAIT_S = 10.0
TEST_TOKEN = "test-kiosk-token-0123456789abcdef"     # TEST ONLY: kiosk_config's hub token
KIOSKS = ("EHALL-T1", "OTHER")                         # registered with it by HubThread


class Config(dict):
    """The bits of kiosk.config.Config the service reads."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, default)


def kiosk_config(url: str, **more: Any) -> Config:
    """EHALL-T1 with the token HubThread registers for it (override ``assist.hub_token``)."""
    return Config({"assist.hub_url": url, "hall.terminal_id": "EHALL-T1",
                   "assist.terminal_name": "东区 3 号机", "assist.hub_token": TEST_TOKEN,
                   **more})


class HubThread:
    """An in-process hub (real time, real ticker) on its own loop thread."""

    def __init__(self, tmp_path, **cfg: Any) -> None:
        cfg.setdefault("db_path", str(tmp_path / "hub.sqlite3"))
        cfg.setdefault("startup_grace_seconds", 0)
        # tests that retry a refused kiosk quickly must not trip the per-address throttle by chance
        cfg.setdefault("kiosk_refusals_before_throttle", 50)
        self.cfg = parse(cfg, "test")
        self.accounts = Accounts(self.cfg.db_path, time.time, scrypt_n=2 ** 4)
        self.kiosks = KioskRegistry(self.cfg.db_path, time.time, scrypt_n=2 ** 4)
        for terminal_id in KIOSKS:
            self.kiosks.add(terminal_id, TEST_TOKEN)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = 0
        self.server: TestServer | None = None
        self.orders = None          # an OrderStore: the hub serves work orders too

    def run(self, coro, timeout: float = WAIT_S) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> "HubThread":
        async def go() -> None:
            self.hub = Hub(self.cfg, time.time, self.accounts, tick_interval=0.2,
                           kiosk_registry=self.kiosks, orders=self.orders)
            self.server = TestServer(make_app(self.hub), host="127.0.0.1", port=self.port)
            await self.server.start_server()
            self.port = self.server.port
            self.session = aiohttp.ClientSession()
        self.run(go())
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop_server(self) -> None:
        async def go() -> None:
            await self.server.close()
            await self.session.close()
        self.run(go())

    def close(self) -> None:
        try:
            if self.server is not None:
                self.stop_server()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)

    def helper(self, name: str = "wangfang", display: str = "王芳") -> "HelperClient":
        if self.accounts.check_token(getattr(self, "_token_" + name, "")) is None:
            try:
                self.accounts.add(name, "password-" + name, display)
            except Exception:
                pass
            setattr(self, "_token_" + name, self.accounts.login(name, "password-" + name))
        return self.run(HelperClient.open(self, getattr(self, "_token_" + name)))


class HelperClient:
    """A scripted helper console over the real WebSocket (no media)."""

    def __init__(self, hub: HubThread, ws) -> None:
        self.hub, self.ws = hub, ws
        self.inbox: list[dict] = []
        self.cond = asyncio.Condition()
        self.task = asyncio.ensure_future(self._reader())

    @classmethod
    async def open(cls, hub: HubThread, token: str) -> "HelperClient":
        ws = await hub.session.ws_connect(f"{hub.http}/ws/helper")
        c = cls(hub, ws)
        await c._send(type="login", token=token)
        await c._expect("presence", state="away")
        return c

    async def _reader(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                async with self.cond:
                    self.inbox.append(json.loads(msg.data))
                    self.cond.notify_all()

    async def _send(self, **msg: Any) -> None:
        await self.ws.send_str(json.dumps(msg, ensure_ascii=False))

    async def _expect(self, kind: str, **match: Any) -> dict:
        async def wait() -> dict:
            async with self.cond:
                while True:
                    for i, m in enumerate(self.inbox):
                        if m["type"] == kind and all(m.get(k) == v for k, v in match.items()):
                            return self.inbox.pop(i)
                    await self.cond.wait()
        return await asyncio.wait_for(wait(), WAIT_S)

    def send(self, **msg: Any) -> None:
        self.hub.run(self._send(**msg))

    def expect(self, kind: str, **match: Any) -> dict:
        return self.hub.run(self._expect(kind, **match), WAIT_S + 1)

    def close(self) -> None:
        self.hub.run(self.ws.close())


def wait_state(service, pred: Callable[[Any], bool] | str, timeout: float = WAIT_S) -> Any:
    """Waits (with a deadline) until the service's status satisfies ``pred`` (or has that state)."""
    check = (lambda s: s.state == pred) if isinstance(pred, str) else pred
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check(service.status):
            return service.status
        time.sleep(0.02)
    raise AssertionError(f"no {pred} within {timeout}s; status {service.status}")


def only_loopback(monkeypatch) -> None:
    """TEST ONLY: ICE on 127.0.0.1 alone (aioice skips loopback; never ship this).

    Host candidates are gathered on 127.0.0.1 only, and remote candidates that are
    not 127.0.0.1 (the browser's other interfaces, mDNS names) are dropped, so no
    packet is aimed anywhere but loopback. aiortc runs in the media child
    (kiosk/assist/media_process.py): the patch reaches it through a ``sitecustomize``
    on its PYTHONPATH (loopback_site/), applied in that child alone.
    """
    site = str(Path(__file__).resolve().parent / "loopback_site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (site, os.environ.get("PYTHONPATH")) if p))


@contextlib.contextmanager
def started_services(**defaults: Any):
    """``make(cfg, session=None, **kw)``: a started AssistService; all are stopped at the end."""
    from kiosk.assist import AssistService

    made = []

    def make(cfg, session=None, **kw):
        s = AssistService(cfg, session, **{"camera_factory": None, **defaults, **kw})
        made.append(s)
        s.start()
        return s
    try:
        yield make
    finally:
        for s in made:
            s.stop()
