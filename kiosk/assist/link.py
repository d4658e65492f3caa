# SPDX-License-Identifier: Apache-2.0
"""The assist service's hub link: its thread and asyncio loop, and the one socket to the hub.

:class:`HubLink` owns the background thread with its own asyncio loop where the
hub client (:mod:`kiosk.assist.client`: connection, hello, backoff) and the call
live, runs coroutines there for other threads (:meth:`HubLink.call`), and gives
the hub's messages to the service and to other services (``tap``; kiosk.ops
status and admin reports), which also send through it (``send_to_hub``). It
remembers that the hub refuses this terminal until the next welcome.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from typing import Any, Awaitable, Callable

from .client import REFUSALS, HubClient
from ..observe import Observers

log = logging.getLogger(__name__)


class HubLink:
    """The service thread, its loop and the hub client; see the module's docstring.

    ``on_message(msg)`` gets each hub message after the taps; ``on_linked(up)`` is called
    first when the socket opens or closes, then the taps, then ``on_link(up, welcomed)``
    (``welcomed``: a hub that refused this terminal has taken it again).
    """

    def __init__(self, config: Any, *, on_message: Callable[[dict], None],
                 on_linked: Callable[[bool], None], on_link: Callable[[bool, bool], None],
                 backoff_first_s: float = 1.0, backoff_max_s: float = 15.0) -> None:
        self.hub_url = config.get("assist.hub_url", "") or ""
        self.hub_token = config.get("assist.hub_token", "") or ""
        self.hub_token_file = config.get("assist.hub_token_file", "") or ""
        self.terminal_id = config.get("hall.terminal_id", "EHALL-01")
        self.backoff_first_s, self.backoff_max_s = backoff_first_s, backoff_max_s
        self.on_message, self.on_linked, self.on_link = on_message, on_linked, on_link
        self.refused = False       # the hub refuses this terminal (not registered, wrong token)
        self._taps: Observers[dict] = Observers("assist hub link")    # other services (tap)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.client: HubClient | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self, on_loop: Callable[[asyncio.AbstractEventLoop], None]) -> None:
        """Starts the thread and the hub client; ``on_loop(loop)`` runs first on the new loop."""
        if self.thread is not None or not self.hub_url:
            return
        ready = threading.Event()
        self.thread = threading.Thread(target=self._main, args=(ready, on_loop), name="assist",
                                       daemon=True)
        self.thread.start()
        ready.wait(5)

    def _main(self, ready: threading.Event,
              on_loop: Callable[[asyncio.AbstractEventLoop], None]) -> None:
        self.loop = loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.client = HubClient(self.hub_url, self.terminal_id, token=self.hub_token,
                                token_file=self.hub_token_file, on_message=self._on_message,
                                on_link=self._on_link, backoff_first_s=self.backoff_first_s,
                                backoff_max_s=self.backoff_max_s)
        loop.call_soon(self.client.start)
        loop.call_soon(ready.set)
        on_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()

    def stop(self, before: Callable[[], Awaitable[None]], timeout: float = 5.0) -> None:
        """Awaits ``before()``, closes the hub link, cancels what is left and joins the thread.
        Any thread but the service's."""
        if self.loop is None or self.thread is None:
            return
        client = self.client

        async def shutdown() -> None:
            await before()
            if client is not None:
                await client.stop()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:               # aiortc's leftovers and pending intents
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("assist: stop timed out")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)
        self.thread = self.loop = None

    def call(self, coro_fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        """Runs ``coro_fn(*args)`` on the service loop; returns a concurrent Future."""
        if self.loop is None:
            fut: concurrent.futures.Future = concurrent.futures.Future()
            fut.set_result(None)
            return fut
        return asyncio.run_coroutine_threadsafe(coro_fn(*args), self.loop)

    def call_soon(self, fn: Callable[[], Any]) -> None:
        """``fn()`` on the service loop when it runs, else now."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(fn)
        else:
            fn()

    # ----------------------------------------- the hub link, for other services (kiosk.ops)
    def tap(self, fn: Callable[[dict], None]) -> None:
        """``fn(msg)`` for every message from the hub, and ``{"type": "link", "up": bool}`` when
        the link comes up (after ``welcome``) or goes; on the service's thread."""
        self._taps.subscribe(fn)

    def send_to_hub(self, msg: dict) -> concurrent.futures.Future:
        """Sends ``msg`` now if linked; the Future gives False when the hub is not there."""
        return self.call(self._send_raw, msg)

    async def _send_raw(self, msg: dict) -> bool:
        return await self.client.send(msg) if self.client is not None else False

    # ------------------------------------------------------- from the hub client
    def _on_link(self, up: bool) -> None:
        self.on_linked(up)
        self._taps.notify({"type": "link", "up": up})
        welcomed = up and self.refused          # registered (again) on the hub
        if welcomed:
            self.refused = False
        self.on_link(up, welcomed)

    def _on_message(self, m: dict) -> None:
        self._taps.notify(m)
        if m["type"] == "error" and m.get("code") in REFUSALS:     # either way: not taken now
            self.refused = True
        self.on_message(m)
