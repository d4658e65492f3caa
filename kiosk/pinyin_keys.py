# SPDX-License-Identifier: Apache-2.0
"""Pinyin keys for item names, and the one syllable of a character.

pypinyin's phrase-aware ``lazy_pinyin`` reads heteronyms right (银行 yin hang,
重庆 chong qing, 会计 kuai ji), which a per-character table does not. It costs
about 0.2 ms per name, so :mod:`kiosk.index_cache` keeps the result on disk.
A key is one syllable per character of the name (non-Chinese characters stand
for themselves, lower-cased), joined by ``SEP``.

Importing pypinyin loads its phrase tables, about 55 MB of Python objects that the
kiosk would then hold all day (issue 18). So the kiosk asks a child process
(``python -m kiosk.pinyin_keys``) for what needs them: the keys of many names at
once (:func:`build_keys`, when the search cache misses), the A–Z sort keys
(:func:`sort_keys`) and the table of every character's first syllable
(:func:`syllable`, kept in the cache folder as two small arrays). :func:`name_key`
still works in-process, for tools and tests.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Sequence

import numpy as np

from . import child_call

log = logging.getLogger(__name__)

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


def _sort_key(text: str) -> str:
    from pypinyin import lazy_pinyin

    # pypinyin takes an `errors` callable that returns a list (its stub says str)
    return "".join(lazy_pinyin(text, errors=lambda chunk: list(chunk))).lower()  # type: ignore[arg-type]


def _char_table() -> dict[str, list]:
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    points: list[int] = []
    which: list[int] = []
    names, index = [""], {"": 0}
    for cp in sorted(pinyin_dict):
        got = lazy_pinyin(chr(cp), style=Style.NORMAL, errors="ignore")
        if got and got[0]:
            if got[0] not in index:
                index[got[0]] = len(names)
                names.append(got[0])
            points.append(cp)
            which.append(index[got[0]])
    return {"points": points, "which": which, "names": names}


def _serve(request: dict) -> dict:
    op, texts = request["op"], request.get("texts", [])
    if op == "keys":
        return {"keys": [name_key(n) for n in texts]}
    if op == "sort":
        return {"sort": [_sort_key(t) for t in texts]}
    if op == "chars":
        return _char_table()
    raise ValueError(f"unknown op {op!r}")


def _child(op: str, texts: Sequence[str] = ()) -> dict:
    """One request to a fresh child process; in this process if the child cannot run (logged)."""
    return child_call.ask(__name__, {"op": op, "texts": list(texts)}, _serve)


def build_keys(names: Sequence[str]) -> list[str]:
    """The keys of many names, from a child process."""
    return _child("keys", names)["keys"] if names else []


def sort_keys(texts: Sequence[str]) -> list[str]:
    """Each text's pinyin, joined and lower-cased (the A–Z order of department names)."""
    return _child("sort", texts)["sort"] if texts else []


class _Syllables:
    """Character → its first syllable (NORMAL style), from arrays of about 0.2 MB."""

    def __init__(self):
        self._lock = threading.Lock()
        self._points: np.ndarray | None = None
        self._which: np.ndarray | None = None
        self._names: list[str] = []

    def _load(self) -> None:
        path = default_cache_dir() / f"pinyin-chars-1-{version('pypinyin')}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                points, which, names = data["points"], data["which"], str(data["names"]).split(" ")
            if len(points) != len(which) or int(which.max(initial=0)) >= len(names) + 1:
                raise ValueError("inconsistent")
            names = [""] + names
        except (OSError, ValueError, KeyError):
            table = _child("chars")
            points = np.array(table["points"], dtype=np.int32)
            which = np.array(table["which"], dtype=np.uint16)
            names = table["names"]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pinyin-chars-", suffix=".npz")
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, points=points, which=which, names=np.array(" ".join(names[1:])))
                os.replace(tmp, path)
            except OSError as exc:
                log.warning("pinyin character table not cached in %s: %s", path.parent, exc.strerror)
        self._points, self._which, self._names = points, which, names

    def __call__(self, char: str) -> str:
        if len(char) != 1:
            return ""
        with self._lock:
            if self._points is None:
                self._load()
        assert self._points is not None and self._which is not None
        cp = ord(char)
        at = int(np.searchsorted(self._points, cp))
        if at < len(self._points) and self._points[at] == cp:
            return self._names[int(self._which[at])]
        return ""


syllable = _Syllables()
"""``syllable("行")`` → ``"xing"``: the character's first syllable, "" when it has none."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ehall-kiosk"


if __name__ == "__main__":
    child_call.serve(_serve)
