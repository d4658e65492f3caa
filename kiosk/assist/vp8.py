# SPDX-License-Identifier: Apache-2.0
"""VP8 encoding settings per track (issue 17: a call's CPU on a 2-core kiosk).

aiortc's encoder (``aiortc.codecs.vpx.Vp8Encoder``) uses one set of libvpx settings for every
video: ``cpu-used -6`` and the temporal denoiser (``noise-sensitivity 4``). On this kiosk the
camera (a face, 640×480 at 15 fps) and the screen share (text and two videos, a few pictures a
second) need neither: measured on this machine (``bench/bench_assist.py`` and a stand-alone
encode of the same pictures), the denoiser costs about 2 points of a core on the camera, and
the faster ``cpu-used -16`` another point, with the same bytes at the same bitrate.

aiortc has no option for this: the sender makes its encoder at the first frame
(``RTCRtpSender._RTCRtpSender__encoder``); :func:`install` puts one of ours there first, and logs
when a future aiortc keeps it elsewhere (aiortc is pinned ``<2``; the call then goes on with
aiortc's own settings). Everything else (bitrate from the helper's REMB, key frames on request,
packetization) is aiortc's own.
"""
from __future__ import annotations

import logging
import multiprocessing
from typing import Any

import av
from aiortc.codecs.vpx import Vp8Encoder, number_of_threads

log = logging.getLogger(__name__)

# libvpx options (FFmpeg's libvpx wrapper names) that replace aiortc's for the kiosk's tracks
CAMERA = {"noise-sensitivity": "0", "cpu-used": "-16"}
SCREEN = {"noise-sensitivity": "0", "cpu-used": "-16"}
_SLOT = "_RTCRtpSender__encoder"


class TunedVp8Encoder(Vp8Encoder):
    """aiortc's VP8 encoder with some libvpx options of its own (``options``)."""

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__()
        self.options = dict(options)
        self.settings: dict[str, str] = {}        # the libvpx options of the codec in use

    def encode(self, frame: Any, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        codec = self.codec
        if codec is None or (frame.width, frame.height) != (codec.width, codec.height) \
                or abs(self.target_bitrate - (codec.bit_rate or 1)) / (codec.bit_rate or 1) > 0.1:
            self.codec = self._make(frame)        # aiortc's would be made anew: ours instead
        return super().encode(frame, force_keyframe)

    def _make(self, frame: Any) -> Any:
        """The codec aiortc's encoder would make (vpx.py, aiortc 1.x), with ``options`` over its own."""
        rate = self.target_bitrate
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height = frame.width, frame.height
        codec.bit_rate = rate
        codec.pix_fmt = "yuv420p"
        codec.gop_size = 3000
        codec.qmin, codec.qmax = 2, 56
        codec.options = self.settings = {"bufsize": str(rate), "cpu-used": "-6", "deadline": "realtime",
                         "lag-in-frames": "0", "minrate": str(rate), "maxrate": str(rate),
                         "noise-sensitivity": "4", "overshoot-pct": "15", "partitions": "0",
                         "static-thresh": "1", "undershoot-pct": "100", **self.options}
        codec.thread_count = number_of_threads(frame.width * frame.height, multiprocessing.cpu_count())
        return codec


def install(sender: Any, options: dict[str, str]) -> bool:
    """Makes ``sender`` (an aiortc RTCRtpSender of a VP8-only transceiver) encode with
    ``options``; False (and a log line) when this aiortc keeps its encoder elsewhere."""
    if getattr(sender, _SLOT, "missing") is not None:
        log.warning("assist: this aiortc keeps its video encoder elsewhere; aiortc's VP8 settings are used")
        return False
    setattr(sender, _SLOT, TunedVp8Encoder(options))
    return True
