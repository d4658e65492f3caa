# SPDX-License-Identifier: Apache-2.0
"""The media child: one call's aiortc peer connection and its PyAV encoding and decoding, in a
process of its own (``python -m kiosk.assist.media_process``), so that what a call leaves in
memory (codecs, OpenSSL, the heap; issue 18) goes with the process. The kiosk's side is
:class:`kiosk.assist.media_proxy.MediaProxy`; docs/remote-assist.md, *The media process*.

It warms the media stack as soon as it starts (:func:`kiosk.assist.peer.warm_media`), then
serves one call over stdin/stdout (:mod:`kiosk.assist.media_wire`): ``make`` (the peer and its
offer, which the kiosk sends when the helper answers), ``signal``, ``mute``. The kiosk's camera
frames (or a real camera it lent, opened here) and its (masked) screen come from the kiosk on request; the helper's decoded frames go back. It exits when its
stdin closes."""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from typing import Any

import numpy as np

from .media_shm import FrameArea
from .media_wire import Writer, receive

log = logging.getLogger("kiosk.assist.media_process")


class KioskCamera:
    """The camera as the kiosk lends it: ``read()`` asks the kiosk for a frame (off the loop)."""

    def __init__(self, out: Writer, track: Any = None) -> None:
        self.out, self.track = out, track
        self._ready = threading.Event()
        self._frame: np.ndarray | None = None
        self._error = ""

    def read(self) -> np.ndarray:
        self._ready.clear()
        sent = self.track.sent if self.track is not None else 0
        if not self.out.send({"t": "cam_req", "sent": sent}):
            raise OSError("the kiosk is gone")
        if not self._ready.wait(5.0):
            raise TimeoutError("no camera frame from the kiosk")
        if self._frame is None:
            raise OSError(self._error or "no camera frame")
        return self._frame

    def deliver(self, frame: np.ndarray | None, error: str = "") -> None:
        self._frame, self._error = frame, error
        self._ready.set()


class MediaChild:
    """Serves the kiosk's commands on this process's loop."""

    def __init__(self, out: Writer) -> None:
        self.out = out
        self.peer: Any = None
        self.camera: KioskCamera | None = None
        self.own_camera: Any = None          # a real camera the kiosk lent: opened here
        self.screen: np.ndarray | None = None
        self.warmed = asyncio.Event()
        self.quit = asyncio.Event()

    async def run(self) -> None:
        t0 = time.monotonic()
        try:
            from .peer import warm_media
            await warm_media()
        except Exception:                     # a call still works, only its set-up is slower
            log.exception("media warm-up failed")
        self.warmed.set()
        self.out.send({"t": "warm", "ms": round((time.monotonic() - t0) * 1000)})
        await self.quit.wait()
        if self.peer is not None:
            await self.peer.close()
        if self.own_camera is not None:
            try:
                self.own_camera.close()
            except Exception as exc:  # noqa: BLE001 - the process ends all the same
                log.warning("camera did not close cleanly: %s", exc)

    def handle(self, msg: dict, frame: np.ndarray | None) -> None:
        kind = msg.get("t")
        if kind == "screen":
            if frame is not None:                 # (None: dropped, its slot reused already)
                self.screen = frame
        elif kind == "mute":
            if self.peer is not None:
                self.peer.set_muted(bool(msg.get("muted")))
        else:
            asyncio.ensure_future(self._answer(msg))

    async def _answer(self, msg: dict) -> None:
        await self.warmed.wait()
        kind, req = msg.get("t"), msg.get("req")
        try:
            reply = await getattr(self, "_" + str(kind))(msg)
        except Exception as exc:  # noqa: BLE001 - the kiosk hangs up and says so
            log.exception("media %s failed", kind)
            reply = {"t": "error", "why": f"{type(exc).__name__}: {exc}"}
        if req is not None:
            self.out.send({**(reply or {"t": "ok"}), "req": req})

    async def _make(self, msg: dict) -> dict:
        from .peer import AssistPeer
        self.camera = KioskCamera(self.out) if msg.get("camera") else None
        if msg.get("camera_uri"):
            self.own_camera = await asyncio.get_running_loop().run_in_executor(
                None, open_camera, str(msg["camera_uri"]))
        peer = AssistPeer(list(msg.get("ice_servers") or []), send_signal=self._signal_out,
                          camera=self.camera or self.own_camera, microphone=str(msg.get("microphone") or ""),
                          speaker=str(msg.get("speaker") or ""), screen_source=lambda: self._screen,
                          on_remote_frame=lambda: self._remote,
                          on_local_frame=lambda: None if self.camera is not None else self._local,
                          on_failed=self._failed_out, video_fps=float(msg.get("video_fps") or 0))
        if self.camera is not None:
            self.camera.track = peer.camera_track
        self.peer = peer
        peer.set_muted(bool(msg.get("muted")))
        await peer.prepare()
        assert peer.pc is not None
        peer.pc.on("connectionstatechange", self._state_out)
        from .peer import TRACK_LABELS
        tracks = {t.mid: label for t, label in zip(peer.pc.getTransceivers(), TRACK_LABELS)}
        desc = peer.pc.localDescription           # the offer, sent by the kiosk when the helper answers
        return {"t": "made", "offer": {"sdp": {"type": desc.type, "sdp": desc.sdp}, "tracks": tracks}}

    async def _signal(self, msg: dict) -> None:
        if self.peer is None:
            return
        await self.peer.handle_signal(msg.get("data"))
        pc = self.peer.pc
        if pc is not None and pc.remoteDescription is not None and not getattr(self, "_told", False):
            self._told = True
            self.out.send({"t": "state", "remote_sdp": pc.remoteDescription.sdp})

    def _failed_out(self, why: str) -> None:
        self.out.send({"t": "failed", "why": why})

    async def _signal_out(self, data: dict) -> None:
        self.out.send({"t": "signal", "data": data})

    def _state_out(self) -> None:
        if self.peer is not None and self.peer.pc is not None:
            self.out.send({"t": "state", "connection": self.peer.pc.connectionState})

    def _screen(self) -> np.ndarray | None:
        """The latest screen frame the kiosk sent; asks for the next one (ready by the next grab)."""
        sent = self.peer.screen_track.sent if self.peer is not None else 0
        self.out.send({"t": "scr_req", "sent": sent})
        return self.screen

    def _remote(self, frame: np.ndarray) -> None:
        n = self.peer.remote_frames if self.peer is not None else 0
        self.out.send({"t": "remote", "n": n}, frame)

    def _local(self, frame: np.ndarray) -> None:
        self.out.send({"t": "local"}, frame)


def open_camera(uri: str) -> Any:
    """The camera the kiosk lent (closed there first); None when it does not open: the helper
    then sees the test pattern, as without a camera."""
    from drivers.registry import create
    device: Any = create("camera", "camera", uri)
    try:
        device.open()
    except Exception as exc:  # noqa: BLE001 - the call goes on with the test pattern
        log.warning("camera %s did not open: %s", uri.split("://", 1)[0], getattr(exc, "code", exc))
        return None
    return device


def main() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="media child %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kiosk").setLevel(logging.INFO)
    to_child, from_child = (int(fd) for fd in os.environ.get("KIOSK_MEDIA_FRAMES", "-1,-1").split(","))
    inbox = FrameArea(to_child) if to_child >= 0 else None       # kiosk/assist/media_shm.py
    out = Writer(sys.stdout.buffer, FrameArea(from_child) if from_child >= 0 else None)
    sys.stdout = sys.stderr                   # nothing but messages on the pipe
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    child = MediaChild(out)

    def read() -> None:
        stdin = sys.stdin.buffer
        while True:
            try:
                got = receive(stdin, inbox)
            except (OSError, ValueError):
                got = None
            if got is None:
                break
            msg, frame = got
            if msg.get("t") == "cam":              # answered at once: the encoder's thread waits
                if child.camera is not None:
                    child.camera.deliver(frame, str(msg.get("error") or ""))
                continue
            loop.call_soon_threadsafe(child.handle, msg, frame)
        loop.call_soon_threadsafe(child.quit.set)

    threading.Thread(target=read, name="media-child-in", daemon=True).start()
    try:
        loop.run_until_complete(child.run())
    finally:
        loop.close()


if __name__ == "__main__":
    main()
