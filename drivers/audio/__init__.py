# SPDX-License-Identifier: Apache-2.0
"""Audio output for voice prompts (语音播报): ``alsa://`` (aplay) or ``sim://`` (records what played).

``build(name, uri)`` is the factory of :mod:`drivers.registry`; ``play(wav, key)`` never blocks.
"""
from __future__ import annotations

from drivers.base import DeviceUri
from drivers.registry import check_uri

from .errors import AUD_BAD_URI
from .interface import AudioOutput, Sound, read_wav, write_wav

__all__ = ["AudioOutput", "Sound", "build", "read_wav", "write_wav"]

_URI_PARAMS = {"alsa": set(), "sim": {"mode"}}


def build(name: str, uri: str | DeviceUri) -> AudioOutput:
    parsed = check_uri(uri, _URI_PARAMS, AUD_BAD_URI)
    if parsed.scheme == "sim":
        from .simulator import SimulatedAudio
        return SimulatedAudio(name, parsed)
    from .alsa_backend import AlsaAudio
    return AlsaAudio(name, parsed)
