# SPDX-License-Identifier: Apache-2.0
"""The helper's video reaches the decoder as soon as a frame is complete.

aiortc's video jitter buffer (``aiortc.jitterbuffer.JitterBuffer``) takes a frame as complete
only when the first packet of the *next* frame arrives (a newer RTP timestamp), so every frame,
the call's first one included, waits one frame interval before it is decoded: 33 ms at the
helper's 30 fps, 67 ms at 15 fps.

The sender marks a video frame's last packet with the RTP marker bit (RFC 3550 §5.1; for VP8,
RFC 7741 §4.1: "the marker bit MUST be set for the last packet of a frame"). ``EagerJitterBuffer``
hands the frame on when its packets, from the buffer's first one to the marked one, are all
there and share one timestamp. Anything else (a frame whose marked packet is lost or still on its
way, a gap) is left to aiortc's own rule, unchanged.

aiortc makes the buffer inside ``RTCRtpReceiver`` and has no option for it; :func:`install`
replaces it on a video receiver before the first packet, and says so in the log when this aiortc
keeps it elsewhere (the call then works as before, one frame interval later).
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from aiortc.jitterbuffer import JitterBuffer, JitterFrame

log = logging.getLogger(__name__)

_ATTRIBUTE = "_RTCRtpReceiver__jitter_buffer"     # aiortc 1.x keeps it here (pinned in pyproject)


class EagerJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer that also ends a frame at its marked last packet."""

    def _remove_frame(self, sequence_number: int) -> Optional[JitterFrame]:
        packets: list[Any] = []
        timestamp = None
        if self._origin is None:
            return None
        for count in range(self._capacity):
            packet = self._packets[(self._origin + count) % self._capacity]
            if packet is None or (timestamp is not None and packet.timestamp != timestamp):
                break
            timestamp = packet.timestamp
            packets.append(packet)
            if packet.marker:
                self.remove(count + 1)
                return JitterFrame(data=b"".join(p._data for p in packets), timestamp=timestamp)
        return super()._remove_frame(sequence_number)


def install(receiver: Any) -> bool:
    """Gives a video ``RTCRtpReceiver`` the eager buffer (before its first packet). True if done."""
    old = getattr(receiver, _ATTRIBUTE, None)
    if type(old) is not JitterBuffer or not getattr(old, "_is_video", False):
        log.warning("assist: aiortc's video jitter buffer was not found; frames wait one interval")
        return False
    setattr(receiver, _ATTRIBUTE, EagerJitterBuffer(capacity=old.capacity, is_video=True))
    return True
