# SPDX-License-Identifier: Apache-2.0
"""留电回拨 on the kiosk: send a citizen's phone number to the hub, once, and forget it.

:class:`CallbackSender` lives on the assist service's loop. ``send`` waits a few
seconds for the hub link (the client connects by itself), sends ``callback``
and waits for ``callback_saved``; anything else ends in :class:`CallbackError`
with a short reason. The number is only in the message being sent: nothing on
the kiosk keeps it (docs/assist-protocol.md, *Call-back requests*).
"""
from __future__ import annotations

import asyncio
import re
from typing import Any

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
LINK_WAIT_S = 4.0        # the hub link must be up by then
ANSWER_WAIT_S = 4.0      # and callback_saved must come by then
POLL_S = 0.05


class CallbackError(Exception):
    """Why a call-back request was not registered.

    ``reason``: ``unavailable`` (no hub configured), ``hub_unreachable`` (no link
    within the deadline), ``no_answer``, ``hub_lost`` (link dropped while
    waiting), ``bad_phone`` or another hub error code.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def valid_phone(phone: str) -> bool:
    """The hub's rule: a mainland mobile 1[3-9]xxxxxxxxx, or a landline with area code."""
    return bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


class CallbackSender:
    """Sends ``callback`` messages through a :class:`~kiosk.assist.client.HubClient`.

    The hub answers one socket's messages in order, so answers are matched to
    waiters first in, first out. Call everything on the client's loop.
    """

    def __init__(self, link_wait_s: float = LINK_WAIT_S,
                 answer_wait_s: float = ANSWER_WAIT_S) -> None:
        self.link_wait_s, self.answer_wait_s = link_wait_s, answer_wait_s
        self._waiters: list[asyncio.Future] = []

    async def send(self, client: Any, phone: str, large_text: bool = False, reason: str = "",
                   terminal_name: str = "") -> int:
        """Returns the hub's ``callback_id``; raises :class:`CallbackError`."""
        if not valid_phone(phone):
            raise CallbackError("bad_phone")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.link_wait_s
        while not client.up:
            if loop.time() >= deadline:
                raise CallbackError("hub_unreachable")
            await asyncio.sleep(POLL_S)
        waiter = loop.create_future()
        self._waiters.append(waiter)
        try:
            msg = {"type": "callback", "terminal_id": client.terminal_id, "phone": phone,
                   "large_text": bool(large_text), "reason": reason[:32]}
            if terminal_name:
                msg["terminal_name"] = terminal_name[:64]
            sent = await client.send(msg)
            del msg
            if not sent:
                raise CallbackError("hub_unreachable")
            try:
                return await asyncio.wait_for(asyncio.shield(waiter), self.answer_wait_s)
            except asyncio.TimeoutError:
                raise CallbackError("no_answer") from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if not waiter.done():
                waiter.cancel()

    def handle(self, msg: dict) -> bool:
        """The hub's answer to a ``callback``? Settles the oldest waiter and returns True."""
        kind = msg.get("type")
        if kind == "callback_saved" or (kind == "error" and msg.get("in_reply_to") == "callback"):
            waiter = next((w for w in self._waiters if not w.done()), None)
            if waiter is not None:
                if kind == "callback_saved":
                    waiter.set_result(msg.get("callback_id"))
                else:
                    waiter.set_exception(CallbackError(str(msg.get("code") or "hub_error")))
            return True
        return False

    def link_down(self) -> None:
        """The socket closed: a request in flight may or may not have been stored; say it failed."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(CallbackError("hub_lost"))
