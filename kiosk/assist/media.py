# SPDX-License-Identifier: Apache-2.0
"""A call's media for the assist service: the media stack's warm-up, the camera and the
call's peer connection (:mod:`kiosk.assist.peer`, loaded off the loop at start-up).
Everything here runs on the service's loop."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

import numpy as np

log = logging.getLogger(__name__)


class CallMedia:
    """The camera and the WebRTC peer of the current call, if any."""

    def __init__(self, config: Any, camera_factory: Callable[[], Any] | None = None,
                 camera_release: Callable[[Any], None] | None = None) -> None:
        self.camera_factory = camera_factory
        # a shared camera is handed back (it stays open for the face check); one made for
        # the call alone (camera_release None) is closed
        self.camera_release = camera_release
        self.microphone = config.get("assist.microphone", "") or ""
        self.speaker = config.get("assist.speaker", "") or ""
        self.on_remote_frame: Callable[[np.ndarray], None] | None = None   # helper's video
        self.on_local_frame: Callable[[np.ndarray], None] | None = None    # own camera (self-view)
        self.screen_source: Callable[[], np.ndarray | None] | None = None
        self.peer: Any = None
        self._camera: Any = None
        self._warming: asyncio.Task | None = None     # the media warm-up (start-up)
        self._preparing: asyncio.Future | None = None  # the call made while the console rings

    def warm(self, loop: asyncio.AbstractEventLoop) -> None:
        self._warming = loop.create_task(self._warm_media())

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

    async def prepare(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                      on_failed: Callable[[str], None]) -> None:
        """While the helper's console rings: opens the camera and makes the peer and its offer
        (nothing is sent, no frame leaves). Never raises: a failed preparation is made again at
        :meth:`start`."""
        if self.peer is not None or self._preparing is not None:
            return
        self._preparing = asyncio.ensure_future(self._make(ice_servers, send_signal, muted, on_failed))
        try:
            await asyncio.shield(self._preparing)
        except Exception:  # noqa: BLE001 - the call itself will try again, and say why it fails
            log.warning("assist: the call could not be prepared while ringing", exc_info=True)

    async def start(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                    on_failed: Callable[[str], None]) -> None:
        """The helper answered: sends the offer prepared while ringing, or opens the camera and
        makes the peer now; raises when the set-up fails (the peer, if made, stays for :meth:`end`)."""
        preparing, self._preparing = self._preparing, None
        if preparing is not None:
            try:
                await preparing
            except Exception:  # noqa: BLE001 - made afresh below
                await self.end()
        if self.peer is None or self.peer.pc is None:
            await self._make(ice_servers, send_signal, muted, on_failed)
        assert self.peer is not None
        self.peer.set_muted(muted)
        await self.peer.send_offer()

    async def _make(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                    on_failed: Callable[[str], None]) -> None:
        if self._warming is not None and not self._warming.done():
            await asyncio.shield(self._warming)     # not two first-time loads at once
        from .peer import AssistPeer      # aiortc/av load off the loop at start-up (warm)
        loop = asyncio.get_running_loop()
        if self.camera_factory is not None and self._camera is None:
            self._camera = await loop.run_in_executor(None, self._open_camera)
        peer = AssistPeer(ice_servers, send_signal=send_signal, camera=self._camera,
                          microphone=self.microphone, speaker=self.speaker,
                          screen_source=lambda: self.screen_source,
                          on_remote_frame=lambda: self.on_remote_frame,
                          on_local_frame=lambda: self.on_local_frame,
                          on_failed=on_failed)
        self.peer = peer
        peer.set_muted(muted)
        await peer.prepare()

    def _open_camera(self) -> Any:
        camera = self.camera_factory() if self.camera_factory is not None else None
        if camera is not None and not getattr(camera, "is_open", True):
            try:
                camera.open()
            except Exception as exc:             # no camera: the helper sees the test pattern
                log.warning("assist camera: %s", exc)
                return None
        return camera

    def set_muted(self, muted: bool) -> None:
        if self.peer is not None:
            self.peer.set_muted(muted)

    def signal(self, data: Any) -> None:
        """The helper's signalling message for the current peer (none: dropped)."""
        if self.peer is not None:
            asyncio.ensure_future(self.peer.handle_signal(data))

    async def end(self) -> None:
        """Closes the peer (a prepared one too) and hands back (or closes) the camera."""
        preparing, self._preparing = self._preparing, None
        if preparing is not None:
            try:
                await preparing                  # let it finish, then close what it made
            except Exception:  # noqa: BLE001 - closed below all the same
                pass
        peer, self.peer = self.peer, None
        camera, self._camera = self._camera, None
        if peer is not None:
            await peer.close()
        if camera is not None:
            release = self.camera_release or (lambda cam: cam.close())
            await asyncio.get_running_loop().run_in_executor(None, release, camera)
