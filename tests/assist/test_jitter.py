# SPDX-License-Identifier: Apache-2.0
"""The helper's video frames go to the decoder when complete, not one frame interval later."""
from __future__ import annotations

import asyncio

from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from kiosk.assist import jitter


def packet(seq: int, ts: int, marker: bool = False) -> RtpPacket:
    p = RtpPacket(payload_type=96, sequence_number=seq, timestamp=ts, marker=int(marker))
    p._data = f"[{seq}]".encode()          # what aiortc's depayloader leaves on the packet
    return p


def feed(buffer: JitterBuffer, packets: list[RtpPacket]) -> list[tuple[int, bytes]]:
    """(index of the packet after which a frame came out, the frame's data) for each frame."""
    out = []
    for i, p in enumerate(packets):
        _pli, frame = buffer.add(p)
        if frame is not None:
            out.append((i, frame.data))
    return out


TWO_FRAMES = [packet(100, 3000), packet(101, 3000), packet(102, 3000, marker=True),
              packet(103, 6000), packet(104, 6000, marker=True)]


def test_aiortc_alone_waits_for_the_next_frame():
    """What the eager buffer fixes: aiortc's own buffer gives frame 1 only at frame 2's first packet."""
    out = feed(JitterBuffer(capacity=128, is_video=True), TWO_FRAMES)
    assert out == [(3, b"[100][101][102]")]


def test_a_frame_goes_out_at_its_marked_last_packet():
    out = feed(jitter.EagerJitterBuffer(capacity=128, is_video=True), TWO_FRAMES)
    assert out == [(2, b"[100][101][102]"), (4, b"[103][104]")]


def test_a_late_packet_holds_the_frame_until_it_comes():
    packets = [packet(100, 3000), packet(102, 3000, marker=True), packet(101, 3000), packet(103, 6000)]
    out = feed(jitter.EagerJitterBuffer(capacity=128, is_video=True), packets)
    assert out == [(2, b"[100][101][102]")]


def test_without_markers_the_frame_still_comes_out_by_timestamp():
    packets = [packet(100, 3000), packet(101, 3000), packet(102, 6000), packet(103, 9000)]
    out = feed(jitter.EagerJitterBuffer(capacity=128, is_video=True), packets)
    assert out == [(2, b"[100][101]"), (3, b"[102]")]


def test_sequence_numbers_wrap_around():
    packets = [packet(65534, 3000), packet(65535, 3000), packet(0, 3000, marker=True),
               packet(1, 6000, marker=True)]
    out = feed(jitter.EagerJitterBuffer(capacity=128, is_video=True), packets)
    assert out == [(2, b"[65534][65535][0]"), (3, b"[1]")]


def test_the_call_receives_the_helper_video_through_the_eager_buffer():
    """A prepared call's camera receiver (the helper's video) has the eager buffer; audio keeps aiortc's."""
    from kiosk.assist.peer import AssistPeer

    async def prepared() -> tuple[object, object]:
        async def send(_msg: dict) -> None:
            return None
        peer = AssistPeer([], send_signal=send)
        await peer.prepare()
        try:
            cam, audio = peer.pc.getTransceivers()[:2]
            return (getattr(cam.receiver, jitter._ATTRIBUTE),
                    getattr(audio.receiver, jitter._ATTRIBUTE))
        finally:
            await peer.close()

    video_buffer, audio_buffer = asyncio.run(prepared())
    assert type(video_buffer) is jitter.EagerJitterBuffer
    assert type(audio_buffer) is JitterBuffer


def test_an_unknown_aiortc_is_told_in_the_log(caplog):
    class Receiver:
        pass
    assert jitter.install(Receiver()) is False
    assert "jitter buffer was not found" in caplog.text
