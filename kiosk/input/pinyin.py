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

import itertools
import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .lexicon_db import MAX_FOLLOW, open_lexicon

LEXICON = Path(__file__).resolve().parents[1] / "data" / "pinyin-lexicon.tsv.gz"
INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
            "r", "z", "c", "s", "y", "w")
MAX_LETTERS = 40            # a composition longer than this is not a word any more
MAX_WORD = 4                # the lexicon's longest words, in syllables


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int           # how many of the typed letters (separators included) it stands for
    syllables: str          # the reading it matched, e.g. "bei jing"


class PinyinEngine:
    """``PinyinEngine().candidates("bj")`` → [Candidate("北京", 2, "bei jing"), ...]. Thread-safe.

    The words live in an SQLite file (:mod:`kiosk.input.lexicon_db`), not in the process's heap;
    the hall's preferred words (:meth:`prefer`) are a small table of the same connection."""

    def __init__(self, lexicon: str | Path = LEXICON, cache_dir: str | Path | None = None):
        from ..pinyin_keys import default_cache_dir

        self._db, meta = open_lexicon(Path(lexicon), Path(cache_dir) if cache_dir else default_cache_dir())
        self.syllables = frozenset(meta["syllables"].split(" "))
        self.size = int(meta["words"])
        self._total = float(meta["total"])
        self._db.execute("CREATE TEMP TABLE hall(word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        self._hall: dict[str, int] = {}
        self._lock = threading.Lock()
        self._cached = lru_cache(maxsize=512)(self._candidates)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the hall's own words first -------------------------------------------------
    def prefer(self, texts: Iterable[str]) -> int:
        """Puts the lexicon's words that occur in ``texts`` (the hall's item names and keywords)
        before the other words for the same letters, the hall's commonest first (at the kiosk,
        sp offers 食品 and 审批 before 水平), the others in their frequency order.
        ``prefer([])`` restores the plain order. Returns how many words are preferred."""
        pieces: dict[str, int] = defaultdict(int)
        for text in texts:
            for i in range(len(text) - 1):
                for k in range(2, MAX_WORD + 1):
                    word = text[i:i + k]
                    if len(word) == k:
                        pieces[word] += 1
        with self._lock:
            self._db.execute("DELETE FROM hall")
            self._db.executemany("INSERT INTO hall SELECT ?, ? WHERE EXISTS (SELECT 1 FROM lex WHERE word = ?)",
                                 ((w, n, w) for w, n in pieces.items()))
            self._hall = dict(self._db.execute("SELECT word, n FROM hall"))
            self._cached.cache_clear()
        return len(self._hall)

    # -- 联想: what usually comes next ---------------------------------------------
    def following(self, text: str, limit: int = 24) -> list[str]:
        """联想 after ``text`` was committed: the rest of the lexicon's words that begin with its
        last characters (北京 → 市, 大学 …; 身 → 份证, 体 …), the longest ending first, each by
        frequency. [] when nothing follows."""
        out: list[str] = []
        with self._lock:
            for k in range(min(MAX_FOLLOW, len(text)), 0, -1):
                for (rest,) in self._db.execute("SELECT rest FROM follow WHERE head = ? ORDER BY rank",
                                                (text[-k:],)):
                    if rest not in out:
                        out.append(rest)
        return out[:limit]

    def _rows(self, column: str, value: str):
        """(word, key) of the readings whose ``column`` (key or initials) is ``value``: the hall's
        words first (most used first), then the others by frequency, the file's order on ties."""
        if self._hall:
            yield from self._db.execute(
                f"SELECT l.word, l.key FROM lex l JOIN hall h ON h.word = l.word WHERE l.{column} = ? "
                "ORDER BY h.n DESC, l.freq DESC, l.rowid", (value,))
            yield from self._db.execute(
                f"SELECT word, key FROM lex WHERE {column} = ? AND word NOT IN (SELECT word FROM hall) "
                "ORDER BY freq DESC, rowid", (value,))
        else:
            yield from self._db.execute(
                f"SELECT word, key FROM lex WHERE {column} = ? ORDER BY freq DESC, rowid", (value,))

    def _frequency(self, word: str) -> int:
        row = self._db.execute("SELECT freq FROM lex WHERE word = ? ORDER BY rowid DESC LIMIT 1",
                               (word,)).fetchone()
        return row[0] if row else 1

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
            exact = list(itertools.islice(self._rows("key", key), cap))
            if len(parts) > 1 or exact:
                return exact
        found = []
        for word, key in self._rows("initials", " ".join(p[0] for p in parts)):
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
                    score = here[0] + math.log(self._frequency(word) / self._total)
                    there = best[i + k]
                    if there is None or score > there[0]:
                        best[i + k] = (score, here[1] + [word])
        last = best[n]
        return "".join(last[1]) if last else ""
