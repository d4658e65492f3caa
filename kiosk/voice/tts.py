# SPDX-License-Identifier: Apache-2.0
"""Prompts as sound: the hall's recorded prompt pack first, else offline speech by espeak-ng.

``Voice.prompt(key, text)`` gives a WAV for a fixed prompt: ``PACK/key.wav`` when the hall's
pack has it (recorded by a person, replaceable by the admin), else ``text`` rendered by Debian's
``espeak-ng`` with its Mandarin voice (``cmn``) and kept, so a prompt is rendered once: in files
in the kiosk's cache folder (``store``; the kiosk's wiring gives one), else in memory. A subject
said with a prompt (an item's name, an outcome: keys ``…:subject``) is kept in memory only. Kept in
memory, the fixed prompts in both languages were 12 MB of the kiosk's resident size all day
(issue 18, docs/memory.md: eighth round); a file is read back when the prompt plays.
No cloud service. Nothing here may speak citizen data: :func:`check_public` refuses text that
looks like an ID number or a phone number, whoever asks.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from pathlib import Path

MAX_TEXT = 300
MAX_CACHED_PROMPTS = 64          # rendered WAVs kept (a 5 s prompt is ~220 kB): the fixed prompts in
                                 # both languages (2 × 24) and the last items' names
log = logging.getLogger(__name__)
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
    def __init__(self, pack: str | Path | None = None, speed: int = 150, engine: str = "espeak-ng",
                 store: str | Path | None = None):
        self.pack = Path(pack) if pack else None
        self.speed = speed
        self.engine = engine
        # rendered prompts, the most recently used kept: a bound, not a day's worth (docs/memory.md);
        # each a file in the store (its path here) or, without one, the WAV itself
        self._cache: OrderedDict[tuple[str, str], bytes | Path] = OrderedDict()
        self._lock = threading.Lock()
        self.store = _made(Path(store)) if store else None

    def _file(self, text: str, lang: str) -> Path:
        """The store's file for ``text`` as this engine renders it (named by a hash of all that:
        renders from an earlier run are found again, another voice or speed is not taken)."""
        assert self.store is not None
        name = hashlib.sha256(f"{self.engine}\0{lang}\0{self.speed}\0{text}".encode()).hexdigest()[:32]
        return self.store / f"{name}.wav"

    def _kept(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            kept = self._cache.get(key)
            if kept is not None:
                self._cache.move_to_end(key)
        if isinstance(kept, Path):
            try:
                return kept.read_bytes()
            except OSError:                      # removed meanwhile (another kiosk's bound): again
                return None
        return kept

    def _stored(self, key: str) -> bool:
        """Only the fixed prompts go to the store. A subject (``key:subject``: an item's name, a
        print's outcome) says what a citizen did: it stays in memory, never on the disk."""
        return self.store is not None and ":" not in key

    def _keep(self, key: tuple[str, str], wav: bytes, lang: str) -> None:
        kept: bytes | Path = wav
        if self._stored(key[0]):
            path = self._file(key[1], lang)
            try:
                tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_bytes(wav)
                os.replace(tmp, path)            # whole or not at all, for a reader in another process
                kept = path
            except OSError as exc:
                log.warning("voice: a rendered prompt is kept in memory (%s)", exc.strerror)
        with self._lock:
            self._cache[key] = kept
            while len(self._cache) > MAX_CACHED_PROMPTS:
                _, old = self._cache.popitem(last=False)
                if isinstance(old, Path) and old not in self._cache.values():
                    old.unlink(missing_ok=True)

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
        cached = self._kept((key, text))
        if cached is not None:
            return cached
        if self._stored(key):                    # rendered by an earlier run
            try:
                wav = self._file(check_public(text), lang).read_bytes()
            except OSError:
                pass
            else:
                self._keep((key, text), wav, lang)
                return wav
        wav = self.render(text, lang)
        self._keep((key, text), wav, lang)
        return wav


def _made(folder: Path) -> Path | None:
    """``folder``, made if need be and pruned to the newest MAX_CACHED_PROMPTS renders (earlier runs'
    prompts stay usable, old texts do not pile up); None when it cannot be made (kept in memory)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files = sorted(folder.glob("*.wav"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[MAX_CACHED_PROMPTS:] + list(folder.glob("*.tmp")):
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("voice: rendered prompts are kept in memory: %s cannot be used (%s)", folder, exc.strerror)
        return None
    return folder
