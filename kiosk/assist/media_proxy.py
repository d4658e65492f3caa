# SPDX-License-Identifier: Apache-2.0
"""A call's media as the assist service sees it (:class:`MediaProxy`: warm, prepare, start,
signal, set_muted, end; the frame callbacks), with the peer connection and its codecs in the media
child (:mod:`kiosk.assist.media_process`). The kiosk process never imports aiortc or PyAV.

The child starts with the service (``warm``) and loads the media stack then, so the first call
is as fast as before; after each call it exits and a fresh warm one starts, so that what a call
leaves in memory goes with it (issue 18, docs/memory.md). The camera stays the kiosk's, lent
through the same handover as before: the child asks for each frame, and the self-view is the
frame the kiosk read. A child that dies during a call ends it as a failed connection
(``media_failed``: the citizen is told, never a traceback); the next call gets a fresh child."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np

from .media_child import Child, ChildKeeper

log = logging.getLogger(__name__)
CHILD_CAMERA_SCHEMES = ("v4l2", "file")   # lent to the child, as to the identity worker (kiosk/identity_face.py)


class _Track:
    def __init__(self) -> None:
        self.sent, self.camera, self.muted = 0, None, False


class _Desc:
    def __init__(self, kind: str, sdp: str) -> None:
        self.type, self.sdp = kind, sdp


class _Pc:
    def __init__(self, sdp: str) -> None:
        self.connectionState = "new"
        self.localDescription = _Desc("offer", sdp)
        self.remoteDescription: _Desc | None = None


class PeerView:
    """What the kiosk knows of the child's peer (tests, bench): its offer, the answer, the
    connection state, frame counts. The frames themselves go to the service's callbacks."""

    def __init__(self, camera: Any) -> None:
        self.pc: _Pc | None = None
        self.camera_track, self.screen_track, self.audio_track = _Track(), _Track(), _Track()
        self.camera_track.camera = camera
        self.remote_frames = 0
        self.closed = False
        self.offer: dict | None = None          # the signal that carries the offer


class MediaProxy(ChildKeeper):
    """The camera (the kiosk's) and the peer (the child's) of the current call, if any."""

    def __init__(self, config: Any, camera_factory: Callable[[], Any] | None = None,
                 camera_release: Callable[[Any], None] | None = None, *,
                 camera_uri: str = "", camera_lend: Callable[[], bool] | None = None,
                 camera_take_back: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.camera_factory, self.camera_release = camera_factory, camera_release
        # a real (v4l2://, file://) camera is lent to the child, which opens it itself: its frames
        # never enter the kiosk (nor OpenCV); it is taken back once the child has exited
        self.camera_uri, self.camera_lend, self.camera_take_back = camera_uri, camera_lend, camera_take_back
        self.microphone = config.get("assist.microphone", "") or ""
        self.speaker = config.get("assist.speaker", "") or ""
        self.on_remote_frame: Callable[[np.ndarray], None] | None = None
        self.video_fps = 15.0      # the most frames a second of each video the UI draws: no more cross
        self.on_local_frame: Callable[[np.ndarray], None] | None = None
        self.screen_source: Callable[[], np.ndarray | None] | None = None
        self.peer: PeerView | None = None
        self._camera: Any = None
        self._preparing: asyncio.Future | None = None
        self._on_failed: Callable[[str], None] = lambda why: None
        self._send_signal: Callable[..., Any] | None = None
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="media-frames")

    # ------------------------------------------------------------- the child
    def warm(self, loop: asyncio.AbstractEventLoop) -> None:
        """At start-up (the service's loop): the child starts and warms the media stack."""
        self._loop = loop
        loop.run_in_executor(None, self._spare)

    def _dispatch(self, child: Child, msg: dict, frame: np.ndarray | None) -> None:
        kind, peer = msg.get("t"), self.peer
        if child is not self._child and kind != "warm":
            return                                   # a retired child's last words
        if kind == "warm":
            child.warm.set()
            log.info("assist: media child %s warm in %s ms", child.pid, msg.get("ms"))
        elif kind == "cam_req":
            if peer is not None:
                peer.camera_track.sent = int(msg.get("sent") or 0)
            self._pool.submit(self._camera_frame, child)
        elif kind == "scr_req":
            if peer is not None:
                peer.screen_track.sent = int(msg.get("sent") or 0)
            self._pool.submit(self._screen_frame, child)
        elif kind == "remote":
            if peer is not None:
                peer.remote_frames = int(msg.get("n") or 0)
            self._sink(self.on_remote_frame, frame)
        elif kind == "local":
            self._sink(self.on_local_frame, frame)
        elif kind == "signal":
            self._call_soon(self._signal_out, msg.get("data"))
        elif kind == "state" and peer is not None and peer.pc is not None:
            if "connection" in msg:
                peer.pc.connectionState = str(msg["connection"])
            if "remote_sdp" in msg:
                peer.pc.remoteDescription = _Desc("answer", str(msg["remote_sdp"]))
        elif kind == "failed":
            self._call_soon(self._failed, str(msg.get("why") or "media_failed"))
        if "req" in msg:
            self._call_soon(self._answer, msg)

    @staticmethod
    def _sink(fn: Callable[[np.ndarray], None] | None, frame: np.ndarray | None) -> None:
        if fn is not None and frame is not None:
            try:
                fn(frame)
            except Exception:
                log.exception("assist: frame callback failed")

    def _camera_frame(self, child: Child) -> None:
        camera = self._camera
        try:
            if camera is None:
                raise OSError("no camera")
            frame = camera.read()
        except Exception as exc:  # noqa: BLE001 - the child sends its last frame
            child.out.send({"t": "cam", "error": str(exc)})
            return
        child.out.send({"t": "cam"}, frame)
        self._sink(self.on_local_frame, frame)          # the citizen's self-view

    def _screen_frame(self, child: Child) -> None:
        fn, img = self.screen_source, None
        if fn is not None:
            try:
                img = fn()
            except Exception:
                log.exception("assist screen source failed")
        if img is None or img is child.screen_sent:
            return
        frame, sent = np.asarray(img, dtype=np.uint8)[..., :3], child.screen_sent
        child.screen_sent = img
        if sent is not None and sent.shape == img.shape and np.array_equal(sent, img):
            return               # the child has this picture already (a still screen read again)
        child.out.send({"t": "screen"}, frame)

    # --------------------------------------------- on the service's loop
    def _lost_in_call(self, child: Child) -> bool:
        if self.peer is not None and not self.peer.closed:
            self._on_failed("media_failed")
            return True
        return False

    def _signal_out(self, data: Any) -> None:
        if self._send_signal is not None and self.peer is not None:
            asyncio.ensure_future(self._send_signal(data))

    def _failed(self, why: str) -> None:
        if self.peer is not None and not self.peer.closed:
            self._on_failed(why)

    # ------------------------------------------------ the service's interface
    async def prepare(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                      on_failed: Callable[[str], None]) -> None:
        """While the helper's console rings: the camera lent, the child's peer and offer made
        (nothing sent). Never raises: a failed preparation is made again at :meth:`start`."""
        if self.peer is not None or self._preparing is not None:
            return
        self._preparing = asyncio.ensure_future(self._make(ice_servers, send_signal, muted, on_failed))
        try:
            await asyncio.shield(self._preparing)
        except Exception:  # noqa: BLE001 - the call itself will try again, and say why it fails
            log.warning("assist: the call could not be prepared while ringing", exc_info=True)

    async def start(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                    on_failed: Callable[[str], None]) -> None:
        """The helper answered: the prepared offer is sent (or made now); raises when it fails."""
        preparing, self._preparing = self._preparing, None
        if preparing is not None:
            try:
                await preparing
            except Exception:  # noqa: BLE001 - made afresh below
                await self.end()
        if self.peer is None or self.peer.pc is None:
            await self._make(ice_servers, send_signal, muted, on_failed)
        peer = self.peer
        assert peer is not None and peer.offer is not None
        self.set_muted(muted)
        await send_signal(peer.offer)                # made in the child while the console rang

    async def _make(self, ice_servers: list[dict], send_signal: Callable[..., Any], muted: bool,
                    on_failed: Callable[[str], None]) -> None:
        loop = self._loop = asyncio.get_running_loop()
        self._send_signal, self._on_failed = send_signal, on_failed
        child = await loop.run_in_executor(None, self._ensure_child)
        lent = False
        if self.camera_uri and self.camera_lend is not None and self._camera is None:
            lent = await loop.run_in_executor(None, self.camera_lend)
            if lent:
                child.after = self.camera_take_back
        if not lent and self.camera_factory is not None and self._camera is None:
            self._camera = await loop.run_in_executor(None, self._open_camera)
        self.peer = peer = PeerView(self._camera)
        peer.audio_track.muted = bool(muted)
        reply = await self._ask(child, {"t": "make", "ice_servers": list(ice_servers), "muted": bool(muted),
                                        "camera": self._camera is not None, "microphone": self.microphone,
                                        "camera_uri": self.camera_uri if lent else "",
                                        "speaker": self.speaker, "video_fps": self.video_fps})
        peer.offer = reply["offer"]
        peer.pc = _Pc(str(peer.offer["sdp"]["sdp"]))

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
            self.peer.audio_track.muted = bool(muted)
        child = self._child
        if child is not None:
            child.out.send({"t": "mute", "muted": bool(muted)})

    def signal(self, data: Any) -> None:
        """The helper's signalling message for the current call (none: dropped)."""
        child = self._child
        if self.peer is not None and child is not None:
            child.out.send({"t": "signal", "data": data})

    async def end(self, respawn: bool = True) -> None:
        """Ends the call: the child closes its peer and exits (a fresh warm one starts), the
        camera is handed back (or closed)."""
        preparing, self._preparing = self._preparing, None
        if preparing is not None:
            try:
                await preparing
            except Exception:  # noqa: BLE001 - ended below all the same
                pass
        peer, self.peer = self.peer, None
        camera, self._camera = self._camera, None
        if peer is not None:
            peer.closed = True
            self._retire(self._child)     # its stdin closes: it closes the peer and exits
            if respawn:
                self._respawn()
        if camera is not None:
            release = self.camera_release or (lambda cam: cam.close())
            await asyncio.get_running_loop().run_in_executor(None, release, camera)
