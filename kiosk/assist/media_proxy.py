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
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .media_wire import Writer, receive

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
REPLY_WAIT_S = 30.0       # a command the child does not answer in this time: the call fails
CHILD_CAMERA_SCHEMES = ("v4l2", "file")   # lent to the child, as to the identity worker (kiosk/identity_face.py)
QUIT_WAIT_S = 3.0         # an ended child that does not exit in this time is killed


class ChildGone(RuntimeError):
    """The media child is not there (did not start, or died)."""


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


class _Child:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc, self.pid = proc, proc.pid
        self.after: Callable[[], None] | None = None     # once it has exited: the lent camera back
        self.out = Writer(proc.stdin)             # type: ignore[arg-type]
        self.warm = threading.Event()
        self.gone = False


def spawn_child() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                                        if p)}
    return subprocess.Popen([sys.executable, "-m", "kiosk.assist.media_process"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=str(ROOT))


def reap(proc: subprocess.Popen) -> None:
    """Closes the child's stdin (it exits), waits, kills it when it does not."""
    try:
        proc.stdin.close()                       # type: ignore[union-attr]
    except OSError:
        pass
    try:
        proc.wait(QUIT_WAIT_S)
    except subprocess.TimeoutExpired:
        log.warning("assist: the media child did not exit; killed")
        proc.kill()
        proc.wait(5)


class MediaProxy:
    """The camera (the kiosk's) and the peer (the child's) of the current call, if any."""

    def __init__(self, config: Any, camera_factory: Callable[[], Any] | None = None,
                 camera_release: Callable[[Any], None] | None = None, *,
                 camera_uri: str = "", camera_lend: Callable[[], bool] | None = None,
                 camera_take_back: Callable[[], None] | None = None) -> None:
        self.camera_factory, self.camera_release = camera_factory, camera_release
        # a real (v4l2://, file://) camera is lent to the child, which opens it itself: its frames
        # never enter the kiosk (nor OpenCV); it is taken back once the child has exited
        self.camera_uri, self.camera_lend, self.camera_take_back = camera_uri, camera_lend, camera_take_back
        self.microphone = config.get("assist.microphone", "") or ""
        self.speaker = config.get("assist.speaker", "") or ""
        self.on_remote_frame: Callable[[np.ndarray], None] | None = None
        self.on_local_frame: Callable[[np.ndarray], None] | None = None
        self.screen_source: Callable[[], np.ndarray | None] | None = None
        self.peer: PeerView | None = None
        self._camera: Any = None
        self._child: _Child | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._preparing: asyncio.Future | None = None
        self._on_failed: Callable[[str], None] = lambda why: None
        self._send_signal: Callable[..., Any] | None = None
        self._waiting: dict[int, tuple[_Child, asyncio.Future]] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="media-frames")
        self._reapers: list[threading.Thread] = []
        self._stopped = False
        self.children = 0                 # started so far (tests, bench)

    # ------------------------------------------------------------- the child
    @property
    def child_pid(self) -> int | None:
        child = self._child
        return None if child is None or child.gone else child.pid

    @property
    def ready(self) -> bool:
        """A child runs and its media stack is warm (bench, tests)."""
        child = self._child
        return child is not None and not child.gone and child.warm.is_set()

    def warm(self, loop: asyncio.AbstractEventLoop) -> None:
        """At start-up (the service's loop): the child starts and warms the media stack."""
        self._loop = loop
        self._stopped = False
        loop.run_in_executor(None, self._spare)

    def _ensure_child(self) -> _Child:
        with self._lock:
            child = self._child
            if child is not None and not child.gone:
                return child
            try:
                proc = spawn_child()
            except OSError as exc:
                raise ChildGone(f"the media child could not start: {exc}") from exc
            child = self._child = _Child(proc)
            self.children += 1
        threading.Thread(target=self._read, args=(child,), name="media-child-out", daemon=True).start()
        return child

    def _retire(self, child: _Child | None) -> None:
        if child is None:
            return
        with self._lock:
            if self._child is child:
                self._child = None
        t = threading.Thread(target=self._reap, args=(child,), name="media-child-end", daemon=True)
        self._reapers = [r for r in self._reapers if r.is_alive()] + [t]
        t.start()

    @staticmethod
    def _reap(child: _Child) -> None:
        reap(child.proc)
        after, child.after = child.after, None
        if after is not None:
            try:
                after()
            except Exception:
                log.exception("assist: the camera could not be taken back")

    def stopping(self) -> None:
        """The service is stopping: no fresh child after this call."""
        self._stopped = True

    def shutdown(self, timeout: float = 5.0) -> None:
        """The service stops: the child (warm or not) ends, and is waited for."""
        self._stopped = True
        self._retire(self._child)
        for t in self._reapers:
            t.join(timeout)

    def _read(self, child: _Child) -> None:
        """The child's messages, on a thread of their own, until its stdout ends."""
        stream = child.proc.stdout
        while True:
            try:
                got = receive(stream)               # type: ignore[arg-type]
            except (OSError, ValueError):
                got = None
            if got is None:
                break
            msg, frame = got
            try:
                self._dispatch(child, msg, frame)
            except Exception:
                log.exception("assist: media child message %s", msg.get("t"))
        child.gone = True
        self._call_soon(self._child_ended, child)

    def _call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(fn, *args)
            except RuntimeError:                     # the loop closed meanwhile
                pass

    def _dispatch(self, child: _Child, msg: dict, frame: np.ndarray | None) -> None:
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

    def _camera_frame(self, child: _Child) -> None:
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

    def _screen_frame(self, child: _Child) -> None:
        fn, img = self.screen_source, None
        if fn is not None:
            try:
                img = fn()
            except Exception:
                log.exception("assist screen source failed")
        if img is not None:
            child.out.send({"t": "screen"}, np.asarray(img, dtype=np.uint8)[..., :3])

    # --------------------------------------------- on the service's loop
    def _signal_out(self, data: Any) -> None:
        if self._send_signal is not None and self.peer is not None:
            asyncio.ensure_future(self._send_signal(data))

    def _failed(self, why: str) -> None:
        if self.peer is not None and not self.peer.closed:
            self._on_failed(why)

    def _answer(self, msg: dict) -> None:
        _child, future = self._waiting.pop(msg["req"], (None, None))
        if future is not None and not future.done():
            future.set_result(msg)

    def _child_ended(self, child: _Child) -> None:
        for req, (asked, future) in list(self._waiting.items()):
            if asked is child:
                del self._waiting[req]
                if not future.done():
                    future.set_exception(ChildGone("the media child ended"))
        if self._child is child:
            self._child = None
            if self.peer is not None and not self.peer.closed:
                log.warning("assist: the media child %s ended during the call", child.pid)
                self._on_failed("media_failed")
            elif not self._stopped:
                log.warning("assist: the media child %s ended; a fresh one starts", child.pid)
                self._respawn()
        self._retire(child)

    def _respawn(self) -> None:
        if self._loop is not None and not self._stopped:
            self._loop.run_in_executor(None, self._spare)

    def _spare(self) -> None:
        """A fresh warm child for the next call (none once the service stops)."""
        if not self._stopped:
            try:
                self._ensure_child()
            except ChildGone as exc:          # the next call tries again, and says so if it fails
                log.warning("assist: %s", exc)

    async def _ask(self, child: _Child, obj: dict) -> dict:
        self._next += 1
        req = self._next
        future = asyncio.get_running_loop().create_future()
        self._waiting[req] = (child, future)
        if child.gone or not child.out.send({**obj, "req": req}):
            self._waiting.pop(req, None)
            raise ChildGone("the media child is gone")
        reply = await asyncio.wait_for(future, REPLY_WAIT_S)
        if reply.get("t") == "error":
            raise RuntimeError(f"media child: {reply.get('why')}")
        return reply

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
                                        "speaker": self.speaker})
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
