# SPDX-License-Identifier: Apache-2.0
"""The assist service's call state machine: a request, the queue, the call and its end
(docs/remote-assist.md, *States*). One immutable :class:`AssistStatus` goes to the
listeners on every change; the timers tell the citizen when the hub does not answer.
Everything but :meth:`AssistCall.wipe` runs on the service's loop (:class:`HubLink`)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any, Callable

from .link import HubLink
from .media_proxy import MediaProxy
from .status import ACTIVE, WAITING, AssistStatus, CallState, ChatLine, allowed
from ..observe import Observers

log = logging.getLogger(__name__)


class AssistCall:
    """The state of this terminal's request or call, and its transitions."""

    def __init__(self, link: HubLink, media: MediaProxy, clock: Callable[[], float],
                 terminal_name: str, answer_timeout_s: float, link_lost_s: float) -> None:
        self.link, self.media, self.clock = link, media, clock
        self.terminal_name = terminal_name
        self.answer_timeout_s, self.link_lost_s = answer_timeout_s, link_lost_s
        self.status = AssistStatus(CallState.IDLE if link.hub_url else CallState.UNAVAILABLE)
        self._observers: Observers[AssistStatus] = Observers("assist")
        self._deadline: asyncio.TimerHandle | None = None

    @property
    def client(self) -> Any:
        return self.link.client

    def subscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        self._observers.subscribe(fn)

    def unsubscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        self._observers.unsubscribe(fn)

    def set(self, **changes: Any) -> None:
        before = self.status.state
        self.status = replace(self.status, **changes)
        if not allowed(before, self.status.state):
            log.warning("assist: unexpected transition %s -> %s", before, self.status.state)
        self._observers.notify(self.status)

    @property
    def rest(self) -> CallState:
        """The state with no request: "unavailable" without a hub or while it refuses us."""
        return CallState.IDLE if self.link.hub_url and not self.link.refused else CallState.UNAVAILABLE

    def wipe(self) -> None:
        """Session end: ends any call and forgets everything about it. Any thread."""
        if self.link.loop is not None and self.status.state in ACTIVE:
            self.link.call(self._abandon, self.status.state)
        self.status = AssistStatus(self.rest, linked=self.status.linked)
        self.link.call_soon(self.set)

    # ------------------------------------------------------- intents, on the loop
    async def request(self, large_text: bool) -> None:
        if self.status.state in ACTIVE:
            return
        if self.link.refused:                    # say so now, not after link_lost_s
            self.set(state=CallState.UNAVAILABLE, reason="kiosk_unauthorized")
            return
        self.set(state=CallState.REQUESTING, reason=None, position=None, estimate_s=None,
                 helper_name=None, chat=())
        await self.client.request(large_text, self.terminal_name)
        self._arm(self.answer_timeout_s if self.client.up else self.link_lost_s)

    async def cancel(self) -> None:
        state = self.status.state
        if state == CallState.CONNECTED:
            await self.hangup("hangup")
        elif state in WAITING:
            await self.client.cancel()
        self.disarm()
        await self.media.end()
        self.set(state=self.rest, reason=None, position=None, estimate_s=None)

    async def _abandon(self, state: CallState) -> None:
        """The session was wiped during a request or call: tell the hub, drop the media."""
        self.disarm()
        await (self.client.hangup() if state == CallState.CONNECTED else self.client.cancel())
        await self.media.end()

    async def hangup(self, reason: str) -> None:
        if self.status.state not in ACTIVE:
            return
        await self.client.hangup()
        await self._finish(CallState.ENDED, reason)

    async def dismiss(self) -> None:
        if self.status.state not in ACTIVE:
            self.set(state=self.rest, reason=None)

    async def chat(self, text: str) -> None:
        if self.status.state == CallState.CONNECTED and text.strip():
            await self.client.chat(text)
            self.set(chat=self.status.chat + (ChatLine("kiosk", text, self.clock()),))

    async def mute(self, muted: bool) -> None:
        self.set(muted=muted)
        self.media.set_muted(muted)

    async def _finish(self, state: CallState, reason: str | None) -> None:
        """A request or call is over: no trace of it stays (frames, chat, helper name)."""
        self.disarm()
        await self.media.end()
        if self.status.state not in ACTIVE:      # finished meanwhile (a cancel, a wipe): it stays so
            return
        self.set(state=state, reason=reason, position=None, estimate_s=None,
                 helper_name=None, chat=())

    # ----------------------------------------------------------- timers
    def _arm(self, seconds: float) -> None:
        self.disarm()
        assert self.link.loop is not None
        self._deadline = self.link.loop.call_later(seconds, self._expired)

    def disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.status.state in WAITING:
            asyncio.ensure_future(self._give_up())

    async def _give_up(self) -> None:
        await self.client.cancel()
        await self._finish(CallState.HUB_LOST, "no_answer" if self.client.up else "hub_lost")

    # ------------------------------------------------------- from the hub
    def on_link(self, up: bool, welcomed: bool, state: CallState) -> None:
        """``state``: the state when the link changed."""
        if welcomed and state == CallState.UNAVAILABLE:
            self.set(state=CallState.IDLE, reason=None)
        if not up and state == CallState.CONNECTED:      # the protocol: a lost hub ends the call
            self.client._pending = None
            asyncio.ensure_future(self._finish(CallState.HUB_LOST, "hub_lost"))
        elif not up and state in WAITING:
            self._arm(self.link_lost_s)
        elif up and state in WAITING:
            self._arm(self.answer_timeout_s)     # the client re-sends the request itself

    def on_message(self, m: dict, state: CallState) -> None:
        """A hub message about the call; ``state``: the state when it came."""
        kind = m["type"]
        if kind == "chat" and state == CallState.CONNECTED:
            self.set(chat=self.status.chat + (ChatLine("helper", str(m.get("text", "")),
                                                       self.clock()),))
        elif kind == "signal" and self.media.peer is not None:
            self.media.signal(m.get("data"))
        elif kind == "error":
            log.info("assist hub error %s: %s", m.get("code"), m.get("message"))
        elif state not in ACTIVE:
            return                               # an answer to a request we already left
        elif kind in ("queued", "ringing"):
            self.disarm()
            self.set(state=CallState(kind), position=m.get("position", self.status.position),
                     estimate_s=m.get("estimate_s", self.status.estimate_s))
            if kind == "ringing" and m.get("ice_servers") is not None:   # a helper's console rings:
                asyncio.ensure_future(self.media.prepare(                 # make the call meanwhile
                    list(m["ice_servers"]), self.client.signal, self.status.muted, self._media_failed))
        elif kind == "connected":
            self.disarm()
            self.set(state=CallState.CONNECTED, helper_name=m.get("helper"), position=None,
                     estimate_s=None)
            asyncio.ensure_future(self._start_call(list(m.get("ice_servers") or [])))
        elif kind in ("no_helper", "timeout"):
            asyncio.ensure_future(self._finish(CallState(kind), m.get("reason") or kind))
        elif kind == "ended":
            asyncio.ensure_future(self._finish(CallState.ENDED, m.get("reason")))

    def on_refused(self, state: CallState) -> None:
        """The hub will not take this terminal (the client logged why): 呼叫帮办 is
        unavailable until a welcome; a request or call in progress is over."""
        if state in ACTIVE:
            self.disarm()
            self.set(state=CallState.UNAVAILABLE, reason="kiosk_unauthorized", position=None,
                     estimate_s=None, helper_name=None, chat=())
            asyncio.ensure_future(self.media.end())
        elif state == CallState.IDLE:
            self.set(state=CallState.UNAVAILABLE, reason="kiosk_unauthorized")

    async def _start_call(self, ice_servers: list[dict]) -> None:
        try:
            await self.media.start(ice_servers, self.client.signal, self.status.muted,
                                   self._media_failed)
        except Exception:
            log.exception("assist: call set-up failed")
            await self.hangup("media_failed")

    def _media_failed(self, why: str) -> None:
        if self.status.state == CallState.CONNECTED:
            asyncio.ensure_future(self.hangup(why))
