# SPDX-License-Identifier: Apache-2.0
"""Word boundaries of names, so a whole-word match (护照 for hz) ranks first.

jieba's dictionary segmenter (HMM off, so nothing is guessed) in search mode:
a long word also yields the dictionary words inside it (居民身份证 → 居民,
身份, 身份证), and every start or end of any of them is a boundary. So 身份证
and 居民身份证 both count as whole words. Runs of single characters stay
single-character words; a query that covers several words in a row is a
whole-word match too (红字 for hz: 红 and 字 are two words to jieba).

Like the pinyin keys this runs only when the index cache misses
(:mod:`kiosk.index_cache` keeps the result), and like them in a child process
(:func:`build_ends_apart`, ``python -m kiosk.words``): jieba's dictionary is about 80 MB while
loaded, and its module's tables stay after (issue 18).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Sequence

from . import child_call

_lock = threading.Lock()
_ready = False


def _jieba(cache_dir: str | Path | None = None):
    """jieba, its dictionary loaded once (its own cache file goes to ``cache_dir``)."""
    global _ready
    import jieba  # 0.6 s to load its dictionary: only when the cache misses

    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            from .pinyin_keys import default_cache_dir

            cache = Path(cache_dir) if cache_dir else default_cache_dir()
            try:
                cache.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache)
            except OSError:
                pass                          # jieba then uses the system temp dir
            jieba.initialize()
            _ready = True
    return jieba


def word_ends(text: str, cache_dir: str | Path | None = None) -> list[bool]:
    """Per character of ``text``: True when a word ends there (the last one always does)."""
    if not text:
        return []
    cuts = {len(text)}
    for _word, start, end in _jieba(cache_dir).tokenize(text, mode="search", HMM=False):
        cuts.add(start)
        cuts.add(end)
    return [(i + 1) in cuts for i in range(len(text))]


def build_ends(texts: Sequence[str], cache_dir: str | Path | None = None) -> list[list[bool]]:
    return [word_ends(t, cache_dir) for t in texts]


def build_ends_apart(texts: Sequence[str], cache_dir: str | Path | None = None) -> list[list[bool]]:
    """:func:`build_ends` in a child process, so jieba never loads in the kiosk's."""
    if not texts:
        return []
    request = {"op": "ends", "texts": list(texts), "cache_dir": str(cache_dir) if cache_dir else None}
    answer = child_call.ask(__name__, request, _serve_here)
    return [[c == "1" for c in ends] for ends in answer["ends"]]


def _serve(request: dict) -> dict:
    if request.get("op") != "ends":
        raise ValueError(f"unknown op {request.get('op')!r}")
    ends = build_ends(request["texts"], request.get("cache_dir"))
    return {"ends": ["".join("1" if end else "0" for end in text) for text in ends]}


def _serve_here(request: dict) -> dict:
    """The child could not run: the same answer here, and jieba's dictionary dropped after."""
    try:
        return _serve(request)
    finally:
        release()


def release() -> None:
    """Drops jieba's dictionary (about 80 MB) once the index is built; loaded again on need."""
    global _ready
    import sys

    jieba = sys.modules.get("jieba")
    with _lock:
        if jieba is not None and _ready:
            jieba.dt.FREQ = {}
            jieba.dt.total = 0
            jieba.dt.initialized = False
            _ready = False


if __name__ == "__main__":
    child_call.serve(_serve)
