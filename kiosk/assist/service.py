# SPDX-License-Identifier: Apache-2.0
"""Remote assist (呼叫帮办) for the screens: one state, a few intents, listeners.

:class:`AssistService` owns one background thread with its own asyncio loop,
where the hub client (:mod:`kiosk.assist.client`) and the call's peer
connection (:mod:`kiosk.assist.peer`) live. Kivy's loop stays synchronous:
intents may be called from any thread, and listeners are called on the
service's thread with an immutable :class:`AssistStatus` (the UI bridges to
its main thread with ``Clock.schedule_once``). docs/remote-assist.md has the
state diagram.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from .callback import CallbackError, CallbackSender
from .client import REFUSALS, HubClient
from .status import ACTIVE, STATES, WAITING, AssistStatus, ChatLine
from ..observe import Observers

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
                 answer_timeout_s: float = ANSWER_TIMEOUT_S, link_lost_s: float = LINK_LOST_S,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 15.0,
                 callback_wait_s: float = 4.0) -> None:
        self.config, self.clock = config, clock
        self.camera_factory = camera_factory
        # a shared camera is handed back (it stays open for the face check); one made for
        # the call alone (camera_release None) is closed
        self.camera_release = camera_release
        self.hub_url = config.get("assist.hub_url", "") or ""
        self.hub_token = config.get("assist.hub_token", "") or ""
        self.hub_token_file = config.get("assist.hub_token_file", "") or ""
        self._refused = False      # the hub refuses this terminal (not registered, wrong token)
        self.terminal_id = config.get("hall.terminal_id", "EHALL-01")
        self.terminal_name = config.get("assist.terminal_name", "") or self.terminal_id
        self.microphone = config.get("assist.microphone", "") or ""
        self.speaker = config.get("assist.speaker", "") or ""
        self.answer_timeout_s, self.link_lost_s = answer_timeout_s, link_lost_s
        self.backoff_first_s, self.backoff_max_s = backoff_first_s, backoff_max_s
        self.on_remote_frame: Callable[[np.ndarray], None] | None = None   # helper's video
        self.on_local_frame: Callable[[np.ndarray], None] | None = None    # own camera (self-view)
        self._screen_source: Callable[[], np.ndarray | None] | None = None
        self._status = AssistStatus("idle" if self.hub_url else "unavailable")
        self._observers: Observers[AssistStatus] = Observers("assist")
        self._taps: Observers[dict] = Observers("assist hub link")    # other services (tap)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: HubClient | None = None
        self._peer: Any = None
        self._camera: Any = None
        self._warming: asyncio.Task | None = None     # the media warm-up (start-up)
        self._deadline: asyncio.TimerHandle | None = None
        self._callbacks = CallbackSender(callback_wait_s, callback_wait_s)   # link, answer
        if session is not None:
            session.on_wipe(self.wipe)

    # ------------------------------------------------------------- state out
    @property
    def status(self) -> AssistStatus:
        return self._status

    def __getattr__(self, name: str) -> Any:     # state, position, estimate_s, helper_name, ...
        if name in AssistStatus.__dataclass_fields__:
            return getattr(self.__dict__["_status"], name)
        raise AttributeError(name)

    def subscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        """``fn(status)`` on every change, called on the service's thread."""
        self._observers.subscribe(fn)

    def unsubscribe(self, fn: Callable[[AssistStatus], None]) -> None:
        self._observers.unsubscribe(fn)

    def _set(self, **changes: Any) -> None:
        self._status = replace(self._status, **changes)
        self._observers.notify(self._status)

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Starts the service thread and the hub link (nothing when no hub is configured)."""
        if self._thread is not None or not self.hub_url:
            return
        ready = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(ready,), name="assist", daemon=True)
        self._thread.start()
        ready.wait(5)

    def _main(self, ready: threading.Event) -> None:
        self._loop = loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._client = HubClient(self.hub_url, self.terminal_id, token=self.hub_token,
                                 token_file=self.hub_token_file, on_message=self._on_message,
                                 on_link=self._on_link, backoff_first_s=self.backoff_first_s,
                                 backoff_max_s=self.backoff_max_s)
        loop.call_soon(self._client.start)
        loop.call_soon(ready.set)
        self._warming = loop.create_task(self._warm_media())
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _warm_media(self) -> None:
        """The media stack loads in the background at start-up, not on the first call
        (kiosk.assist.peer.warm_media); a call that comes first waits for it."""
        import importlib
        loop = asyncio.get_running_loop()
        t0 = time.monotonic()
        try:
            peer = await loop.run_in_executor(None, importlib.import_module, "kiosk.assist.peer")
            await peer.warm_media()
            log.info("assist: media stack warm in %.0f ms", (time.monotonic() - t0) * 1000)
        except Exception:                 # a call still works, only its set-up is slower
            log.exception("assist: media warm-up failed")

    def stop(self, timeout: float = 5.0) -> None:
        """Ends any call, closes the hub link and joins the thread. Any thread but the service's."""
        if self._loop is None or self._thread is None:
            return
        async def shutdown() -> None:
            self._disarm()
            await self._end_call()
            await self._client.stop()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:               # aiortc's leftovers and pending intents
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("assist: stop timed out")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = self._loop = None

    def call(self, coro_fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        """Runs ``coro_fn(*args)`` on the service loop; returns a concurrent Future."""
        if self._loop is None:
            fut: concurrent.futures.Future = concurrent.futures.Future()
            fut.set_result(None)
            return fut
        return asyncio.run_coroutine_threadsafe(coro_fn(*args), self._loop)

    # ---------------------------------------------------------- intents (any thread)
    def request(self, large_text: bool = False) -> concurrent.futures.Future:
        """呼叫帮办: queue for a helper. Ignored while a request or call is active."""
        if not self.hub_url:
            self._set(state="unavailable")
            return self.call(asyncio.sleep, 0)
        return self.call(self._request, bool(large_text))

    def cancel(self) -> concurrent.futures.Future:
        """Leave the queue / stop ringing (hangs up in a call); back to idle."""
        return self.call(self._cancel)

    def hangup(self) -> concurrent.futures.Future:
        return self.call(self._hangup, "hangup")

    def dismiss(self) -> concurrent.futures.Future:
        """After no_helper/timeout/ended/hub_lost: back to idle."""
        return self.call(self._dismiss)

    def set_muted(self, muted: bool) -> concurrent.futures.Future:
        """Mutes the kiosk microphone (the helper hears silence); kept until set again."""
        if self._loop is None:
            self._set(muted=bool(muted))
        return self.call(self._mute, bool(muted))

    def send_chat(self, text: str) -> concurrent.futures.Future:
        return self.call(self._chat, str(text)[:1000])

    def request_callback(self, phone: str, large_text: bool = False,
                         reason: str = "") -> concurrent.futures.Future:
        """留电回拨: sends the number to the hub (linking first if needed). The Future gives the
        hub's ``callback_id`` or raises :class:`~kiosk.assist.callback.CallbackError` within a
        few seconds. The service keeps nothing of the number."""
        if not self.hub_url or self._refused:
            fut: concurrent.futures.Future = concurrent.futures.Future()
            fut.set_exception(CallbackError("unavailable"))
            return fut
        if self._thread is None:
            self.start()
        return self.call(self._callbacks.send, self._client, str(phone), bool(large_text),
                         str(reason or ""), self.terminal_name)

    # ----------------------------------------- the hub link, for other services (kiosk.ops)
    def tap(self, fn: Callable[[dict], None]) -> None:
        """``fn(msg)`` for every message from the hub, and ``{"type": "link", "up": bool}`` when
        the link comes up (after ``welcome``) or goes; on the service's thread."""
        self._taps.subscribe(fn)

    def send_to_hub(self, msg: dict) -> concurrent.futures.Future:
        """Sends ``msg`` now if linked; the Future gives False when the hub is not there."""
        return self.call(self._send_raw, msg)

    async def _send_raw(self, msg: dict) -> bool:
        return await self._client.send(msg) if self._client is not None else False

    def set_screen_source(self, fn: Callable[[], np.ndarray | None] | None) -> None:
        """``fn()`` returns the latest RGB frame of the (masked) kiosk window, or None."""
        self._screen_source = fn

    def wipe(self) -> None:
        """Session end: ends any call and forgets everything about it. Any thread."""
        if self._loop is not None and self._status.state in ACTIVE:
            self.call(self._abandon, self._status.state)
        self._status = AssistStatus(self._rest, linked=self._status.linked)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._set)
        else:
            self._set()

    @property
    def _rest(self) -> str:
        """The state with no request: "unavailable" without a hub or while it refuses us."""
        return "idle" if self.hub_url and not self._refused else "unavailable"

    # ------------------------------------------------------- on the service loop
    async def _request(self, large_text: bool) -> None:
        if self._status.state in ACTIVE:
            return
        if self._refused:                        # say so now, not after link_lost_s
            self._set(state="unavailable", reason="kiosk_unauthorized")
            return
        self._set(state="requesting", reason=None, position=None, estimate_s=None,
                  helper_name=None, chat=())
        await self._client.request(large_text, self.terminal_name)
        self._arm(self.answer_timeout_s if self._client.up else self.link_lost_s)

    async def _cancel(self) -> None:
        state = self._status.state
        if state == "connected":
            await self._hangup("hangup")
        elif state in WAITING:
            await self._client.cancel()
        self._disarm()
        await self._end_call()
        self._set(state=self._rest, reason=None, position=None, estimate_s=None)

    async def _abandon(self, state: str) -> None:
        """The session was wiped during a request or call: tell the hub, drop the media."""
        self._disarm()
        await (self._client.hangup() if state == "connected" else self._client.cancel())
        await self._end_call()

    async def _hangup(self, reason: str) -> None:
        if self._status.state not in ACTIVE:
            return
        await self._client.hangup()
        await self._finish("ended", reason)

    async def _dismiss(self) -> None:
        if self._status.state not in ACTIVE:
            self._set(state=self._rest, reason=None)

    async def _chat(self, text: str) -> None:
        if self._status.state == "connected" and text.strip():
            await self._client.chat(text)
            self._set(chat=self._status.chat + (ChatLine("kiosk", text, self.clock()),))

    async def _mute(self, muted: bool) -> None:
        self._set(muted=muted)
        if self._peer is not None:
            self._peer.set_muted(muted)

    async def _finish(self, state: str, reason: str | None) -> None:
        """A request or call is over: no trace of it stays (frames, chat, helper name)."""
        self._disarm()
        await self._end_call()
        self._set(state=state, reason=reason, position=None, estimate_s=None,
                  helper_name=None, chat=())

    async def _end_call(self) -> None:
        peer, self._peer = self._peer, None
        camera, self._camera = self._camera, None
        if peer is not None:
            await peer.close()
        if camera is not None:
            release = self.camera_release or (lambda cam: cam.close())
            await asyncio.get_running_loop().run_in_executor(None, release, camera)

    # ----------------------------------------------------------- timers
    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self._loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self._status.state in WAITING:
            asyncio.ensure_future(self._give_up())

    async def _give_up(self) -> None:
        await self._client.cancel()
        await self._finish("hub_lost", "no_answer" if self._client.up else "hub_lost")

    # ------------------------------------------------------- from the hub
    def _on_link(self, up: bool) -> None:
        state = self._status.state
        self._set(linked=up)
        self._taps.notify({"type": "link", "up": up})
        if up and self._refused:                 # registered (again) on the hub
            self._refused = False
            if state == "unavailable":
                self._set(state="idle", reason=None)
        if not up:
            self._callbacks.link_down()
        if not up and state == "connected":      # the protocol: a lost hub ends the call
            self._client._pending = None
            asyncio.ensure_future(self._finish("hub_lost", "hub_lost"))
        elif not up and state in WAITING:
            self._arm(self.link_lost_s)
        elif up and state in WAITING:
            self._arm(self.answer_timeout_s)     # the client re-sends the request itself

    def _on_message(self, m: dict) -> None:
        kind, state = m["type"], self._status.state
        self._taps.notify(m)
        if kind == "error" and m.get("code") in REFUSALS:     # either way: not taken now
            self._on_refused(state)
            return
        if self._callbacks.handle(m):
            return
        if kind == "chat" and state == "connected":
            self._set(chat=self._status.chat + (ChatLine("helper", str(m.get("text", "")),
                                                         self.clock()),))
        elif kind == "signal" and self._peer is not None:
            asyncio.ensure_future(self._peer.handle_signal(m.get("data")))
        elif kind == "error":
            log.info("assist hub error %s: %s", m.get("code"), m.get("message"))
        elif state not in ACTIVE:
            return                               # an answer to a request we already left
        elif kind in ("queued", "ringing"):
            self._disarm()
            self._set(state=kind, position=m.get("position", self._status.position),
                      estimate_s=m.get("estimate_s", self._status.estimate_s))
        elif kind == "connected":
            self._disarm()
            self._set(state="connected", helper_name=m.get("helper"), position=None,
                      estimate_s=None)
            asyncio.ensure_future(self._start_call(list(m.get("ice_servers") or [])))
        elif kind in ("no_helper", "timeout"):
            asyncio.ensure_future(self._finish(kind, m.get("reason") or kind))
        elif kind == "ended":
            asyncio.ensure_future(self._finish("ended", m.get("reason")))

    def _on_refused(self, state: str) -> None:
        """The hub will not take this terminal (the client logged why): 呼叫帮办 is
        unavailable until a welcome; a request or call in progress is over."""
        self._refused = True
        if state in ACTIVE:
            self._disarm()
            self._set(state="unavailable", reason="kiosk_unauthorized", position=None,
                      estimate_s=None, helper_name=None, chat=())
            asyncio.ensure_future(self._end_call())
        elif state == "idle":
            self._set(state="unavailable", reason="kiosk_unauthorized")

    async def _start_call(self, ice_servers: list[dict]) -> None:
        if self._warming is not None and not self._warming.done():
            await asyncio.shield(self._warming)     # not two first-time loads at once
        from .peer import AssistPeer      # aiortc/av load off the loop at start-up (_warm_media)
        loop = asyncio.get_running_loop()
        try:
            if self.camera_factory is not None:
                self._camera = await loop.run_in_executor(None, self._open_camera)
            peer = AssistPeer(ice_servers, send_signal=self._client.signal, camera=self._camera,
                              microphone=self.microphone, speaker=self.speaker,
                              screen_source=lambda: self._screen_source,
                              on_remote_frame=lambda: self.on_remote_frame,
                              on_local_frame=lambda: self.on_local_frame,
                              on_failed=self._media_failed)
            self._peer = peer
            peer.set_muted(self._status.muted)
            await peer.start()
        except Exception:
            log.exception("assist: call set-up failed")
            await self._hangup("media_failed")

    def _open_camera(self) -> Any:
        camera = self.camera_factory()
        if camera is not None and not getattr(camera, "is_open", True):
            try:
                camera.open()
            except Exception as exc:             # no camera: the helper sees the test pattern
                log.warning("assist camera: %s", exc)
                return None
        return camera

    def _media_failed(self, why: str) -> None:
        if self._status.state == "connected":
            asyncio.ensure_future(self._hangup(why))

    @property
    def peer(self) -> Any:
        """The current call's :class:`~kiosk.assist.peer.AssistPeer` (tests, bench)."""
        return self._peer
