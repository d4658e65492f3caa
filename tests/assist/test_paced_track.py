# SPDX-License-Identifier: Apache-2.0
"""A call's video keeps going after the kiosk was too busy to send for a while.

Found in a full test run at load ~6: the assist loop stalled for over a second, both video
tracks started their frame numbers again at 0, and libvpx refused those frames (older than the
first one its encoder saw, the encoder aiortc had made anew at a bitrate change). aiortc's
sender then stops: the helper saw the kiosk's screen and camera frozen for the rest of the call.
"""
from __future__ import annotations

import asyncio

import numpy as np
from aiortc.codecs.vpx import MIN_BITRATE, Vp8Encoder

from kiosk.assist.peer import VIDEO_CLOCK, RatePicker, ScreenTrack

SCREEN = np.full((360, 640, 3), 90, np.uint8)


def test_a_stalled_track_goes_on_and_its_encoder_takes_every_frame():
    now = [100.0]
    track = ScreenTrack(lambda: (lambda: SCREEN), fps=5, still_s=0)     # every slot sent
    track.clock = lambda: now[0]
    encoder = Vp8Encoder()               # what aiortc's RTCRtpSender uses for VP8

    async def send(n: int, pts: list[int]) -> None:
        for _ in range(n):
            frame = await track.recv()
            pts.append(frame.pts)           # (the encoder rebases the frame's own pts)
            encoder.encode(frame)           # raises av.InvalidDataError on the old code
            now[0] += 0.2                   # on time at 5 fps

    async def call() -> list[int]:
        pts: list[int] = []
        await send(6, pts)
        encoder.target_bitrate = MIN_BITRATE    # the helper's REMB: a new encoder at the next frame
        await send(1, pts)
        now[0] += 3.0                       # the kiosk could not send for 3 s
        await send(3, pts)
        return pts

    pts = asyncio.run(call())
    assert pts == sorted(set(pts)), "frame times must only grow"
    gap = pts[7] - pts[6]
    assert gap >= 3 * VIDEO_CLOCK, "the stall is skipped over, not sent late as a burst"
    assert pts[8] - pts[7] == VIDEO_CLOCK // 5, "after the stall the track is paced again"


def frames_sent(track: ScreenTrack, now: list[float], monkeypatch, seconds: float = 0.0) -> list:
    """What the track hands its encoder (what the helper gets) in ``seconds`` of fake time, or its
    next frame: (the fake time, the frame's pixel at 0,0, pts) for each frame."""
    real_sleep = asyncio.sleep

    async def sleep(delay, *a):              # the track's waits take fake time, not real time
        now[0] += max(delay, 0)
        await real_sleep(0)
    monkeypatch.setattr(asyncio, "sleep", sleep)

    async def run() -> list:
        out, end = [], now[0] + seconds
        while not out or now[0] < end:
            frame = await track.recv()
            out.append((now[0], int(frame.to_ndarray(format="rgb24")[0, 0, 0]), frame.pts))
        return out
    try:
        return asyncio.run(run())
    finally:
        monkeypatch.setattr(asyncio, "sleep", real_sleep)


def test_a_still_screen_is_sent_once_a_second_and_a_change_at_the_next_slot(monkeypatch):
    """GIVEN the kiosk's screen share at 5 fps WHEN the screen stays still THEN the helper gets
    the picture about once a second (not 5 times); WHEN it changes THEN the new picture goes
    out at the next 1/5 s slot, and so at every slot while it keeps changing."""
    now = [50.0]
    shown = {"img": np.full((360, 640, 3), 90, np.uint8)}
    track = ScreenTrack(lambda: (lambda: shown["img"]), fps=5)
    track.clock = lambda: now[0]
    sent = frames_sent(track, now, monkeypatch, 10.0)
    assert 10 <= len(sent) <= 11, [t for t, _v, _p in sent]        # 50 at 5 fps
    assert all(abs(v - 90) <= 2 for _t, v, _p in sent)              # (yuv420p rounds by 1)
    for n in range(10):                      # a screen that changes at every slot: every slot sent
        shown["img"] = np.full((360, 640, 3), 100 + 10 * n, np.uint8)
        before = now[0]
        sent += frames_sent(track, now, monkeypatch)
        assert abs(sent[-1][1] - (100 + 10 * n)) <= 2 and sent[-1][0] - before <= 0.2 + 1e-9
    pts = [p for _t, _v, p in sent]
    assert pts == sorted(set(pts))


def test_frames_are_picked_at_the_draw_rate_from_a_faster_video():
    """The helper's 30 fps video reaches a kiosk that draws 7.5 a second as 7.5 frames a second,
    evenly; 0 passes every frame."""
    now = [0.0]
    for fps_in, fps_out, want in ((30, 7.5, 7.5), (15, 7.5, 7.5), (15, 15, 15), (10, 15, 10), (30, 0, 30)):
        picker = RatePicker(fps_out, clock=lambda: now[0])
        picked = []
        for i in range(int(fps_in * 8)):
            now[0] = 1000 + i / fps_in
            if picker.pick():
                picked.append(now[0])
        assert abs(len(picked) - 8 * want) <= 1, (fps_in, fps_out, len(picked))
        gaps = np.diff(picked)
        assert gaps.max() - gaps.min() <= 1 / fps_in + 1e-9
