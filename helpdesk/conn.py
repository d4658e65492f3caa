# SPDX-License-Identifier: Apache-2.0
"""One client WebSocket on the hub: an ordered, non-blocking send queue, and the
parsing every incoming frame goes through (docs/assist-protocol.md, *Transport*)."""
from __future__ import annotations

import asyncio
import json
import math

from aiohttp import WSMsgType, web

from helpdesk.model import RoutingError

MAX_MSG = 256 * 1024
MAX_BACKLOG = 1000          # unsent messages to one client before it is dropped
MAX_QUEUED_BYTES = 2 * 1024 * 1024   # unsent bytes to one client before it is dropped
MAX_DIGITS = 18             # integers in a message: at most this many digits


class BadNumber(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise BadNumber(f"a number with more than {MAX_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    val = float(text)
    if not math.isfinite(val) or len(text) > 40:
        raise BadNumber("a number out of range")
    return val


def _constant(text: str) -> float:
    raise BadNumber(f"{text} is not a number we accept")


def loads(raw: str | bytes) -> object:
    """JSON from a peer, bounded: integers of at most 18 digits, finite floats, no
    NaN/Infinity, nesting no deeper than Python's recursion allows. ValueError else
    (RecursionError is turned into one)."""
    try:
        return json.loads(raw, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


class Conn:
    """One WebSocket and its ordered, non-blocking send queue."""

    def __init__(self, ws: web.WebSocketResponse, transport=None) -> None:
        self.ws, self.transport = ws, transport
        self.auth = ""            # the token hash it was admitted with (kiosk or helper)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.queued_bytes = 0
        self.dropped = False      # too slow a reader: closed
        self.task = asyncio.ensure_future(self._writer())

    def send(self, msg: dict) -> None:
        if self.dropped:
            return
        text = json.dumps(msg, ensure_ascii=False)
        if self.queue.qsize() >= MAX_BACKLOG or \
                self.queued_bytes + len(text) > MAX_QUEUED_BYTES:   # not reading: drop it
            self.dropped = True
            if self.transport is not None:     # a full socket would block a clean close
                self.transport.abort()
            else:
                asyncio.ensure_future(self.ws.close(code=1008, message=b"too slow"))
            return
        self.queued_bytes += len(text)
        self.queue.put_nowait(text)

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.queue.put_nowait((code, reason))

    async def _writer(self) -> None:
        while True:
            msg = await self.queue.get()
            try:
                if isinstance(msg, tuple):
                    await self.ws.close(code=msg[0], message=msg[1].encode())
                    return
                await self.ws.send_str(msg)
                self.queued_bytes -= len(msg)
            except (ConnectionError, RuntimeError):
                return


async def messages(ws: web.WebSocketResponse, conn: Conn):
    """Yield well-formed JSON objects; answer malformed ones with an error."""
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            continue
        try:
            data = loads(msg.data)
        except BadNumber as e:
            conn.send({"type": "error", "code": "bad_message",
                       "message": f"numbers must be finite with at most {MAX_DIGITS} digits ({e})"})
            continue
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
