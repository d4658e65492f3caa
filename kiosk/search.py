# SPDX-License-Identifier: Apache-2.0
"""Search the catalogue by Chinese characters, full pinyin and initials.

What matches: the query, read left to right, is a series of pieces; each piece
is a name character itself, or the start of that character's syllable, and
the pieces fall on characters of the name in order, gaps allowed. So
``spjyxk``, ``shipinjingying``, ``shipjy``, ``食品经营`` and ``社保卡``
(社会保障卡) all match, and a half-typed last syllable does too.

How it is fast: each name is a row of token ids (one token per distinct
character+syllable pair). For a query we build, per token, the set of query
positions from which that token can consume k characters (a bitmask), and
run the automaton over all rows at once with numpy: one column of tokens per
step. Results of earlier keystrokes narrow later ones (typing only ever
removes matches). Ranking: prefix match, then contiguous, then other; within
a tier, the match that completes earliest in the name; then shorter names;
then catalogue order.
"""
from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .catalogue import Item
from .pinyin_keys import SEP

MAX_QUERY = 32                      # characters kept of a query: masks are 64-bit
VECTOR_COLUMNS = 40                 # name characters run in numpy; the rare longer tail in ints
_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff\U00020000-\U0002ffff]")
_ONE = np.uint64(1)


def normalize(query: str) -> str:
    """What the engine matches: lower-case Latin, digits and Chinese characters."""
    q = unicodedata.normalize("NFKC", query or "").lower().replace("ü", "v")
    return _KEEP.sub("", q)[:MAX_QUERY]


@dataclass(frozen=True)
class Hit:
    item: Item
    matched: tuple[int, ...]        # indexes of the name's characters that matched

    def spans(self) -> list[tuple[str, bool]]:
        """The name cut into (text, matched) runs, for highlighting."""
        out: list[tuple[str, bool]] = []
        hit = set(self.matched)
        for i, ch in enumerate(self.item.name):
            on = i in hit
            if out and out[-1][1] == on:
                out[-1] = (out[-1][0] + ch, on)
            else:
                out.append((ch, on))
        return out


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]


class SearchIndex:
    """Built once per catalogue; :meth:`search` is called on every keystroke."""

    def __init__(self, items: Sequence[Item], keys: Sequence[str]):
        if len(items) != len(keys):
            raise ValueError("one pinyin key per item is needed")
        self.items = list(items)
        units = [k.split(SEP) if k else [] for k in keys]
        token_of: dict[tuple[str, str], int] = {("", ""): 0}     # 0 pads short rows
        rows: list[list[int]] = []
        for item, syls in zip(self.items, units):
            rows.append([token_of.setdefault((ch, syl), len(token_of))
                         for ch, syl in zip(item.name, syls)])
        lengths = np.array([len(r) for r in rows], dtype=np.int32)
        self._order = np.argsort(-lengths, kind="stable")       # rows sorted longest first
        self._neg_len = -lengths[self._order]
        width = int(lengths.max(initial=1))
        self._tokens = np.zeros((len(rows), width), dtype=np.int32)
        for r, idx in enumerate(self._order):
            row = rows[idx]
            self._tokens[r, :len(row)] = row
        self._n_tokens = len(token_of)
        self._syllables = {tid: syl for (ch, syl), tid in token_of.items()}
        prefixes: dict[str, list[int]] = {}
        chars: dict[str, list[int]] = {}
        for (ch, syl), tid in token_of.items():
            if tid == 0:
                continue
            chars.setdefault(ch, []).append(tid)
            for k in range(1, len(syl) + 1):
                prefixes.setdefault(syl[:k], []).append(tid)
        self._prefix = {p: np.array(v, dtype=np.intp) for p, v in prefixes.items()}
        self._char = {c: np.array(v, dtype=np.intp) for c, v in chars.items()}
        self._max_k = max((len(s) for s in self._syllables.values()), default=1)
        self._row_of = np.argsort(self._order)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self.items)

    # -- the automaton -----------------------------------------------------
    def _steps(self, q: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Per token and piece length k: the query positions it consumes k chars from.

        Returns (table[n_tokens, nk] of bitmasks, shifts[nk]) or None when no
        token can consume anything (nothing can match).
        """
        table = np.zeros((self._n_tokens, self._max_k), dtype=np.uint64)
        for i in range(len(q)):
            bit = np.uint64(1 << i)
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
        return np.ascontiguousarray(table[:, used]), (used + 1).astype(np.uint64)

    def _columns(self, rows: np.ndarray) -> np.ndarray:
        """How many of ``rows`` (sorted longest first) reach each vector column."""
        width = min(self._tokens.shape[1], VECTOR_COLUMNS)
        counts = np.searchsorted(self._neg_len[rows], -np.arange(width), side="left")
        return counts[counts > 0]

    def _tail(self, row: int, steps, masks: list[int], n: int) -> list[int]:
        """Runs the automata on the columns past VECTOR_COLUMNS of one long row.

        Few names are that long; plain ints beat numpy's per-call cost here.
        Returns the column where each automaton completed (-1: not in the tail).
        """
        table, shifts = steps
        toks = self._tokens[row, VECTOR_COLUMNS:-self._neg_len[row]]
        bits = table[toks].tolist()
        ks = [int(k) for k in shifts]
        full, done = 1 << n, [-1] * len(masks)
        for offset, row_bits in enumerate(bits):
            old = list(masks)
            for a, m in enumerate(old):
                inc = 0
                for k, b in zip(ks, row_bits):
                    inc |= (m & b) << k
                masks[a] = inc | (m if a == 0 else 1 if a == 1 else 0)
                if done[a] < 0 and masks[a] & full:
                    done[a] = VECTOR_COLUMNS + offset
        return done

    def _advance(self, masks: np.ndarray, tok: np.ndarray, steps) -> np.ndarray:
        table, shifts = steps
        bits = table[tok]                                   # (rows, nk)
        return np.bitwise_or.reduce((masks[..., None] & bits) << shifts, axis=-1)

    def _match(self, rows: np.ndarray, steps, n: int) -> np.ndarray:
        """The subset of sorted ``rows`` whose name matches (gaps allowed)."""
        mask = np.ones(len(rows), dtype=np.uint64)
        for j, cnt in enumerate(self._columns(rows)):
            m = mask[:cnt]
            m |= self._advance(m, self._tokens[rows[:cnt], j], steps)
        ok = (mask >> np.uint64(n)) & _ONE == _ONE
        for r in np.flatnonzero(~ok & (self._neg_len[rows] < -VECTOR_COLUMNS)):
            ok[r] = self._tail(rows[r], steps, [int(mask[r])], n)[0] >= 0
        return rows[ok]

    def _rank_keys(self, rows: np.ndarray, steps, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(tier, done) per matching row: one pass runs three automata side by side.

        Automaton 0 allows gaps, 1 allows none after the first piece (a fresh
        start is always possible), 2 must start at the first character.
        ``done`` is the column where the gap-allowing match completed.
        """
        masks = np.ones((3, len(rows)), dtype=np.uint64)
        done = np.full((3, len(rows)), -1, dtype=np.int32)
        full = _ONE << np.uint64(n)
        for j, cnt in enumerate(self._columns(rows)):
            m = masks[:, :cnt]
            inc = self._advance(m, self._tokens[rows[:cnt], j], steps)
            inc[0] |= m[0]
            inc[1] |= _ONE
            masks[:, :cnt] = inc
            d = done[:, :cnt]
            d[((inc & full) != 0) & (d < 0)] = j
        for r in np.flatnonzero(self._neg_len[rows] < -VECTOR_COLUMNS):
            if (done[:, r] < 0).any():
                tail = self._tail(rows[r], steps, [int(x) for x in masks[:, r]], n)
                for a in range(3):
                    if done[a, r] < 0:
                        done[a, r] = tail[a]
        tier = np.where(done[2] >= 0, 0, np.where(done[1] >= 0, 1, 2))
        return tier, done[0]

    def _matches(self, q: str, steps) -> np.ndarray:
        """Sorted row numbers that match ``q``, narrowed by a cached prefix of it."""
        found = self._cache.get(q)
        if found is not None:
            self._cache.move_to_end(q)
            return found
        rows = None
        for cut in range(len(q) - 1, 0, -1):
            rows = self._cache.get(q[:cut])
            if rows is not None:
                break
        if rows is None:
            rows = np.arange(len(self.items), dtype=np.intp)
        found = self._match(rows, steps, len(q))
        self._cache[q] = found
        while len(self._cache) > 256:
            self._cache.popitem(last=False)
        return found

    # -- public ------------------------------------------------------------
    def search(self, query: str, limit: int | None = 50) -> Results:
        """Ranked matches for what the citizen typed; ``limit`` None: all."""
        q = normalize(query)
        if not q:
            return Results(q, 0, [])
        steps = self._steps(q)
        if steps is None:
            return Results(q, 0, [])
        rows = self._matches(q, steps)
        tier, done = self._rank_keys(rows, steps, len(q))
        original = self._order[rows]
        length = -self._neg_len[rows]
        ranked = original[np.lexsort((original, length, done, tier))]
        shown = ranked if limit is None else ranked[:limit]
        hits = [Hit(self.items[i], self._highlight(i, q, steps)) for i in shown]
        return Results(q, len(rows), hits)

    def _highlight(self, index: int, q: str, steps) -> tuple[int, ...]:
        """The name's characters the query fell on, for highlighting.

        Two assignments are tried, the earliest and the latest; the one in
        fewer runs reads better (食品…[经营许可] rather than 食品…保[健]…).
        """
        row = self._row_of[index]
        length = -self._neg_len[row]
        table, shifts = steps
        bits = table[self._tokens[row, :length]].tolist()
        ks = [int(k) for k in shifts]
        n = len(q)
        reach_back = [0] * (length + 1)                 # positions from which q[i:] can finish
        reach_back[length] = 1 << n
        for j in range(length - 1, -1, -1):
            after = reach_back[j + 1]
            reach_back[j] = after | _fold(bits[j], ks, lambda b, k: b & (after >> k))
        reach = [1] * (length + 1)                      # positions reachable before unit j
        for j in range(length):
            before = reach[j]
            reach[j + 1] = before | _fold(bits[j], ks, lambda b, k: (before & b) << k)
        early, i = [], 0
        for j in range(length):
            if i == n:
                break
            for k, b in sorted(zip(ks, bits[j]), reverse=True):
                if b >> i & 1 and reach_back[j + 1] >> (i + k) & 1:
                    early.append(j)
                    i += k
                    break
        late, t = [], n
        for j in range(length - 1, -1, -1):
            if t == 0:
                break
            for k, b in sorted(zip(ks, bits[j]), reverse=True):
                if k <= t and b >> (t - k) & 1 and reach[j] >> (t - k) & 1:
                    late.append(j)
                    t -= k
                    break
        late.reverse()
        return tuple(late if _runs(late) < _runs(early) else early)


def _fold(row_bits: list[int], ks: list[int], f) -> int:
    out = 0
    for k, b in zip(ks, row_bits):
        if b:
            out |= f(b, k)
    return out


def _runs(units: list[int]) -> int:
    return sum(1 for a, b in zip([-2] + units, units) if b != a + 1)
