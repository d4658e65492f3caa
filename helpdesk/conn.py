# SPDX-License-Identifier: Apache-2.0
"""One client WebSocket on the hub: an ordered, non-blocking send queue, and the
parsing every incoming frame goes through (docs/assist-protocol.md, *Transport*)."""
from __future__ import annotations

import asyncio
import json

from aiohttp import WSMsgType, web

from helpdesk.model import RoutingError

MAX_MSG = 256 * 1024
MAX_BACKLOG = 1000          # unsent messages to one client before it is dropped


class Conn:
    """One WebSocket and its ordered, non-blocking send queue."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.auth = ""            # a kiosk's token hash when it was admitted
        self.queue: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self._writer())

    def send(self, msg: dict) -> None:
        if self.queue.qsize() >= MAX_BACKLOG:     # not reading: drop it, it will reconnect
            if not self.ws.closed:
                asyncio.ensure_future(self.ws.close(code=1008, message=b"too slow"))
            return
        self.queue.put_nowait(msg)

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.queue.put_nowait((code, reason))

    async def _writer(self) -> None:
        while True:
            msg = await self.queue.get()
            try:
                if isinstance(msg, tuple):
                    await self.ws.close(code=msg[0], message=msg[1].encode())
                    return
                await self.ws.send_str(json.dumps(msg, ensure_ascii=False))
            except (ConnectionError, RuntimeError):
                return


async def messages(ws: web.WebSocketResponse, conn: Conn):
    """Yield well-formed JSON objects; answer malformed ones with an error."""
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            continue
        try:
            data = json.loads(msg.data)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            conn.send({"type": "error", "code": "bad_message",
                       "message": "send a JSON object with a string 'type'"})
            continue
        yield data


def text(data: dict, key: str, limit: int, required: bool = False) -> str:
    val = data.get(key, "")
    if val is None:
        val = ""
    if not isinstance(val, str) or len(val) > limit or (required and not val):
        raise RoutingError("bad_message", f"{key} must be a string of 1-{limit} characters")
    return val
