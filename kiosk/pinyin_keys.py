# SPDX-License-Identifier: Apache-2.0
"""Pinyin keys for item names.

pypinyin's phrase-aware ``lazy_pinyin`` reads heteronyms right (银行 yin hang,
重庆 chong qing, 会计 kuai ji), which a per-character table does not. It costs
about 0.2 ms per name, so :mod:`kiosk.index_cache` keeps the result on disk.
A key is one syllable per character of the name (non-Chinese characters stand
for themselves, lower-cased), joined by ``SEP``.
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Sequence

SEP = "\x1f"            # never inside a name: the catalogue rejects control characters


def _unit(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("ü", "v") or text


def name_key(name: str) -> str:
    """The key of one name: a syllable for each character."""
    from pypinyin import lazy_pinyin  # 0.4 s to import: only when the cache misses

    syllables = lazy_pinyin(name, errors=lambda chunk: list(chunk))
    if len(syllables) != len(name):  # pypinyin guarantees one entry per character; check it
        syllables = [lazy_pinyin(ch, errors=lambda c: list(c))[0] for ch in name]
    return SEP.join(_unit(s) for s in syllables)


def build_keys(names: Sequence[str]) -> list[str]:
    return [name_key(n) for n in names]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ehall-kiosk"
