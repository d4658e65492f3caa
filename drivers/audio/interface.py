# SPDX-License-Identifier: Apache-2.0
"""The audio output: plays one prompt at a time, never blocking the caller.

``play(wav, key)`` starts a prompt and returns at once; a new prompt cuts the one playing
(a new screen's instruction replaces the last one); ``stop()`` silences it. ``volume`` (0-1)
scales the samples. Events: ``played`` (key, seconds) when a prompt starts. The kiosk never
hands this device citizen data: prompts are fixed texts and public names (kiosk/voice).
"""
from __future__ import annotations

import abc
import io
import wave
from dataclasses import dataclass

import numpy as np

from drivers.base import Device, DeviceError

from .errors import AUD_BAD_SOUND


@dataclass(frozen=True)
class Sound:
    rate: int
    samples: np.ndarray          # int16, mono

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def read_wav(data: bytes) -> Sound:
    """A mono 16-bit PCM WAV (what espeak-ng and recorded prompt packs give). Raises AUD_BAD_SOUND."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            if w.getsampwidth() != 2:
                raise DeviceError(AUD_BAD_SOUND, f"{8 * w.getsampwidth()}-bit samples")
            frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            if w.getnchannels() > 1:
                frames = frames.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
            return Sound(w.getframerate(), frames)
    except (wave.Error, EOFError, ValueError) as exc:
        raise DeviceError(AUD_BAD_SOUND, str(exc)[:80]) from None


def write_wav(sound: Sound) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sound.rate)
        w.writeframes(sound.samples.astype("<i2").tobytes())
    return buf.getvalue()


def joined(sounds: list[Sound], gap_s: float = 0.25) -> Sound:
    """One prompt from several (an item's name, then the screen's instruction), a short pause
    between them, at the first one's rate (a recorded prompt and the engine's may differ)."""
    rate = sounds[0].rate
    parts: list[np.ndarray] = []
    for sound in sounds:
        samples = sound.samples
        if sound.rate != rate and len(samples):
            length = max(1, round(len(samples) * rate / sound.rate))
            samples = np.interp(np.linspace(0, len(samples) - 1, length), np.arange(len(samples)),
                                samples.astype(np.float32)).astype(np.int16)
        if parts:
            parts.append(np.zeros(int(rate * gap_s), dtype=np.int16))
        parts.append(samples)
    return Sound(rate, np.concatenate(parts))


def scaled(sound: Sound, volume: float) -> Sound:
    volume = min(1.0, max(0.0, volume))
    return Sound(sound.rate, (sound.samples.astype(np.float32) * volume).astype(np.int16))


class AudioOutput(Device, abc.ABC):
    kind = "audio"

    def __init__(self, name: str):
        super().__init__(name)
        self.volume = 0.8

    def capabilities(self) -> dict:
        return {"volume": True, "cuts_previous": True}

    def play(self, wav: bytes, key: str = "") -> None:
        """Starts ``wav`` (cutting what plays) and returns at once; a silent device does nothing."""
        sound = scaled(read_wav(wav), self.volume)
        self._play(sound, key)
        self._emit("played", key=key, seconds=round(sound.seconds, 2))

    @abc.abstractmethod
    def _play(self, sound: Sound, key: str) -> None: ...

    @abc.abstractmethod
    def stop(self) -> None:
        """Silences the prompt that plays, if any."""
