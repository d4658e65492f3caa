# SPDX-License-Identifier: Apache-2.0
"""The 问一问 index, cached on disk: a 20,000-entry knowledge base is tokenised (characters,
pairs, pinyin pairs) and indexed once, about 2-3 s; the next start loads bm25s's arrays in a
few milliseconds.

The cache is a folder ``ask-<FORMAT>-<key>`` under the catalogue's cache folder; the key is a
sha256 over every document's text (FAQ questions, variants, item names and keywords), the
synonym table and the versions of bm25s and pypinyin, so a changed knowledge base, table or
library is a new cache. A missing, damaged or mismatched cache is rebuilt; one that cannot be
written costs only the rebuild next time (logged).
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, Sequence

from .ask import AskIndex
from .faq import KnowledgeBase

log = logging.getLogger(__name__)
FORMAT = 1                  # bump when the tokens' meaning changes (kiosk/consult/ask.py tokens())


def cache_key(kb: KnowledgeBase | None, items: Sequence, synonyms: Iterable[Sequence[str]]) -> str:
    h = hashlib.sha256(f"{FORMAT}|{version('bm25s')}|{version('pypinyin')}".encode())
    for f in (kb.entries if kb else ()):
        h.update("\x1e".join(("f", f.id, f.question, *f.variants, f.name_en)).encode())
    for i in items:
        h.update("\x1e".join(("i", i.id, i.name, *getattr(i, "keywords", ()), getattr(i, "name_en", ""))).encode())
    for group in synonyms:
        h.update("\x1e".join(("s", *group)).encode())
    return h.hexdigest()


def load_ask(kb: KnowledgeBase | None, items: Iterable, synonyms: Iterable[Sequence[str]],
             cache_dir: str | Path | None) -> AskIndex:
    """The ask index for these documents: from the cache when it holds them, else built (and
    cached when ``cache_dir`` is given)."""
    import bm25s

    items, synonyms = list(items), [tuple(g) for g in synonyms]
    if not cache_dir:
        return AskIndex(kb, items, synonyms)
    cache_dir = Path(cache_dir)
    path = cache_dir / f"ask-{FORMAT}-{cache_key(kb, items, synonyms)[:32]}"
    expected = (len(kb.entries) if kb else 0) + len(items)
    if path.is_dir():
        try:
            bm25 = bm25s.BM25.load(str(path), show_progress=False)
            if int(bm25.scores["num_docs"]) == max(expected, 1):
                return AskIndex(kb, items, synonyms, bm25=bm25)
            log.warning("ask cache %s holds %s documents, not %d: rebuilt", path.name,
                        bm25.scores["num_docs"], expected)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ask cache %s unreadable (%s): rebuilt", path.name, type(exc).__name__)
        shutil.rmtree(path, ignore_errors=True)
    index = AskIndex(kb, items, synonyms)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(dir=cache_dir, prefix=".ask-")
        try:
            index._bm25.save(tmp, show_progress=False)
            os.replace(tmp, path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        log.warning("ask cache not written to %s: %s", cache_dir, exc.strerror or exc)
    return index
