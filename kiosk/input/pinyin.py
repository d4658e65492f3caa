# SPDX-License-Identifier: Apache-2.0
"""拼音: letters typed on the kiosk keyboard → Chinese words and phrases, ranked by frequency.

The lexicon (``kiosk/data/pinyin-lexicon.tsv.gz``, 91,784 words) is built by
``scripts/build-pinyin-lexicon`` from jieba's word-frequency list and pypinyin's readings; nothing
is written by hand. What a citizen can type:

- full pinyin, with or without separators: ``beijing``, ``bei'jing`` → 北京;
- initials (abbreviations): ``bj`` → 北京, and mixed: ``beij``;
- a whole sentence: ``woxiangbanhuzhao`` → a first candidate for the whole input (我想办护照,
  made of the most frequent words left to right), then the words for its beginning; committing
  a word leaves the rest of the letters composing (:attr:`Candidate.consumed`).

``ü`` is typed as ``v`` (lv → 绿), as on every Chinese keyboard. No Kivy.
"""
from __future__ import annotations

import gzip
import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

LEXICON = Path(__file__).resolve().parents[1] / "data" / "pinyin-lexicon.tsv.gz"
INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
            "r", "z", "c", "s", "y", "w")
MAX_LETTERS = 40            # a composition longer than this is not a word any more
MAX_WORD = 4                # the lexicon's longest words, in syllables
MAX_FOLLOW = 3              # 联想 looks at up to this many last committed characters
FOLLOW_KEPT = 24            # 联想 rests kept per word beginning


def _first(entries: list, weight) -> list:
    """The entries of a positive ``weight`` first, heaviest first, then the others in their order
    (the same list when none weighs)."""
    picked = sorted((e for e in entries if weight(e)), key=lambda e: -weight(e))
    return picked + [e for e in entries if not weight(e)] if picked else entries


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int           # how many of the typed letters (separators included) it stands for
    syllables: str          # the reading it matched, e.g. "bei jing"


class PinyinEngine:
    """``PinyinEngine().candidates("bj")`` → [Candidate("北京", 2, "bei jing"), ...]. Thread-safe."""

    def __init__(self, lexicon: str | Path = LEXICON):
        by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
        by_initials: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        syllables: set[str] = set()
        with gzip.open(lexicon, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                key, word, freq = line.rstrip("\n").split("\t")
                parts = key.split(" ")
                syllables.update(parts)
                by_key[key].append((int(freq), word))
                by_initials[" ".join(p[0] for p in parts)].append((int(freq), word, key))
        self.syllables = frozenset(syllables)
        self._by_key = {k: [w for _f, w in sorted(v, key=lambda e: -e[0])] for k, v in by_key.items()}
        self._freq = {w: f for v in by_key.values() for f, w in v}
        self._total = float(sum(self._freq.values()))
        self._by_initials = {k: sorted(v, key=lambda e: -e[0]) for k, v in by_initials.items()}
        self._lock = threading.Lock()
        self._cached = lru_cache(maxsize=512)(self._candidates)
        self._follow: dict[str, list[str]] | None = None
        self._plain: tuple | None = None          # the lists in plain frequency order, once preferred

    # -- the hall's own words first -------------------------------------------------
    def prefer(self, texts: Iterable[str]) -> int:
        """Puts the lexicon's words that occur in ``texts`` (the hall's item names and keywords)
        before the other words for the same letters, the hall's commonest first (at the kiosk,
        sp offers 食品 and 审批 before 水平), the others in their frequency order.
        ``prefer([])`` restores the plain order. Returns how many words are preferred."""
        hall: dict[str, int] = defaultdict(int)
        for text in texts:
            for i in range(len(text) - 1):
                for k in range(2, MAX_WORD + 1):
                    word = text[i:i + k]
                    if len(word) == k and word in self._freq:
                        hall[word] += 1
        with self._lock:
            if self._plain is None:
                self._plain = (self._by_key, self._by_initials)
            by_key, by_initials = self._plain
            if hall:
                by_key = {k: _first(v, lambda w: hall.get(w, 0)) for k, v in by_key.items()}
                by_initials = {k: _first(v, lambda e: hall.get(e[1], 0)) for k, v in by_initials.items()}
            self._by_key, self._by_initials = by_key, by_initials
            self._cached.cache_clear()
        return len(hall)

    # -- 联想: what usually comes next ---------------------------------------------
    def following(self, text: str, limit: int = 24) -> list[str]:
        """联想 after ``text`` was committed: the rest of the lexicon's words that begin with its
        last characters (北京 → 市, 大学 …; 身 → 份证, 体 …), the longest ending first, each by
        frequency. [] when nothing follows."""
        with self._lock:
            if self._follow is None:
                self._follow = self._build_follow()
        out: list[str] = []
        for k in range(min(MAX_FOLLOW, len(text)), 0, -1):
            for rest in self._follow.get(text[-k:], ()):
                if rest not in out:
                    out.append(rest)
        return out[:limit]

    def _build_follow(self) -> dict[str, list[str]]:
        """Word beginnings (up to MAX_FOLLOW characters) → the rests of the words, by frequency."""
        ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for word, freq in self._freq.items():
            for k in range(1, min(MAX_FOLLOW, len(word) - 1) + 1):
                ranked[word[:k]].append((freq, word[k:]))
        return {head: [r for _f, r in sorted(v, key=lambda e: -e[0])[:FOLLOW_KEPT]] for head, v in ranked.items()}

    # -- segmentation --------------------------------------------------------------
    def segment(self, letters: str) -> list[tuple[str, int]]:
        """The typed letters as (token, end offset) pairs: full syllables where possible, else
        initials; fewest initials first, then fewest tokens. ``'`` separates explicitly."""
        text = letters.lower()[:MAX_LETTERS]
        n = len(text)
        best: list[tuple[int, int, list[tuple[str, int]]] | None] = [None] * (n + 1)
        best[0] = (0, 0, [])
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            if text[i] == "'":
                self._keep(best, i + 1, here)
                continue
            cost_i, count_i, path = here
            for j in range(i + 1, min(n, i + 6) + 1):
                piece = text[i:j]
                if piece in self.syllables:
                    self._keep(best, j, (cost_i, count_i + 1, path + [(piece, j)]))
                elif piece in INITIALS:
                    self._keep(best, j, (cost_i + 1, count_i + 1, path + [(piece, j)]))
        last = best[n]
        return last[2] if last else []

    @staticmethod
    def _keep(best, j, entry) -> None:
        if best[j] is None or entry[:2] < best[j][:2]:
            best[j] = entry

    # -- candidates ----------------------------------------------------------------
    def candidates(self, letters: str, limit: int = 40) -> list[Candidate]:
        """Words for the typed letters, best first: the whole input first, then its beginnings."""
        letters = "".join(c for c in letters.lower() if "a" <= c <= "z" or c == "'")[:MAX_LETTERS]
        if not letters.strip("'"):
            return []
        with self._lock:
            return list(self._cached(letters))[:limit]

    def _candidates(self, letters: str) -> tuple[Candidate, ...]:
        tokens = self.segment(letters)
        if not tokens:
            return ()
        out: list[Candidate] = []
        seen: set[str] = set()
        whole = self._words(tokens, cap=1) if len(tokens) <= MAX_WORD else []
        guessing = all(t not in self.syllables for t, _ in tokens)   # initials only: no sentence to guess
        sentence = self._sentence(tokens) if len(tokens) > 1 and not whole and not guessing else None
        if sentence:
            out.append(Candidate(sentence, tokens[-1][1], " ".join(t for t, _ in tokens)))
            seen.add(sentence)
        for k in range(min(len(tokens), MAX_WORD), 0, -1):
            for word, key in self._words(tokens[:k]):
                if word not in seen:
                    seen.add(word)
                    out.append(Candidate(word, tokens[k - 1][1], key))
        return tuple(out[:200])

    def _words(self, tokens: list[tuple[str, int]], cap: int = 60) -> list[tuple[str, str]]:
        parts = [t for t, _ in tokens]
        if all(p in self.syllables for p in parts):
            key = " ".join(parts)
            exact = [(w, key) for w in self._by_key.get(key, ())[:cap]]
            if len(parts) > 1 or exact:
                return exact
        found = []
        for _freq, word, key in self._by_initials.get(" ".join(p[0] for p in parts), ()):
            syl = key.split(" ")
            if all(s == p if p in self.syllables and p not in INITIALS else s.startswith(p)
                   for s, p in zip(syl, parts)):
                found.append((word, key))
                if len(found) >= cap:
                    break
        return found

    def _sentence(self, tokens: list[tuple[str, int]]) -> str:
        """The likeliest words for the whole input (a unigram model over the lexicon's frequencies,
        best path found by dynamic programming): a candidate when no single word covers it."""
        n = len(tokens)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for k in range(1, min(MAX_WORD, n - i) + 1):
                words = self._words(tokens[i:i + k], cap=1)
                if words:
                    word = words[0][0]
                    score = here[0] + math.log(self._freq.get(word, 1) / self._total)
                    there = best[i + k]
                    if there is None or score > there[0]:
                        best[i + k] = (score, here[1] + [word])
        last = best[n]
        return "".join(last[1]) if last else ""
