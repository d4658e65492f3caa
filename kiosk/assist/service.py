# SPDX-License-Identifier: Apache-2.0
"""Remote assist (呼叫帮办) for the screens: one state, a few intents, listeners.

:class:`AssistService` puts together three parts, each a module of its own:
the hub link (:mod:`kiosk.assist.link`: one background thread with its own
asyncio loop, where the hub client lives), the call state machine
(:mod:`kiosk.assist.call`) and the call's media (:mod:`kiosk.assist.media_proxy`:
the camera here, the peer connection in the media child process). Kivy's loop stays synchronous: intents may be
called from any thread, and listeners are called on the service's thread with
an immutable :class:`AssistStatus` (the UI bridges to its main thread with
``Clock.schedule_once``). docs/remote-assist.md has the state diagram.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from typing import Any, Callable

import numpy as np

from .call import AssistCall
from .callback import CallbackError, CallbackSender
from .client import REFUSALS, HubClient
from .link import HubLink
from .media_proxy import MediaProxy
from .pointer import Pointer
from .status import ACTIVE, STATES, WAITING, AssistStatus, CallState, ChatLine

__all__ = ["AssistService", "AssistStatus", "ChatLine", "STATES", "WAITING", "ACTIVE"]

log = logging.getLogger(__name__)

ANSWER_TIMEOUT_S = 10.0     # no word from the hub after a request: the citizen is told
LINK_LOST_S = 20.0          # hub gone while waiting (restart: back in ~1-2 s); then "hub_lost"


class AssistService:
    """The kiosk's remote-assist service. See docs/remote-assist.md."""

    def __init__(self, config: Any, session: Any = None,
                 camera_factory: Callable[[], Any] | None = None,
                 clock: Callable[[], float] = time.monotonic, *,
                 camera_release: Callable[[Any], None] | None = None,
                 camera_uri: str = "", camera_lend: Callable[[], bool] | None = None,
                 camera_take_back: Callable[[], None] | None = None,
                 answer_timeout_s: float = ANSWER_TIMEOUT_S, link_lost_s: float = LINK_LOST_S,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 15.0,
                 callback_wait_s: float = 4.0) -> None:
        self.config, self.clock = config, clock
        self._link = HubLink(config, on_message=self._on_message, on_linked=self._on_linked,
                             on_link=self._on_link, backoff_first_s=backoff_first_s,
                             backoff_max_s=backoff_max_s)
        self.hub_url, self.terminal_id = self._link.hub_url, self._link.terminal_id
        self.terminal_name = config.get("assist.terminal_name", "") or self.terminal_id
        self._media = MediaProxy(config, camera_factory, camera_release, camera_uri=camera_uri,
                                 camera_lend=camera_lend, camera_take_back=camera_take_back)
        self._calls = AssistCall(self._link, self._media, clock, self.terminal_name,
                                 answer_timeout_s, link_lost_s)
        self._link_state = self._calls.status.state     # the state when the link last changed
        self._callbacks = CallbackSender(callback_wait_s, callback_wait_s)   # link, answer
        self.pointer = Pointer(clock, self._link.send_to_hub)     # the helper's 请点这里
        self._calls.subscribe(self.pointer.follow)
        if session is not None:
            session.on_wipe(self.wipe)

    # ------------------------------------------------------------- state out
    @property
    def status(self) -> AssistStatus:
        return self._calls.status

    def __getattr__(self, name: str) -> Any:     # state, position, estimate_s, helper_name, ...
        calls = self.__dict__.get("_calls")
        if calls is not None and name in AssistStatus.__dataclass_fields__:
            return getattr(calls.status, name)
        raise AttributeError(name)

    def subscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        """``fn(status)`` on every change, called on the service's thread."""
        self._calls.subscribe(fn)

    def unsubscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        self._calls.unsubscribe(fn)

    # ------------------------------------------------- the parts (tests, bench, screens)
    @property
    def _client(self) -> HubClient | None:
        return self._link.client

    @property
    def peer(self) -> Any:
        """What the kiosk knows of the current call's peer (:class:`~kiosk.assist.media_proxy.PeerView`;
        tests, bench); the peer itself is in the media child."""
        return self._media.peer

    @property
    def camera_factory(self) -> Callable[[], Any] | None:
        return self._media.camera_factory

    @camera_factory.setter
    def camera_factory(self, fn: Callable[[], Any] | None) -> None:
        self._media.camera_factory = fn

    @property
    def on_remote_frame(self) -> Callable[[np.ndarray], None] | None:
        """``fn(frame)`` with each frame of the helper's video."""
        return self._media.on_remote_frame

    @on_remote_frame.setter
    def on_remote_frame(self, fn: Callable[[np.ndarray], None] | None) -> None:
        self._media.on_remote_frame = fn

    @property
    def video_fps(self) -> float:
        """The most frames a second the UI draws of each video (the helper's, the self-view): the
        media child converts and sends no more than that (default 15)."""
        return self._media.video_fps

    @video_fps.setter
    def video_fps(self, fps: float) -> None:
        self._media.video_fps = float(fps)

    @property
    def on_local_frame(self) -> Callable[[np.ndarray], None] | None:
        """``fn(frame)`` with each frame of the kiosk's own camera (self-view)."""
        return self._media.on_local_frame

    @on_local_frame.setter
    def on_local_frame(self, fn: Callable[[np.ndarray], None] | None) -> None:
        self._media.on_local_frame = fn

    @property
    def microphone(self) -> str:
        return self._media.microphone

    @property
    def speaker(self) -> str:
        return self._media.speaker

    def set_screen_source(self, fn: Callable[[], np.ndarray | None] | None) -> None:
        """``fn()`` returns the latest RGB frame of the (masked) kiosk window, or None."""
        self._media.screen_source = fn

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Starts the service thread and the hub link (nothing when no hub is configured)."""
        self._link.start(self._media.warm)

    def stop(self, timeout: float = 5.0) -> None:
        """Ends any call, closes the hub link and joins the thread. Any thread but the service's."""
        async def end_call() -> None:
            self._calls.disarm()
            self._media.stopping()
            await self._media.end()
        self._link.stop(end_call, timeout)
        self._media.shutdown(timeout)

    def call(self, coro_fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        """Runs ``coro_fn(*args)`` on the service loop; returns a concurrent Future."""
        return self._link.call(coro_fn, *args)

    # ---------------------------------------------------------- intents (any thread)
    def request(self, large_text: bool = False) -> concurrent.futures.Future:
        """呼叫帮办: queue for a helper. Ignored while a request or call is active."""
        if not self.hub_url:
            self._calls.set(state=CallState.UNAVAILABLE)
            return self.call(asyncio.sleep, 0)
        return self.call(self._calls.request, bool(large_text))

    def cancel(self) -> concurrent.futures.Future:
        """Leave the queue / stop ringing (hangs up in a call); back to idle."""
        return self.call(self._calls.cancel)

    def hangup(self) -> concurrent.futures.Future:
        return self.call(self._calls.hangup, "hangup")

    def dismiss(self) -> concurrent.futures.Future:
        """After no_helper/timeout/ended/hub_lost: back to idle."""
        return self.call(self._calls.dismiss)

    def set_muted(self, muted: bool) -> concurrent.futures.Future:
        """Mutes the kiosk microphone (the helper hears silence); kept until set again."""
        if self._link.loop is None:
            self._calls.set(muted=bool(muted))
        return self.call(self._calls.mute, bool(muted))

    def send_chat(self, text: str) -> concurrent.futures.Future:
        return self.call(self._calls.chat, str(text)[:1000])

    def request_callback(self, phone: str, large_text: bool = False,
                         reason: str = "") -> concurrent.futures.Future:
        """留电回拨: sends the number to the hub (linking first if needed). The Future gives the
        hub's ``callback_id`` or raises :class:`~kiosk.assist.callback.CallbackError` within a
        few seconds. The service keeps nothing of the number."""
        if not self.hub_url or self._link.refused:
            fut: concurrent.futures.Future = concurrent.futures.Future()
            fut.set_exception(CallbackError("unavailable"))
            return fut
        if self._link.thread is None:
            self.start()
        return self.call(self._callbacks.send, self._link.client, str(phone), bool(large_text),
                         str(reason or ""), self.terminal_name)

    def wipe(self) -> None:
        """Session end: ends any call and forgets everything about it. Any thread."""
        self._calls.wipe()

    # ----------------------------------------- the hub link, for other services (kiosk.ops)
    def tap(self, fn: Callable[[dict], None]) -> None:
        """``fn(msg)`` for every message from the hub, and ``{"type": "link", "up": bool}`` when
        the link comes up (after ``welcome``) or goes; on the service's thread."""
        self._link.tap(fn)

    def send_to_hub(self, msg: dict) -> concurrent.futures.Future:
        """Sends ``msg`` now if linked; the Future gives False when the hub is not there."""
        return self._link.send_to_hub(msg)

    # ------------------------------------------------------- from the hub (service loop)
    def _on_linked(self, up: bool) -> None:
        self._link_state = self._calls.status.state
        self._calls.set(linked=up)

    def _on_link(self, up: bool, welcomed: bool) -> None:
        if not up:
            self._callbacks.link_down()
        self._calls.on_link(up, welcomed, self._link_state)

    def _on_message(self, m: dict) -> None:
        state = self._calls.status.state
        if m["type"] == "error" and m.get("code") in REFUSALS:     # either way: not taken now
            self._calls.on_refused(state)
            return
        if self._callbacks.handle(m):
            return
        if m["type"] == "point":                # 请点这里: only in a call (kiosk/assist/pointer.py)
            self.pointer.take(m, state)
            return
        self._calls.on_message(m, state)
