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

from kiosk.assist.peer import VIDEO_CLOCK, ScreenTrack

SCREEN = np.full((360, 640, 3), 90, np.uint8)


def test_a_stalled_track_goes_on_and_its_encoder_takes_every_frame():
    now = [100.0]
    track = ScreenTrack(lambda: (lambda: SCREEN), fps=5)
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
