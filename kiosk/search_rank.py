# SPDX-License-Identifier: Apache-2.0
"""Ranking tiers for search results: automata over the names' token matrix.

A query that matches a name (see :mod:`kiosk.search`) falls in the first tier
it satisfies: WORD (no gaps, from a word's start to a word's end: 护照 for hz in
普通护照签发), PREFIX (the name starts with it, no gaps), START (it starts at
the name's first character, gaps after), CONTIGUOUS (no gaps, anywhere), FREE
(gaps anywhere). The completion columns of WORD and FREE come from the
postings (:mod:`kiosk.search_reach`). Within a tier the more popular item
(the catalogue's ``popularity``) comes first; in the WORD tier a rated item
whose name starts with the query comes before one with the word further in,
and unrated items come after rated ones (:meth:`Tiers._not_leading`).
For the first three, each name runs an automaton whose state is a bitmask of
the query positions reached; ``steps`` gives, per token and piece length k,
the positions from which it consumes k characters. Rows are names sorted
longest first, so the rows still running at column j are a prefix; the
first VECTOR_COLUMNS tokens run in numpy, the rare longer tail in ints.

Rows are search rows: every item's name, then the items' keywords (俗称).
An item is ranked in the better of its name's tier and its keywords' best tier:
低保 (db) is a whole word of 最低生活保障's keyword 低保, while its name holds
低…保 only with a gap. When its name is in that tier it ranks and shows by its
name (as without keywords); else by its best keyword (shown as the 俗称 that
matched). Within a tier names and keywords rank together: band, popularity,
a name before a keyword, the earliest match, the shorter item name, the
shorter keyword. Each item is listed once.
"""
from __future__ import annotations

import numpy as np

from .search_few import few_rows_tiers

VECTOR_COLUMNS = 40                 # name characters run in numpy; the rare longer tail in ints
SMALL = 64                          # up to this many matches, rank all tiers in one pass
FREE, CONTIGUOUS, PREFIX, START, WORD = 0, 1, 2, 3, 4
TIERS = (WORD, PREFIX, START, CONTIGUOUS, FREE)     # best first


class Tiers:
    """The search rows as a token matrix (one row per text, longest first) and the tier automata.

    ``order[row]`` is the entry (index in names-then-keywords order) of a
    row, ``row_of[entry]`` its row, ``neg_len[row]`` minus its length in
    tokens. ``owner[entry]`` is the item of an entry; entries below
    ``n_names`` are the names (entry = item index).
    """

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray,
                 owner: np.ndarray | None = None, n_names: int | None = None,
                 popularity: np.ndarray | None = None):
        self._flat, self._offsets = flat, offsets
        self.order = np.argsort(-lengths, kind="stable")
        self.row_of = np.argsort(self.order)
        self.neg_len = -lengths[self.order].astype(np.int32)
        self._n_names = self._n_items = len(lengths) if n_names is None else n_names
        self.keywords = self._n_names < len(lengths)
        owner = np.arange(len(lengths)) if owner is None else owner
        self._owner_of_row = owner[self.order].astype(np.int32)      # item per row
        self._name_len_of_row = lengths[:self._n_names][self._owner_of_row]   # its item's name's length
        pop = np.zeros(self._n_items, dtype=np.int64) if popularity is None else popularity
        self._pop_of_row = pop.astype(np.int64)[self._owner_of_row]   # its item's popularity
        ranks = np.unique(-pop, return_inverse=True)[1].reshape(-1) if len(pop) else pop
        self._pop_rank_of_row = ranks.astype(np.int64)[self._owner_of_row]   # 0: the most popular
        self._tokens = self._matrix(lengths)

    def _matrix(self, lengths: np.ndarray) -> np.ndarray:
        """The first VECTOR_COLUMNS tokens of each name, one row per name, longest first."""
        width = max(1, min(int(lengths.max(initial=1)), VECTOR_COLUMNS))
        short = np.minimum(lengths, width)
        matrix = np.zeros((len(lengths), width), dtype=np.int32)
        rows = np.repeat(self.row_of, short)
        starts = np.repeat(np.cumsum(short) - short, short)
        cols = np.arange(int(short.sum())) - starts
        matrix[rows, cols] = self._flat[np.repeat(self._offsets, short) + cols]
        return matrix

    def _run(self, rows: np.ndarray, steps, n: int, mode: int) -> np.ndarray:
        """Runs one automaton over sorted ``rows``; returns the completion column (-1: none).

        mode CONTIGUOUS allows no gaps after the first piece (a fresh start is
        always possible), PREFIX must start at the first character with no
        gaps, START at the first character with gaps. (FREE, gaps anywhere,
        comes from :mod:`kiosk.search_reach`.)
        Rows that completed, or can no longer match, leave the run every few
        columns, so the work shrinks as the answer firms up.
        """
        table, shifts = steps
        done = np.full(len(rows), -1, dtype=np.int32)
        live = np.arange(len(rows))                        # positions in ``rows`` still running
        mask = np.ones(len(rows), dtype=table.dtype)
        neg_len = self.neg_len[rows]
        one, full = table.dtype.type(1), table.dtype.type(1 << n)
        for j in range(self._tokens.shape[1]):
            cnt = int(np.searchsorted(neg_len[live], -j, side="left"))
            if cnt == 0:
                break
            m = mask[:cnt]
            inc = np.bitwise_or.reduce((m[:, None] & table[self._tokens[rows[live[:cnt]], j]]) << shifts,
                                       axis=-1)
            if mode == CONTIGUOUS:
                inc |= one
            elif mode == START:
                inc |= m & ~one                # gaps allowed, but only after a first piece at 0
            finished = (inc & full) != 0
            ended = finished.any()
            if ended:
                done[live[:cnt][finished]] = j
                inc[finished] = 0
            mask[:cnt] = inc
            # drop finished rows at once (CONTIGUOUS would start them afresh), dead ones every few columns
            if ended or j % 3 == 2 or mode in (PREFIX, START):
                keep = np.flatnonzero(mask[:cnt])
                live, mask = live[keep], mask[keep]
                if len(live) == 0:
                    return done
        for pos, m in zip(live, mask):
            if m and -neg_len[pos] > VECTOR_COLUMNS:
                done[pos] = self._tail(rows[pos], steps, int(m), n, mode)
        return done

    def _tail(self, row: int, steps, mask: int, n: int, mode: int) -> int:
        """The automaton on the tokens past VECTOR_COLUMNS of one long name, in plain ints."""
        table, shifts = steps
        index = self.order[row]
        start = self._offsets[index] + VECTOR_COLUMNS
        bits = table[self._flat[start:start - self.neg_len[row] - VECTOR_COLUMNS]].tolist()
        ks = [int(k) for k in shifts]
        for offset, row_bits in enumerate(bits):
            inc = _fold(row_bits, ks, lambda b, k, m=mask: (m & b) << k)
            keep = {CONTIGUOUS: 1, START: mask & ~1}.get(mode, 0)
            mask = inc | keep
            if mask >> n & 1:
                return VECTOR_COLUMNS + offset
        return -1

    def ranked(self, rows: np.ndarray, free: np.ndarray, steps, n: int,
                limit: int | None, word: np.ndarray | None = None) -> np.ndarray:
        """Item indexes, best first, in tiers: the query covers whole words; the name
        starts with the query; the query starts at the name's start with gaps;
        contiguous elsewhere; the rest.

        ``free``: per row, the column where the match with gaps anywhere
        completes; ``word``: per row (all rows, -1: none), where a whole-word
        match completes. Within a tier: the more popular item, then the match
        that completes earliest in the name, then the shorter name, then catalogue order. Stops once
        ``limit`` are ranked. A few rows run the three other automata in one
        pass (numpy's per-call cost dominates there); many rows run tier by
        tier and stop early.
        """
        words = word[rows] if word is not None else np.full(len(rows), -1, dtype=np.int32)
        out: list[np.ndarray] = []
        wanted = len(rows) if limit is None else min(limit, len(rows))
        together = self._together(rows, steps, n) if len(rows) <= SMALL else None
        left = np.ones(len(rows), dtype=bool)
        for mode in TIERS:
            if wanted <= 0 or not left.any():
                break
            if mode == FREE:
                done_all = free
            elif mode == WORD:
                done_all = words
            elif together is not None:
                done_all = together[(PREFIX, START, CONTIGUOUS).index(mode)]
            else:
                done_all = np.full(len(rows), -1, dtype=np.int32)
                done_all[left] = self._run(rows[left], steps, n, mode)
            hit = left & (done_all >= 0)
            chosen, done = rows[hit], done_all[hit]
            original = self.order[chosen]
            later = self._not_leading(mode, hit, chosen, together, steps, n)
            if self.keywords:               # names and keywords together; each item once, at its best row
                is_kw = original >= self._n_names
                if is_kw.any():             # an item whose name is in this tier ranks (and shows) by its name
                    named = np.zeros(self._n_items, dtype=bool)
                    named[self._owner_of_row[chosen[~is_kw]]] = True
                    keep = ~is_kw | ~named[self._owner_of_row[chosen]]
                    chosen, done, original, later, is_kw = (chosen[keep], done[keep], original[keep],
                                                            later[keep], is_kw[keep])
                order = np.lexsort((original, -self.neg_len[chosen], self._name_len_of_row[chosen], done, is_kw,
                                    -self._pop_of_row[chosen], later))
                owners = self._owner_of_row[chosen[order]]
                _, first = np.unique(owners, return_index=True)
                order = order[np.sort(first)]
                placed = np.zeros(self._n_items, dtype=bool)
                placed[owners] = True
                left &= ~placed[self._owner_of_row[rows]]   # its other rows rank no more
            else:
                order = self._best(chosen, done, original, wanted, later)
            out.append(original[order][:wanted])
            wanted -= len(out[-1])
            left &= ~hit
        return np.concatenate(out) if out else np.zeros(0, dtype=np.intp)

    def _not_leading(self, mode: int, hit: np.ndarray, chosen: np.ndarray, together, steps, n: int) -> np.ndarray:
        """The band of each chosen row in the WORD tier, before popularity: the everyday items
        (popularity set) whose name starts with the query (0), then those with the word in the
        middle (1), then the unrated items likewise (2, 3). So for shiye 失业登记 comes before
        机关事业单位…, while for hz 普通护照签发 still comes before the unrated 红字增值税….
        Other tiers: 0 (popularity, then the earliest match, decide)."""
        if mode != WORD or len(chosen) == 0:
            return np.zeros(len(chosen), dtype=np.int64)
        if together is not None:
            prefix = together[0][hit]
        else:
            prefix = self._run(chosen, steps, n, PREFIX)
        return 2 * (self._pop_of_row[chosen] <= 0) + (prefix < 0)

    def _best(self, chosen: np.ndarray, done: np.ndarray, original: np.ndarray, wanted: int,
              later: np.ndarray) -> np.ndarray:
        """Positions in ``chosen`` ordered by (later, popularity, done, length, entry), only as
        many as a page needs when there are many: the rows past the page's last key
        value are left out before sorting (ties at it are all kept, so it is exact)."""
        key = ((later << 40) | (self._pop_rank_of_row[chosen] << 18) | (done.astype(np.int64) << 9)
               | -self.neg_len[chosen].astype(np.int64))
        if len(key) > 4 * wanted > 0 and done.max(initial=0) < 512 and -self.neg_len[chosen].min() < 512:
            last = np.partition(key, wanted - 1)[wanted - 1]
            sel = np.flatnonzero(key <= last)
            return sel[np.lexsort((original[sel], key[sel]))]
        return np.lexsort((original, -self.neg_len[chosen], done, -self._pop_of_row[chosen], later))

    def count_items(self, rows: np.ndarray) -> int:
        """How many items these matching rows stand for."""
        if not self.keywords:
            return len(rows)
        found = np.zeros(self._n_items, dtype=bool)
        found[self._owner_of_row[rows]] = True
        return int(np.count_nonzero(found))

    def _together(self, rows: np.ndarray, steps, n: int) -> np.ndarray:
        """PREFIX, START and CONTIGUOUS for a few rows (:func:`kiosk.search_few.few_rows_tiers`)."""
        return few_rows_tiers(self._rows_tokens(rows), steps, n)

    def _rows_tokens(self, rows: np.ndarray) -> np.ndarray:
        """All tokens of these rows (long names too), one row each, padded with token 0."""
        lengths = -self.neg_len[rows].astype(np.int64)
        tokens = np.zeros((len(rows), int(lengths.max(initial=1))), dtype=np.int32)
        at = np.repeat(np.arange(len(rows)), lengths)
        cols = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        tokens[at, cols] = self._flat[np.repeat(self._offsets[self.order[rows]], lengths) + cols]
        return tokens


def _fold(row_bits: list[int], ks: list[int], f) -> int:
    out = 0
    for k, b in zip(ks, row_bits):
        if b:
            out |= f(b, k)
    return out
