# SPDX-License-Identifier: Apache-2.0
"""The search index's arrays, cached on disk under the catalogue's sha256.

Building pinyin keys costs about 0.2 ms per name or keyword (20 s for 100,000 names), and
word ends (jieba, :mod:`kiosk.words`) a little more, so the token arrays and
the word ends are saved once as ``.npz`` and loaded with numpy next time,
without importing pypinyin or jieba (a miss builds them in child processes, so neither library
ever loads in the kiosk's). Popularity is not cached: it is read from the items (the sha256 covers the whole file, so a changed popularity column is
a new cache anyway). A missing, stale or unreadable cache is rebuilt;
a cache that cannot be written costs only the rebuild next start (logged).
"""
from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Sequence

import numpy as np

from . import pinyin_keys, words
from .catalogue import Item
from .search import SearchIndex, flat_ends, search_texts, tokenize

log = logging.getLogger(__name__)
FORMAT = 5                  # bump when the arrays' meaning changes (3: names, then keywords; 4: word ends;
                            # 5: bracketed parts)


def _path(digest: str, cache_dir: Path) -> Path:
    return cache_dir / f"search-{FORMAT}-{version('pypinyin')}-{digest[:24]}.npz"


def load_index(items: Sequence[Item], digest: str, cache_dir: str | Path | None = None) -> SearchIndex:
    cache_dir = Path(cache_dir) if cache_dir else pinyin_keys.default_cache_dir()
    path = _path(digest, cache_dir)
    try:
        with np.load(path, allow_pickle=False) as data:
            return SearchIndex(items, data["flat"], data["lengths"], data["table"].tolist(), data["ends"],
                               (data["skip_from"], data["skip_to"]))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        pass                                  # missing, damaged, or not these items' rows
    texts = search_texts(items)
    flat, lengths, table = tokenize(texts, pinyin_keys.build_keys(texts))
    ends = flat_ends(words.build_ends_apart(texts, cache_dir), lengths)   # jieba in a child process
    index = SearchIndex(items, flat, lengths, table, ends)
    skip_from, skip_to = index.bracket_skips
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".search-", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, flat=flat, lengths=lengths, table=np.array(table), ends=ends,
                     skip_from=skip_from, skip_to=skip_to)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("search cache not written to %s: %s", cache_dir, exc.strerror)
    return index
