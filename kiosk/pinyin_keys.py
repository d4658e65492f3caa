# SPDX-License-Identifier: Apache-2.0
"""Pinyin keys for item names, computed once per catalogue and cached.

pypinyin's phrase-aware ``lazy_pinyin`` reads heteronyms right (银行 yin hang,
重庆 chong qing, 会计 kuai ji), which a per-character table does not. It costs
about 0.2 ms per name, so the keys are cached on disk under the catalogue's
sha256: a 100,000-item catalogue loads its keys in well under a second.
A key is one syllable per character of the name (non-Chinese characters stand
for themselves, lower-cased), joined by ``SEP``.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Sequence

log = logging.getLogger(__name__)

SEP = "\x1f"            # never inside a name: the catalogue rejects control characters
FORMAT = 1              # bump when the key format changes


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


def _pypinyin_version() -> str:
    from importlib.metadata import version
    return version("pypinyin")


def load_keys(names: Sequence[str], digest: str, cache_dir: str | Path | None = None) -> list[str]:
    """Keys for ``names``, from the cache when the catalogue is unchanged.

    A missing, stale or unreadable cache is rebuilt; a cache that cannot be
    written only costs the rebuild next time (logged, not raised).
    """
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    tag = f"{FORMAT}-{_pypinyin_version()}-{digest[:24]}"
    path = cache_dir / f"pinyin-{tag}.json"
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("tag") == tag and len(data.get("keys", ())) == len(names):
            return data["keys"]
    except (OSError, ValueError, AttributeError):
        pass
    keys = build_keys(names)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".pinyin-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"tag": tag, "keys": keys}, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("pinyin cache not written to %s: %s", cache_dir, exc.strerror)
    return keys
