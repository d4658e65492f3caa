# SPDX-License-Identifier: Apache-2.0
"""Prompts as sound: the hall's recorded prompt pack first, else offline speech by espeak-ng.

``Voice.prompt(key, text)`` gives a WAV for a fixed prompt: ``PACK/key.wav`` when the hall's
pack has it (recorded by a person, replaceable by the admin), else ``text`` rendered by Debian's
``espeak-ng`` with its Mandarin voice (``cmn``) and kept in memory, so a prompt is rendered once.
No cloud service. Nothing here may speak citizen data: :func:`check_public` refuses text that
looks like an ID number or a phone number, whoever asks.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from pathlib import Path

MAX_TEXT = 300
MAX_CACHED_PROMPTS = 48          # rendered WAVs kept (a 5 s prompt is ~220 kB: ≤ ~10 MB)
_PRIVATE = re.compile(r"\d{6,}|[0-9]{3}[*＊]{2,}|[\u4e00-\u9fff][*＊]+[\u4e00-\u9fff]?")
VOICES = {"zh": "cmn", "en": "en-us"}


class VoiceError(Exception):
    """The prompt cannot be rendered (no engine, refused text)."""


def check_public(text: str) -> str:
    """``text`` if it may be spoken; VoiceError when it looks like a number or a masked name."""
    if _PRIVATE.search(text):
        raise VoiceError("refused: the text looks like citizen data (a long number or a masked name)")
    return text[:MAX_TEXT]


class Voice:
    def __init__(self, pack: str | Path | None = None, speed: int = 150, engine: str = "espeak-ng"):
        self.pack = Path(pack) if pack else None
        self.speed = speed
        self.engine = engine
        # rendered prompts, the most recently used kept: a bound, not a day's worth (docs/memory.md)
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def available(self) -> bool:
        return shutil.which(self.engine) is not None

    def render(self, text: str, lang: str = "zh") -> bytes:
        """``text`` spoken as a mono 16-bit WAV. Raises VoiceError."""
        text = check_public(text)
        if not self.available():
            raise VoiceError(f"{self.engine} is not installed (Debian package espeak-ng)")
        try:
            out = subprocess.run([self.engine, "-v", VOICES.get(lang, "cmn"), "-s", str(self.speed), "--stdout"],
                                 input=text.encode("utf-8"), capture_output=True, timeout=20, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceError(f"{self.engine} failed: {type(exc).__name__}") from None
        return out.stdout

    def prompt(self, key: str, text: str, lang: str = "zh") -> bytes:
        """The hall's recording of ``key`` when its pack has one, else ``text`` rendered (cached)."""
        if self.pack is not None and re.fullmatch(r"[a-z0-9_.-]{1,60}", key):
            for name in (f"{key}.{lang}.wav", f"{key}.wav") if lang != "zh" else (f"{key}.wav",):
                recorded = self.pack / name
                if recorded.is_file() and recorded.stat().st_size < 10_000_000:
                    return recorded.read_bytes()
        with self._lock:
            cached = self._cache.get((key, text))
            if cached is not None:
                self._cache.move_to_end((key, text))
        if cached is not None:
            return cached
        wav = self.render(text, lang)
        with self._lock:
            self._cache[(key, text)] = wav
            while len(self._cache) > MAX_CACHED_PROMPTS:
                self._cache.popitem(last=False)
        return wav
