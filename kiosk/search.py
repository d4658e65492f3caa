# SPDX-License-Identifier: Apache-2.0
"""Search the catalogue by Chinese characters, full pinyin and initials.

What matches: the query, read left to right, is a series of pieces; each piece
is a name character itself, or the start of that character's syllable, and
the pieces fall on characters of the name in order, gaps allowed. So
``spjyxk``, ``shipinjingying``, ``shipjy``, ``食品经营`` and ``社保卡``
(社会保障卡) all match, and a half-typed last syllable does too.

How it is fast: each name is a row of token ids (one token per distinct
character+syllable pair). Which names match comes from postings: for each
query piece, the (row, column) places of the tokens that take it, walked
once per query position (:mod:`kiosk.search_reach`), so the cost follows how
common the pieces are, not how many names there are; each keystroke only
adds the pieces that end on the new key. Ranking in tiers: the query covers
whole words with no gaps (word ends from :mod:`kiosk.words`; found from the
same postings); the name starts with the query; the query starts at the
name's first character, with gaps; contiguous elsewhere; the rest. The
middle three tiers run as automata over the matching rows with numpy (per
token, a bitmask of the query positions it consumes k characters from; one
column of tokens per step). Within a tier, the more popular item (the
catalogue's ``popularity``); then the match that completes earliest in the
name; then shorter names; then catalogue order.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .catalogue import Item
from .pinyin_keys import SEP
from .search_rank import Tiers
from .search_reach import UNSET, Lru, Postings, Reach

CACHED_ROWS = 1_000_000             # rows of recent answers kept (12 bytes each)
MAX_QUERY = 31                      # characters kept of a query: masks are 32-bit
_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff\U00020000-\U0002ffff]")


def normalize(query: str) -> str:
    """What the engine matches: lower-case Latin, digits and Chinese characters."""
    q = unicodedata.normalize("NFKC", query or "").lower().replace("ü", "v")
    return _KEEP.sub("", q)[:MAX_QUERY]


@dataclass(frozen=True)
class Hit:
    item: Item
    matched: tuple[int, ...]        # indexes of the name's characters that matched
    via: str = ""                   # the keyword (俗称) that matched when the name did not
    via_matched: tuple[int, ...] = ()   # indexes of the keyword's characters that matched

    def spans(self) -> list[tuple[str, bool]]:
        """The name cut into (text, matched) runs, for highlighting."""
        return _runs(self.item.name, self.matched)

    def via_spans(self) -> list[tuple[str, bool]]:
        """The keyword cut into (text, matched) runs; empty for a name match."""
        return _runs(self.via, self.via_matched)


def _runs(text: str, matched: tuple[int, ...]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    hit = set(matched)
    for i, ch in enumerate(text):
        on = i in hit
        if out and out[-1][1] == on:
            out[-1] = (out[-1][0] + ch, on)
        else:
            out.append((ch, on))
    return out


def search_words(item: Item) -> tuple[str, ...]:
    """An item's rows after its name: its keywords (俗称), then its English name (``name_en``),
    found like a keyword (docs/catalogue.md)."""
    return item.keywords + (item.name_en,) if item.name_en else item.keywords


def search_texts(items: Sequence[Item]) -> list[str]:
    """The texts searched, one per search row: every name, then every item's search words."""
    return [i.name for i in items] + [k for i in items for k in search_words(i)]


def row_owners(items: Sequence[Item]) -> np.ndarray:
    """Per search row (see :func:`search_texts`), the index of its item."""
    counts = np.array([len(search_words(i)) for i in items], dtype=np.int64)
    n = len(items)
    return np.concatenate((np.arange(n), np.repeat(np.arange(n), counts))).astype(np.int32)


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]
    instead: str = ""       # the query found nothing; these are the results of this reading of it


class SearchIndex:
    """Built once per catalogue; :meth:`search` is called on every keystroke.

    What is searched are search rows (:func:`search_texts`): every item's
    name, then each of its keywords; ``row_owners`` maps them to items.
    They are stored as token ids: ``flat`` (all rows' tokens end to end),
    ``lengths`` (tokens per row) and ``table`` (token id → "char" + SEP +
    "syllable"; id 0 is padding). :mod:`kiosk.index_cache` keeps these arrays
    on disk, so a large catalogue loads without pypinyin.
    """

    def __init__(self, items: Sequence[Item], flat: np.ndarray, lengths: np.ndarray,
                 table: Sequence[str], ends: np.ndarray,
                 skips: tuple[np.ndarray, np.ndarray] | None = None):
        self.items = list(items)
        self._owner = row_owners(self.items)
        if (len(self._owner) != len(lengths) or int(lengths.sum()) != len(flat)
                or len(ends) != len(flat)):
            raise ValueError("token arrays do not fit the items and their keywords")
        self._texts = None if len(self._owner) == len(self.items) else search_texts(self.items)
        self._flat = flat.astype(np.int32, copy=False)
        self._offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        popularity = np.array([i.popularity for i in self.items], dtype=np.int64)
        self._tiers = Tiers(self._flat, self._offsets, lengths, self._owner, len(self.items),
                            popularity=popularity)
        self._row_of = self._tiers.row_of                         # rows: longest first
        self._n_tokens = len(table)
        prefixes: dict[str, list[int]] = {}
        chars: dict[str, list[int]] = {}
        self._max_k = 1
        for tid, entry in enumerate(table):
            if tid == 0:
                continue
            ch, syl = entry.split(SEP, 1)
            chars.setdefault(ch, []).append(tid)
            self._max_k = max(self._max_k, len(syl))
            for k in range(1, len(syl) + 1):
                prefixes.setdefault(syl[:k], []).append(tid)
        self._prefix = {p: np.array(v, dtype=np.intp) for p, v in prefixes.items()}
        self._char = {c: np.array(v, dtype=np.intp) for c, v in chars.items()}
        self._cache = Lru(budget=CACHED_ROWS)                     # answers of recent queries
        # one-key queries (a–z, 0–9: at most 36), kept; a single Chinese character goes to the LRU,
        # or a day of different characters would each stay for good (docs/memory.md)
        self._first: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._trail: Reach | None = None                         # the last keystroke's reach
        self._postings = Postings(self._flat, self._offsets, lengths, self._row_of,
                                  self._n_tokens, self._prefix, self._char, ends.astype(bool, copy=False),
                                  table, skips)

    @classmethod
    def from_keys(cls, items: Sequence[Item], keys: Sequence[str],
                  ends: Sequence[Sequence[bool]] | None = None) -> "SearchIndex":
        """``keys``: the pinyin key of each of :func:`search_texts` (names, then keywords);
        ``ends``: per text, where its words end (None: computed, see :mod:`kiosk.words`)."""
        texts = search_texts(items)
        if ends is None:
            from .words import build_ends

            ends = build_ends(texts)
        flat, lengths, table = tokenize(texts, keys)
        return cls(items, flat, lengths, table, flat_ends(ends, lengths))

    @classmethod
    def build(cls, items: Sequence[Item]) -> "SearchIndex":
        """Computes the pinyin keys and word ends (slow: :mod:`kiosk.index_cache` caches them)."""
        from .pinyin_keys import build_keys

        return cls.from_keys(items, build_keys(search_texts(items)))

    def __len__(self) -> int:
        return len(self.items)

    @property
    def bracket_skips(self) -> tuple[np.ndarray, np.ndarray]:
        """Where whole-word runs step over bracketed parts (see :mod:`kiosk.search_reach`)."""
        return self._postings.skips

    # -- the automaton -----------------------------------------------------
    def _steps(self, q: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Per token and piece length k: the query positions it consumes k chars from.

        Returns (table[n_tokens, nk] of bitmasks, shifts[nk]) or None when no
        token can consume anything (nothing can match).
        """
        table = np.zeros((self._n_tokens, self._max_k), dtype=np.uint32)
        for i in range(len(q)):
            bit = np.uint32(1 << i)
            ids = self._char.get(q[i])
            if ids is not None:
                table[ids, 0] |= bit
            for k in range(1, min(self._max_k, len(q) - i) + 1):
                ids = self._prefix.get(q[i:i + k])
                if ids is None:
                    break
                table[ids, k - 1] |= bit
        used = np.flatnonzero(table.any(axis=0))
        if len(used) == 0:
            return None
        return np.ascontiguousarray(table[:, used]), (used + 1).astype(np.uint32)

    def _matches(self, q: str, typing: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(sorted rows that match ``q``, the column where each match completes).

        Narrowed by the cached answer for a prefix of ``q``.

        ``typing``: ``q`` is what the citizen has typed so far; the reach of
        each keystroke is kept so the next one only adds its last character.
        """
        store = self._store(q)
        found = store.get(q)
        if found is not None:
            return found
        rows = None
        for cut in range(len(q) - 1, 0, -1):
            narrower = self._store(q[:cut]).get(q[:cut])
            if narrower is not None:
                rows = narrower[0]
                break
        reach = self._postings.reach(q, rows, self._trail if typing else None)
        if reach.end is None:
            found = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int32))
        else:
            hit = np.flatnonzero(reach.end != UNSET)
            found = (hit, reach.end[hit])
        if typing:
            self._trail = reach
        if store is self._first:
            self._first[q] = found
        else:
            self._cache.put(q, found, len(found[0]))
        return found

    def _store(self, q: str):
        return self._first if len(q) == 1 and q.isascii() else self._cache

    def warm(self, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789", stop=None) -> None:
        """Computes the one-key results ahead (a background thread may call this); ends early once
        the event ``stop`` is set."""
        self._postings.warm()
        for ch in alphabet:
            if stop is not None and stop.is_set():
                return
            if self._steps(ch) is not None:
                self._matches(ch)

    # -- public ------------------------------------------------------------
    def search(self, query: str, limit: int | None = 50) -> Results:
        """Ranked matches for what the citizen typed; ``limit`` None: all."""
        q = normalize(query)
        steps = self._steps(q) if q else None
        if steps is None:
            return Results(q, 0, [])
        rows, done = self._matches(q, typing=True)
        word = self._postings.whole_words(q) if len(rows) else None
        shown = self._tiers.ranked(rows, done, steps, len(q), limit, word)
        return Results(q, self._tiers.count_items(rows), [self._hit(int(e), q, steps) for e in shown])

    def _hit(self, entry: int, q: str, steps) -> Hit:
        item = self.items[self._owner[entry]]
        if entry < len(self.items):
            return Hit(item, self._highlight(entry, q, steps))
        return Hit(item, (), self._texts[entry], self._highlight(entry, q, steps))

    def _highlight(self, index: int, q: str, steps) -> tuple[int, ...]:
        """The row's characters the query fell on, for highlighting.

        Of all the ways the query can fall on the name, the one in the fewest
        runs of adjacent characters reads best; among those, the one that
        starts earliest (食品(含保健食品)经营许可 for spjyxk: [食品]…[经营许可]).
        """
        start, length = self._offsets[index], -self._tiers.neg_len[self._row_of[index]]
        table, shifts = steps
        bits = table[self._flat[start:start + length]].tolist()
        ks = [int(k) for k in shifts]
        n = len(q)
        # best[(i, took_previous)] = (runs, first unit, chosen units); i = query chars consumed
        best: dict[tuple[int, bool], tuple[int, int, tuple[int, ...]]] = {(0, False): (0, 0, ())}
        for j in range(length):
            new: dict[tuple[int, bool], tuple[int, int, tuple[int, ...]]] = {}
            if not any(bits[j]):                      # this character takes nothing: runs break
                for (i, _took), value in best.items():
                    _keep(new, (i, False), value)
                best = new
                continue
            for (i, took), (runs, first, units) in best.items():
                _keep(new, (i, False), (runs, first, units))
                if i == n:
                    continue
                for k, b in zip(ks, bits[j]):
                    if i + k <= n and b >> i & 1:
                        cost = (runs + (0 if took else 1), first if units else j, units + (j,))
                        _keep(new, (i + k, True), cost)
            best = new
        done = [v for (i, _), v in best.items() if i == n]
        return min(done)[2] if done else ()


def _keep(table: dict, key, value) -> None:
    if key not in table or value < table[key]:
        table[key] = value


def flat_ends(ends: Sequence[Sequence[bool]], lengths: np.ndarray) -> np.ndarray:
    """Per-text word ends cut to each text's token count, end to end like the tokens."""
    if len(ends) != len(lengths):
        raise ValueError("one list of word ends per text is needed")
    out = np.zeros(int(lengths.sum()), dtype=bool)
    at = 0
    for flags, n in zip(ends, lengths.tolist()):
        part = list(flags[:n]) + [True] * (n - len(flags))
        if n:
            part[-1] = True                  # a text's last token always ends a word
        out[at:at + n] = part
        at += n
    return out


def tokenize(names: Sequence[str], keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(flat token ids, tokens per text, token table) from texts (names, keywords) and their pinyin keys."""
    if len(names) != len(keys):
        raise ValueError("one pinyin key per name is needed")
    ids: dict[str, int] = {SEP: 0}
    flat: list[int] = []
    lengths = np.zeros(len(names), dtype=np.int32)
    for n, (name, key) in enumerate(zip(names, keys)):
        syls = key.split(SEP) if key else []
        flat.extend(ids.setdefault(ch + SEP + syl, len(ids)) for ch, syl in zip(name, syls))
        lengths[n] = min(len(name), len(syls))
    return np.array(flat, dtype=np.int32), lengths, list(ids)
