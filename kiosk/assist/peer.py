# SPDX-License-Identifier: Apache-2.0
"""The kiosk's side of the video call: one aiortc peer connection per call.

The kiosk is always the offerer and declares three m-lines up front
(docs/assist-protocol.md, "Signaling inside signal"):

- mid 0 ``camera``: the kiosk camera, sendrecv (the helper's camera comes back);
- mid 1 ``audio``: the microphone (silence when simulated), sendrecv;
- mid 2 ``screen``: what the kiosk shows, sendonly, from a callback the UI sets.

Video is VP8 only (H.264 costs about 4x the CPU on a 2-core kiosk). ICE servers
are exactly the hub's list; an empty list stays ``[]`` (aiortc would otherwise
fall back to a public STUN server). Everything here runs in the media child
(kiosk/assist/media_process.py), on its asyncio loop; the kiosk process never imports it.
"""
from __future__ import annotations

import asyncio
import fractions
import logging
import time
from typing import Any, Callable

import numpy as np
from aiortc import (RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender,
                    RTCSessionDescription)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame
from av.video.reformatter import VideoReformatter

from kiosk.assist import jitter, vp8

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90000
TRACK_LABELS = ("camera", "audio", "screen")
STILL_S = 1.0          # a still screen is sent again once a second (a lost key frame heals by then)
SCREEN_SIZE = (960, 600)   # the screen share's largest size: a 1280×800 kiosk is sent at 3/4 (its
                           # smallest text stays legible; its VP8 and colour conversion cost about a
                           # quarter less: docs/remote-assist.md, Benchmark)
ScreenSource = Callable[[], "np.ndarray | None"]
FrameSink = Callable[[np.ndarray], None]


def rtc_ice_servers(servers: list[dict] | None) -> list[RTCIceServer]:
    """The hub's ``ice_servers`` as aiortc objects; never None (no default STUN)."""
    out = []
    for s in servers or []:
        out.append(RTCIceServer(urls=s["urls"], username=s.get("username"),
                                credential=s.get("credential")))
    return out


def vp8_only(kind: str = "video") -> list:
    """Codec preferences: VP8 (and its retransmission format) only."""
    caps = RTCRtpSender.getCapabilities(kind).codecs
    return [c for c in caps if c.mimeType.lower() in ("video/vp8", "video/rtx")]


def colour_bars(width: int, height: int, n: int) -> np.ndarray:
    """Colour bars with a moving white bar: the camera when there is none."""
    img = np.zeros((height, width, 3), np.uint8)
    bars = [(220, 30, 30), (30, 200, 30), (30, 30, 220), (235, 235, 235)]
    step = width // len(bars)
    for i, colour in enumerate(bars):
        img[:, i * step:(i + 1) * step] = colour
    y = (n * 4) % height
    img[y:y + 8] = 255
    return img


class PacedVideoTrack(MediaStreamTrack):
    """A video track that asks ``grab()`` for an RGB frame ``fps`` times a second."""

    kind = "video"

    def __init__(self, fps: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.fps = fps
        self.clock = clock
        self._start: float | None = None
        self._n = 0
        self.sent = 0                   # frames handed to the encoder (bench)
        # one colour converter for the track's life: the encoder takes yuv420p as it is, and
        # a frame's own reformat() would set up a new converter for every frame (bench_assist)
        self._to_yuv = VideoReformatter()
        self._rgb: np.ndarray | None = None           # the last picture sent and its yuv420p frame
        self._yuv: VideoFrame | None = None
        self._sent_at = float("-inf")
        # a picture that has not changed is sent again only this often (0: at every slot)
        self.still_s = 0.0
        self.max_size: tuple[int, int] | None = None    # larger pictures are scaled down to fit

    async def grab(self) -> np.ndarray:
        raise NotImplementedError

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        while True:
            rgb = await self._next_slot()
            if self.readyState != "live":
                raise MediaStreamError
            if not (self.still_s and rgb is self._rgb and self.clock() - self._sent_at < self.still_s):
                break
            self._n += 1                    # the same picture as the last one sent: nothing to send
        if rgb is not self._rgb or self._yuv is None:
            h, w = rgb.shape[0] & ~1, rgb.shape[1] & ~1     # yuv420p needs even sizes
            out_w, out_h = fit(w, h, self.max_size)
            self._yuv = self._to_yuv.reformat(        # (scaled and converted in one pass)
                VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24"), format="yuv420p",
                width=out_w, height=out_h)
            self._rgb = rgb                 # a picture sent again is not converted again
        frame = self._yuv
        frame.pts = int(self._n * VIDEO_CLOCK / self.fps)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._n += 1
        self.sent += 1
        self._sent_at = self.clock()
        return frame

    async def _next_slot(self) -> np.ndarray:
        if self._start is None:
            self._start = self.clock()
        due = self._start + self._n / self.fps
        delay = due - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -1.0:
            # far behind (a slow camera, a busy machine): skip the missed slots, do not burst.
            # The frame number only ever grows: libvpx refuses a frame older than the first one
            # its encoder saw (aiortc makes a new encoder at a bitrate change), and the track's
            # video would stop for the rest of the call.
            self._n = max(self._n, int((self.clock() - self._start) * self.fps))
        return await self.grab()


def fit(width: int, height: int, box: tuple[int, int] | None) -> tuple[int, int]:
    """``width`` × ``height`` scaled down (never up) to fit ``box``, aspect kept, even sizes."""
    if box is None or (width <= box[0] and height <= box[1]):
        return width, height
    scale = min(box[0] / width, box[1] / height)
    return max(2, int(width * scale) & ~1), max(2, int(height * scale) & ~1)


class RatePicker:
    """Picks frames of a faster stream at no more than ``fps`` a second (0: every frame): what
    the kiosk draws needs no more, and a frame not picked is neither converted nor sent."""

    def __init__(self, fps: float = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.period, self.clock = (1.0 / fps if fps > 0 else 0.0), clock
        self._due = float("-inf")

    def pick(self) -> bool:
        now = self.clock()
        if now < self._due - self.period / 4:        # (a quarter period early still counts: jitter)
            return False
        base = self._due if now - self._due < self.period else now     # steady; no burst after a gap
        self._due = base + self.period
        return True


class CameraTrack(PacedVideoTrack):
    """The kiosk camera (``drivers.camera.Camera``), read off the loop; a test pattern without one."""

    def __init__(self, camera: Any | None, fps: float = 15, size: tuple[int, int] = (640, 480),
                 local_sink: Callable[[], FrameSink | None] = lambda: None, local_fps: float = 0):
        super().__init__(fps)
        self.camera, self.size, self.local_sink = camera, size, local_sink
        self._last: np.ndarray | None = None
        self._local_rate = RatePicker(local_fps)      # the self-view at the kiosk's draw rate

    async def grab(self) -> np.ndarray:
        if self.camera is None:
            self._last = colour_bars(self.size[0], self.size[1], self._n)
        else:
            try:
                self._last = await asyncio.get_running_loop().run_in_executor(None, self.camera.read)
            except Exception as exc:        # a failing camera sends its last frame, not nothing
                if self._last is None:
                    log.warning("assist camera: %s", exc)
                    self._last = np.zeros((self.size[1], self.size[0], 3), np.uint8)
        sink = self.local_sink()            # the citizen's self-view
        if sink is not None and self._local_rate.pick():
            try:
                sink(self._last)
            except Exception:
                log.exception("assist: local frame callback failed")
        return self._last

    def stop(self) -> None:
        super().stop()
        self._last = None


class ScreenTrack(PacedVideoTrack):
    """What the kiosk shows, from ``source()`` (the UI masks ID numbers and names first)."""

    def __init__(self, source: Callable[[], ScreenSource | None], fps: float = 5, still_s: float = STILL_S,
                 max_size: tuple[int, int] | None = SCREEN_SIZE):
        super().__init__(fps)
        self.source = source
        self.still_s = still_s
        self.max_size = max_size
        self._last = np.full((360, 640, 3), 40, np.uint8)
        self._img: Any = None

    async def grab(self) -> np.ndarray:
        fn = self.source()
        if fn is not None:
            try:
                img = fn()
            except Exception:
                log.exception("assist screen source failed")
                img = None
            if img is not None and img is not self._img:     # the same object: the same picture
                self._img, self._last = img, np.asarray(img, dtype=np.uint8)[..., :3]
        return self._last

    def stop(self) -> None:
        super().stop()
        self._last = np.zeros((2, 2, 3), np.uint8)


class MutableAudioTrack(MediaStreamTrack):
    """Passes the microphone through, or zeros when muted."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source, self.muted = source, False

    async def recv(self):
        frame = await self.source.recv()
        if self.muted:
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
        return frame

    def stop(self) -> None:
        super().stop()
        self.source.stop()


def open_microphone(uri: str) -> tuple[MediaStreamTrack, Any]:
    """``""``/``sim://``: silence. ``alsa://DEVICE``: that ALSA capture device."""
    if uri.startswith("alsa://"):
        from aiortc.contrib.media import MediaPlayer
        player = MediaPlayer(uri[len("alsa://"):] or "default", format="alsa",
                             options={"channels": "1", "sample_rate": "48000"})
        return player.audio, player
    return AudioStreamTrack(), None


async def warm_media() -> None:
    """Pays the first call's one-off costs ahead (the service runs it at start-up): aiortc,
    av and their codec libraries load, a VP8 encoder and decoder and an Opus encoder handle
    their first frame, and a throw-away peer connection makes an offer (DTLS certificate,
    SDP; no ICE gathering: no socket is opened). Without it the first offer came about 0.5 s after ``connected``
    instead of 15–40 ms."""
    from aiortc.codecs import get_decoder, get_encoder
    from av import AudioFrame

    def codecs() -> None:
        vp8 = next(c for c in RTCRtpSender.getCapabilities("video").codecs
                   if c.mimeType.lower() == "video/vp8")
        frame = VideoFrame.from_ndarray(colour_bars(640, 480, 0), format="rgb24")
        frame.pts, frame.time_base = 0, fractions.Fraction(1, VIDEO_CLOCK)
        get_encoder(vp8).encode(frame)
        get_decoder(vp8)
        opus = next(c for c in RTCRtpSender.getCapabilities("audio").codecs
                    if c.mimeType.lower() == "audio/opus")
        audio = AudioFrame(format="s16", layout="mono", samples=960)
        for plane in audio.planes:
            plane.update(bytes(plane.buffer_size))
        audio.sample_rate, audio.pts, audio.time_base = 48000, 0, fractions.Fraction(1, 48000)
        get_encoder(opus).encode(audio)

    await asyncio.get_running_loop().run_in_executor(None, codecs)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        pc.addTransceiver("video", direction="sendrecv")
        pc.addTransceiver("audio", direction="sendrecv")
        await pc.createOffer()
    finally:
        await pc.close()


class AssistPeer:
    """One call's RTCPeerConnection. Create, ``await start()``, feed ``handle_signal``, ``close``."""

    def __init__(self, ice_servers: list[dict], *, send_signal: Callable[[dict], Any],
                 camera: Any | None = None, microphone: str = "", speaker: str = "",
                 screen_source: Callable[[], ScreenSource | None] = lambda: None,
                 on_remote_frame: Callable[[], FrameSink | None] = lambda: None,
                 on_local_frame: Callable[[], FrameSink | None] = lambda: None,
                 on_failed: Callable[[str], None] = lambda why: None,
                 camera_fps: float = 15, screen_fps: float = 5, video_fps: float = 0) -> None:
        self.ice_servers = list(ice_servers or [])
        self.send_signal, self.on_failed = send_signal, on_failed
        self.remote_sink = on_remote_frame
        self.speaker = speaker
        # video_fps: the most frames a second the kiosk draws of each video (0: every frame)
        self.camera_track = CameraTrack(camera, camera_fps, local_sink=on_local_frame, local_fps=video_fps)
        self.video_fps = video_fps
        self.screen_track = ScreenTrack(screen_source, screen_fps)
        mic, self._mic_player = open_microphone(microphone)
        self.audio_track = MutableAudioTrack(mic)
        self.pc: RTCPeerConnection | None = None
        self.remote_frames = 0
        self._tasks: list[asyncio.Task] = []
        self._sinks: list[Any] = []
        self._answered = False
        self._early: list[dict] = []
        self._lock = asyncio.Lock()
        self.closed = False

    async def start(self) -> None:
        """Builds the three m-lines and sends the offer through ``send_signal``."""
        await self.prepare()
        await self.send_offer()

    async def prepare(self) -> None:
        """The connection, its tracks and the offer with every candidate gathered, not sent yet: made
        while the helper's console rings, so that the answer to 接听 is the only thing left."""
        self.pc = pc = RTCPeerConnection(RTCConfiguration(iceServers=rtc_ice_servers(self.ice_servers)))
        pc.on("track", self._on_track)
        pc.on("connectionstatechange", self._on_state)
        cam = pc.addTransceiver(self.camera_track, direction="sendrecv")
        jitter.install(cam.receiver)          # the helper's frames are decoded once complete
        pc.addTransceiver(self.audio_track, direction="sendrecv")
        scr = pc.addTransceiver(self.screen_track, direction="sendonly")
        for t in (cam, scr):
            t.setCodecPreferences(vp8_only())
        vp8.install(cam.sender, vp8.CAMERA)        # libvpx settings for a face and for a screen
        vp8.install(scr.sender, vp8.SCREEN)
        await pc.setLocalDescription(await pc.createOffer())   # gathers every candidate

    async def send_offer(self) -> None:
        pc = self.pc
        if pc is None or self.closed:
            raise RuntimeError("no prepared connection")
        tracks = {t.mid: label for t, label in zip(pc.getTransceivers(), TRACK_LABELS)}
        desc = pc.localDescription
        await self.send_signal({"sdp": {"type": desc.type, "sdp": desc.sdp}, "tracks": tracks})

    async def handle_signal(self, data: Any) -> None:
        """An answer or a trickled candidate from the helper's browser."""
        if not isinstance(data, dict) or self.pc is None or self.closed:
            return
        async with self._lock:
            sdp = data.get("sdp")
            if isinstance(sdp, dict) and sdp.get("type") == "answer" and not self._answered:
                await self.pc.setRemoteDescription(RTCSessionDescription(sdp["sdp"], "answer"))
                self._answered = True
                early, self._early = self._early, []
                for cand in early:
                    await self._add_candidate(cand)
            elif "candidate" in data:
                if self._answered:
                    await self._add_candidate(data["candidate"])
                else:
                    self._early.append(data["candidate"])

    async def _add_candidate(self, cand: Any) -> None:
        if not isinstance(cand, dict) or not cand.get("candidate"):
            return                                   # end of candidates
        text = str(cand["candidate"])
        try:
            c = candidate_from_sdp(text.split(":", 1)[1] if text.startswith("candidate:") else text)
            c.sdpMid, c.sdpMLineIndex = cand.get("sdpMid"), cand.get("sdpMLineIndex")
            await self.pc.addIceCandidate(c)
        except Exception as exc:                     # one bad candidate must not end the call
            log.info("assist: ignored candidate %r: %s", text[:80], exc)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._tasks.append(asyncio.ensure_future(self._pump_video(track)))
        else:
            self._tasks.append(asyncio.ensure_future(self._play_audio(track)))

    async def _pump_video(self, track: MediaStreamTrack) -> None:
        rate = RatePicker(self.video_fps)        # the helper's 30 fps, drawn at 7.5 on software GL
        while not self.closed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            sink = self.remote_sink()
            self.remote_frames += 1
            if sink is not None and rate.pick():
                try:
                    sink(frame.to_ndarray(format="rgb24"))
                except Exception:
                    log.exception("assist: remote frame callback failed")

    async def _play_audio(self, track: MediaStreamTrack) -> None:
        from aiortc.contrib.media import MediaBlackhole, MediaRecorder
        sink: Any = MediaBlackhole()
        if self.speaker.startswith("alsa://"):
            try:
                sink = MediaRecorder(self.speaker[len("alsa://"):] or "default", format="alsa")
            except Exception as exc:     # no sound device: the call goes on without sound
                log.warning("assist speaker %s: %s; remote audio discarded", self.speaker, exc)
                sink = MediaBlackhole()
        sink.addTrack(track)
        self._sinks.append(sink)
        try:
            await sink.start()
        except Exception as exc:
            log.warning("assist speaker: %s; remote audio discarded", exc)

    async def _on_state(self) -> None:
        if self.pc is not None and self.pc.connectionState == "failed" and not self.closed:
            self.on_failed("media_failed")

    def set_muted(self, muted: bool) -> None:
        self.audio_track.muted = bool(muted)

    async def close(self) -> None:
        """Stops every track and the connection; idempotent. Keeps no frame."""
        if self.closed:
            return
        self.closed = True
        for track in (self.camera_track, self.screen_track, self.audio_track):
            track.stop()
        for task in self._tasks:
            task.cancel()
        for sink in self._sinks:
            try:
                await sink.stop()
            except Exception:
                pass
        if self._mic_player is not None:
            self._mic_player.audio and self._mic_player.audio.stop()
        if self.pc is not None:
            await self.pc.close()
        self._tasks, self._sinks = [], []
