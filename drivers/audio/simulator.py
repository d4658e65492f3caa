# SPDX-License-Identifier: Apache-2.0
"""``sim://``: an audio output that records what it was asked to play (for tests and demos).

``played`` lists (key, seconds, peak) per prompt, in order; ``mode=absent`` behaves like a
terminal without a sound card (ABSENT, silent).
"""
from __future__ import annotations

import threading

import numpy as np

from drivers.base import DeviceError, DeviceState, DeviceUri

from .errors import AUD_NO_DEVICE
from .interface import AudioOutput, Sound


class SimulatedAudio(AudioOutput):
    def __init__(self, name: str, uri: DeviceUri):
        super().__init__(name)
        self.uri = uri
        self.played: list[tuple[str, float, int]] = []
        self.last: Sound | None = None          # the last prompt's samples, as played (volume applied)
        self.stopped = 0
        self._cond = threading.Condition()

    def open(self) -> None:
        if self.uri.params.get("mode") == "absent":
            self._set_state(DeviceState.ABSENT, DeviceError(AUD_NO_DEVICE, "simulated terminal without a speaker"))
            return
        self._set_state(DeviceState.READY)

    def _play(self, sound: Sound, key: str) -> None:
        if self.state is not DeviceState.READY:
            return
        peak = int(np.abs(sound.samples.astype(np.int32)).max()) if len(sound.samples) else 0
        with self._cond:
            self.played.append((key, round(sound.seconds, 2), peak))
            self.last = sound
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped += 1

    def wait_played(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.played) >= count, timeout)
