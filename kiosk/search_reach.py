# SPDX-License-Identifier: Apache-2.0
"""Which names a query matches, found from postings rather than name by name.

A query matches a name when it cuts into pieces that fall on the name's
characters in order (see :mod:`kiosk.search`). Call ``reach[i]`` the earliest
name column after which the first ``i`` query characters are used up. Then
``reach[0]`` is -1, and a piece ``q[i:i+k]`` taken by the character at column
``c > reach[i]`` gives ``reach[i+k] <= c``. Taking every piece as early as
possible never loses a match, so one pass over i = 0 … n-1 decides every name
at once: the name matches when ``reach[n]`` is set, and ``reach[n]`` is the
column where the match completes.

For each piece the work is the list of (row, column) places where a token
that takes it occurs (its postings), so the cost follows how common the piece
is, not how many names there are or how long they run. The postings of
one-letter pieces, the most common ones, are kept; longer pieces rotate
through a small cache.

Whole-word matches (:meth:`Postings.whole_words`) use the same places: a run
with no gaps that starts where a word starts and ends where a word ends; it
may step over a bracketed part of the name (食品(含保健食品)经营许可 for spjy).
The set of places where such a run has used up ``q[:i]`` grows piece by piece
(a piece taken right after a place of the set, in the same name, extends it).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Mapping, Sequence

import numpy as np

UNSET = np.iinfo(np.int32).max
OPENING, CLOSING = "（(【〔[", "）)】〕]"
RECENT_PLACES = 1_000_000           # places of longer pieces kept (12 bytes each)


class Postings:
    """(row, column) places of the tokens that take each query piece.

    ``flat``, ``offsets`` and ``lengths`` describe the names' tokens in
    catalogue order; ``row_of`` maps a catalogue index to the caller's row
    number. ``prefix`` and ``char`` map a syllable prefix or a character to
    the token ids that take it.
    """

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray,
                 row_of: np.ndarray, n_tokens: int,
                 prefix: Mapping[str, np.ndarray], char: Mapping[str, np.ndarray],
                 ends: np.ndarray | None = None, table: Sequence[str] | None = None,
                 skips: tuple[np.ndarray, np.ndarray] | None = None):
        self._flat = flat
        self._n_rows = len(lengths)
        self._n_tokens = n_tokens
        self._row = np.repeat(row_of.astype(np.int32), lengths)
        self._col = (np.arange(len(flat), dtype=np.int64)
                     - np.repeat(offsets, lengths)).astype(np.int32)
        self._prefix, self._char = prefix, char
        self._word_end = np.ones(len(flat), dtype=bool) if ends is None else ends.astype(bool)
        self._word_start = np.ones(len(flat), dtype=bool)           # column 0, or after a word's end
        self._word_start[1:] = self._word_end[:-1] | (self._col[1:] == 0)
        self._scratch = np.zeros(len(flat) + 1, dtype=bool)        # one state set at a time
        self._words_trail: tuple[str, list] | None = None          # the last query's places
        self._skip_from, self._skip_to = skips or bracket_skips(flat, offsets, lengths, table or [])
        self._after_bracket = np.zeros(len(flat), dtype=bool)
        self._after_bracket[self._skip_from] = True
        self._count = np.bincount(flat, minlength=n_tokens)
        self._starts = np.concatenate(([0], np.cumsum(self._count)))
        self._by_token: np.ndarray | None = None                 # built on first need
        self._kept: dict[str, Places] = {}
        self._recent = Lru(budget=RECENT_PLACES)

    def places(self, piece: str) -> "Places | None":
        """Where a token takes ``piece``, in name order; None: nowhere."""
        store = self._kept if len(piece) == 1 else self._recent
        found = store.get(piece)
        if found is not None:
            return found
        if len(piece) > 1:           # the tokens that take "gua" are among those that take "gu"
            ids = self._prefix.get(piece)
            parent = self.places(piece[:-1]) if ids is not None else None
            if parent is None:
                return None
            found = parent.only(self._takes(ids))
        else:
            ids = [i for i in (self._prefix.get(piece), self._char.get(piece)) if i is not None]
            if not ids:
                return None
            found = self._gather(np.unique(np.concatenate(ids)))
        if store is self._kept:
            self._kept[piece] = found
        else:
            self._recent.put(piece, found, len(found.rows))
        return found

    def warm(self) -> None:
        """Builds the token index ahead, so a typed character is found at once."""
        self._token_index()

    def _takes(self, ids: np.ndarray) -> np.ndarray:
        takes = np.zeros(self._n_tokens, dtype=bool)
        takes[ids] = True
        return takes

    def _gather(self, ids: np.ndarray) -> "Places":
        """The places of these tokens: a scan for common ones, the token index for rare ones."""
        if int(self._count[ids].sum()) * 8 > len(self._flat):
            at = np.flatnonzero(self._takes(ids)[self._flat])
        else:
            by_token, starts = self._token_index()
            at = np.sort(np.concatenate([by_token[starts[t]:starts[t + 1]] for t in ids]))
        return Places(self._row[at], self._col[at], self._flat[at], at)

    def _token_index(self) -> tuple[np.ndarray, np.ndarray]:
        if self._by_token is None:
            self._by_token = np.argsort(self._flat, kind="stable").astype(np.int32)
        return self._by_token, self._starts

    def whole_words(self, q: str) -> np.ndarray:
        """Per row, the column where the earliest whole-word match of ``q`` completes
        (-1: none): no gaps, first piece where a word starts, last where one ends.

        The places for ``q[:i]`` depend on ``q[:i]`` only, so when ``q`` is the
        previous query plus one key, only the pieces that end on it are looked at
        (as :meth:`reach` does)."""
        n = len(q)
        trail = self._words_trail
        if trail is not None and n > 1 and trail[0] == q[:-1]:
            states = [list(x) for x in trail[1]] + [[]]
            ends_only = True                  # pieces ending at n start at 0 … n-1
        else:
            states = [[] for _ in range(n + 1)]       # places where q[:i] is used up
            ends_only = False
        scratch = self._scratch
        for i in range(n):
            if i and not states[i]:
                continue
            ks = range(n - i, n - i + 1) if ends_only else range(1, n - i + 1)
            marked = None
            try:
                for k in ks:
                    found = self.places(q[i:i + k])
                    if found is None:
                        break                 # no longer piece from i is taken either
                    if i and marked is None:
                        marked = np.concatenate(states[i])
                        scratch[marked] = True
                    at = found.at
                    ok = self._word_start[at] if i == 0 else scratch[self._before(at, found.cols)]
                    if ok.any():
                        states[i + k].append(at[ok])
            finally:
                if marked is not None:
                    scratch[marked] = False
        self._words_trail = (q, states)
        done = np.full(self._n_rows, -1, dtype=np.int32)
        if not states[n]:
            return done
        end = np.concatenate(states[n])
        end = np.sort(end[self._word_end[end]])      # a row's places are a run, columns rising
        rows = self._row[end]
        head = np.ones(len(rows), dtype=bool)        # so its first is its earliest
        head[1:] = rows[1:] != rows[:-1]
        done[rows[head]] = self._col[end][head]
        return done

    @property
    def skips(self) -> tuple[np.ndarray, np.ndarray]:
        """(places right after a bracketed part, the place before it): kept in the index cache."""
        return self._skip_from, self._skip_to

    def _before(self, at: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The place a gapless run continues from: the previous character, or the one
        before a bracketed part that ends right here; -1 (never set): none."""
        before = np.where(cols > 0, at - 1, -1)
        hit = self._after_bracket[at]
        if hit.any():
            before[hit] = self._skip_to[np.searchsorted(self._skip_from, at[hit])]
        return before

    def reach(self, q: str, rows: np.ndarray | None = None,
              before: "Reach | None" = None) -> "Reach":
        """How far ``q`` gets in each row; ``.end``: the completion column (UNSET: none).

        ``rows``: only these rows can match (the answer for a prefix of ``q``).
        ``before``: the result for ``q`` less its last character; only the
        pieces that end on the new character are then looked at.
        """
        n = len(q)
        if before is not None and before.query == q[:-1] and n > 1:
            reach = before.steps + [None]
            first = n - 1                           # pieces ending at n start at 0 … n-1
            ends_only = True
        else:
            start = np.full(self._n_rows, UNSET if rows is not None else -1, dtype=np.int32)
            if rows is not None:
                start[rows] = -1
            reach = [start] + [None] * n
            first, ends_only = 0, False
        for i in range(0 if ends_only else first, n):
            if reach[i] is None:
                continue
            for k in (range(n - i, n - i + 1) if ends_only else range(1, n - i + 1)):
                found = self.places(q[i:i + k])
                if found is None:
                    break                     # no longer piece from i is taken either
                self._advance(reach, i, k, found)
        return Reach(q, reach)

    def _advance(self, reach: list, i: int, k: int, found: "Places") -> None:
        """Rows at ``reach[i]`` that take piece q[i:i+k] later get to i+k."""
        at_rows, at_cols = found.rows, found.cols
        before = reach[i]
        ok = at_cols > before[at_rows]
        r, c = at_rows[ok], at_cols[ok]
        if len(r) == 0:
            return
        first = np.empty(len(r), dtype=bool)     # earliest place per row: rows come
        first[0] = True                            # in runs, columns rising in each
        np.not_equal(r[1:], r[:-1], out=first[1:])
        r, c = r[first], c[first]
        after = reach[i + k]
        if after is None:
            after = reach[i + k] = np.full(self._n_rows, UNSET, dtype=np.int32)
        after[r] = np.minimum(after[r], c)


def bracket_skips(flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray,
                  table: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Places right after a closing bracket, and the place before its opening one
    (-1: the name starts with the bracket), sorted; nested and repeated groups are
    stepped over whole; unmatched brackets are left alone."""
    kind = np.zeros(max(len(table), 1), dtype=np.int8)
    for tid, entry in enumerate(table):
        ch = entry[:1]
        kind[tid] = 1 if ch and ch in OPENING else -1 if ch and ch in CLOSING else 0
    where = np.flatnonzero(kind[flat]) if len(flat) else np.zeros(0, dtype=np.int64)
    if len(where) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    text = np.searchsorted(offsets, where, side="right") - 1
    pairs: dict[int, int] = {}                   # closing place -> opening place
    stack: list[int] = []
    last_text = -1
    for at, t in zip(where.tolist(), text.tolist()):
        if t != last_text:
            stack, last_text = [], t
        if kind[flat[at]] > 0:
            stack.append(at)
        elif stack:
            pairs[at] = stack.pop()
    skip_from, skip_to = [], []
    for close, open_ in sorted(pairs.items()):
        after = close + 1
        text_end = offsets[text[np.searchsorted(where, close)]] + lengths[text[np.searchsorted(where, close)]]
        if after >= text_end:
            continue
        before = open_ - 1
        while before in pairs:                   # （…）（…）: step over each group
            before = pairs[before] - 1
        start = offsets[text[np.searchsorted(where, close)]]
        skip_from.append(after)
        skip_to.append(before if before >= start else -1)
    return np.array(skip_from, dtype=np.int64), np.array(skip_to, dtype=np.int64)


class Reach:
    """``steps[i]``: per row, the column after which q[:i] is used up (UNSET: never)."""

    def __init__(self, query: str, steps: list):
        self.query, self.steps = query, steps

    @property
    def end(self) -> np.ndarray | None:
        """Per row, the column where the whole query completes; None: no row matches."""
        return self.steps[-1]


class Places:
    """Postings: row, column and token of each place, ordered by row then column."""

    __slots__ = ("rows", "cols", "tokens", "at")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, tokens: np.ndarray, at: np.ndarray):
        self.rows, self.cols, self.tokens, self.at = rows, cols, tokens, at   # at: index in the flat tokens

    def only(self, takes: np.ndarray) -> "Places":
        keep = takes[self.tokens]
        return Places(self.rows[keep], self.cols[keep], self.tokens[keep], self.at[keep])


class Lru:
    """Least recently used entries go first once their sizes pass ``budget``."""

    def __init__(self, budget: int):
        self.budget, self._size = budget, 0
        self._entries: OrderedDict[str, tuple[object, int]] = OrderedDict()

    def get(self, key: str):
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: str, value, size: int) -> None:
        old = self._entries.pop(key, None)
        self._size += size - (old[1] if old else 0)
        self._entries[key] = (value, size)
        while self._size > self.budget and len(self._entries) > 1:
            _key, (_value, gone) = self._entries.popitem(last=False)
            self._size -= gone

    def clear(self) -> None:
        self._entries.clear()
        self._size = 0

    def __len__(self) -> int:
        return len(self._entries)
