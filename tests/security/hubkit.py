# SPDX-License-Identifier: Apache-2.0
"""The abuse suite's access to the hub test kit (tests/helpdesk/helpdesk_testkit.py):
a real hub on 127.0.0.1, real HTTP and WebSockets, an injected clock."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

_KIT = str(Path(__file__).resolve().parents[1] / "helpdesk")
if _KIT not in sys.path:
    sys.path.insert(0, _KIT)

from helpdesk_testkit import WAIT_S, Client, HubFixture, running_hub  # noqa: E402

OTHER = "127.0.0.2"          # a second host on the hall network (loopback alias)

__all__ = ["WAIT_S", "Client", "HubFixture", "running_hub", "OTHER", "run", "post_login",
           "until"]


def run(coro, limit: float = 60):
    return asyncio.run(asyncio.wait_for(coro, limit))


async def post_login(fx, name: str, password: str, address: str = "127.0.0.1",
                     headers: dict | None = None, session=None):
    async def go(s):
        async with s.post(fx.server.make_url("/api/login"), headers=headers,
                          json={"name": name, "password": password}) as r:
            return r.status, await r.json()
    if session is not None:
        return await go(session)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0))) as s:
        return await go(s)


async def until(condition, what: str, limit: float = WAIT_S) -> None:
    """Waits (yielding to the loop) until ``condition()`` holds; fails after ``limit`` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {limit} s: {what}")
        await asyncio.sleep(0.01)
