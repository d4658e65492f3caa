# SPDX-License-Identifier: Apache-2.0
"""``alsa://default`` (or ``alsa://hw:0,0``): prompts through ALSA's ``aplay`` (Debian alsa-utils).

One ``aplay`` process per prompt, fed the WAV on its standard input; a new prompt or ``stop()``
ends the one before. No sound card (``/proc/asound/cards`` lists none) is ABSENT with
AUD_NO_DEVICE: the kiosk runs silent and ``ehall-kiosk devices`` says so.
"""
from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from drivers.base import DeviceError, DeviceState, DeviceUri

from .errors import AUD_NO_DEVICE, AUD_NO_PLAYER, AUD_PLAY_FAILED
from .interface import AudioOutput, Sound, write_wav

CARDS = Path("/proc/asound/cards")


class AlsaAudio(AudioOutput):
    def __init__(self, name: str, uri: DeviceUri, cards: Path = CARDS):
        super().__init__(name)
        self.pcm = uri.netloc or uri.path.lstrip("/") or "default"
        self._cards = cards
        self._proc: subprocess.Popen | None = None
        self._play_lock = threading.Lock()

    def open(self) -> None:
        if shutil.which("aplay") is None:
            self._set_state(DeviceState.FAULT, DeviceError(AUD_NO_PLAYER, "aplay not on PATH"))
            return
        text = self._cards.read_text(encoding="utf-8", errors="replace") if self._cards.exists() else ""
        if not text.strip() or "no soundcards" in text:
            self._set_state(DeviceState.ABSENT, DeviceError(AUD_NO_DEVICE, str(self._cards)))
            return
        self._set_state(DeviceState.READY)

    def _play(self, sound: Sound, key: str) -> None:
        if self.state is not DeviceState.READY:
            return
        data = write_wav(sound)
        with self._play_lock:
            self._end()
            try:
                self._proc = subprocess.Popen(["aplay", "-q", "-D", self.pcm, "-"], stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError as exc:
                self._set_state(DeviceState.FAULT, DeviceError(AUD_PLAY_FAILED, str(exc)[:80]))
                return
            proc = self._proc
        threading.Thread(target=self._feed, args=(proc, data), name="audio-feed", daemon=True).start()

    @staticmethod
    def _feed(proc: subprocess.Popen, data: bytes) -> None:
        try:
            proc.communicate(data, timeout=120)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()

    def _end(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        self._proc = None

    def stop(self) -> None:
        with self._play_lock:
            self._end()

    def close(self) -> None:
        self.stop()
