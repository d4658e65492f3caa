# SPDX-License-Identifier: Apache-2.0
"""问一问: a question in the citizen's own words → FAQ answers and service items, in one ranked list.

Ranking is BM25 (the ``bm25s`` library) over one index of FAQ entries (question + its other
phrasings) and catalogue items (name + keywords). What survives paraphrase:

- **words in any order, keyword-only or rambling questions**: the tokens are Chinese
  characters and character pairs (no segmenter: pairs match words of any segmentation, and
  BM25's term weights let the rare pairs decide, not 的 / 怎么 / 办);
- **synonyms** (营业执照 = 执照 = 照子): a table the hall extends (``synonyms.txt``), applied to
  questions and documents alike, longest phrase first;
- **homophone typos** (营业只照): each character pair also becomes its toneless pinyin pair
  (``zhi zhao``), from pypinyin through :func:`kiosk.pinyin_keys.syllable` (a table made by a
  child process, so pypinyin never loads into the kiosk).

Pure Python + numpy, no Kivy: the answer screen, the CLI (``ehall-kiosk ask``) and the bench
use the same :class:`AskIndex`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ehall_common.safe_read import SafeReadError, read_limited
from ..pinyin_keys import syllable
from .faq import Faq, KnowledgeBase

SYNONYMS = Path(__file__).resolve().parents[1] / "data" / "synonyms.txt"
MAX_QUESTION = 500            # characters a question may have; the rest is cut
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]+")
_WORD = re.compile(r"[a-z0-9]+")
_UNTYPABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


@dataclass(frozen=True)
class Answer:
    kind: str            # "faq" | "item"
    id: str
    title: str           # the FAQ's question or the item's name
    score: float
    spans: tuple[tuple[int, int], ...] = ()   # (start, end) of the title's characters the question matched


def load_synonyms(path: str | Path | None = None) -> list[tuple[str, ...]]:
    """Groups of words that mean the same, the first being the one documents are indexed by.

    One group a line: ``营业执照 = 执照, 照子`` (``=``, ``,``, ``，`` or ``、`` separate); ``#`` starts
    a comment. Raises ValueError naming the line for a group with fewer than two words.
    """
    path = Path(path) if path else SYNONYMS
    groups: list[tuple[str, ...]] = []
    try:
        text = read_limited(path, 2 * 1024 * 1024, "synonym table").decode("utf-8-sig")
    except SafeReadError as exc:
        raise ValueError(str(exc)) from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = tuple(w for w in (unicodedata.normalize("NFKC", p).strip().lower()
                                  for p in re.split(r"[=,，、]", line)) if w)
        if len(words) < 2:
            raise ValueError(f"{path}:{n}: a synonym line needs at least two words")
        groups.append(words)
    return groups


class _Synonyms:
    def __init__(self, groups: Iterable[Sequence[str]]):
        self.canon: dict[str, str] = {}
        for group in groups:
            for word in group:
                self.canon.setdefault(word, group[0])
        words = sorted(self.canon, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def apply(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.canon[m.group(0)], text) if self.pattern else text


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits), lower case, and nothing a citizen cannot type."""
    text = unicodedata.normalize("NFKC", text[:MAX_QUESTION]).lower()
    return _UNTYPABLE.sub(" ", text)


def tokens(text: str) -> list[str]:
    """Characters, character pairs and their pinyin pairs of each Chinese run; ASCII words."""
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
        syl = [syllable(c) for c in run]
        out.extend(f"~{a}{b}" for a, b in zip(syl, syl[1:]) if a and b)
    out.extend(_WORD.findall(text))
    return out


class AskIndex:
    """One BM25 index over the knowledge base and the catalogue's items."""

    def __init__(self, kb: KnowledgeBase | None, items: Iterable = (), synonyms: Iterable[Sequence[str]] = (),
                 bm25=None):
        """``bm25``: an index already built for these same documents (kiosk/consult/ask_cache.py
        loads one from disk); None builds it."""
        import logging

        import bm25s
        logging.getLogger("bm25s").setLevel(logging.WARNING)   # it logs each index build at DEBUG

        self.synonyms = _Synonyms(synonyms)
        entries = list(kb.entries if kb else ())
        items = list(items)
        self.docs: list[tuple[str, str, str]] = (        # (kind, id, title)
            [("faq", f.id, f.question) for f in entries] + [("item", i.id, i.name) for i in items])
        self.faq: dict[str, Faq] = {f.id: f for f in entries}
        if bm25 is not None:
            self._bm25 = bm25
            return
        corpus = [self._doc_tokens(f) for f in entries]
        corpus += [tokens(self._norm(" ".join((i.name, *getattr(i, "keywords", ()), getattr(i, "name_en", "")))))
                   for i in items]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus or [["~"]], show_progress=False)

    def _norm(self, text: str) -> str:
        return self.synonyms.apply(normalise(text))

    def _doc_tokens(self, faq: Faq) -> list[str]:
        return tokens(self._norm(" ".join((faq.question, *faq.variants, faq.name_en))))

    def ask(self, question: str, limit: int = 5) -> list[Answer]:
        """The best answers for ``question``, best first; [] for an empty or unmatched question."""
        query = self._norm(question)
        terms = list(dict.fromkeys(tokens(query)))   # each term once: "啊" × 500 must not outweigh 护照
        if not terms or not self.docs:
            return []
        scores = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        order = np.argsort(-scores, kind="stable")[:max(1, limit)]
        raw = normalise(question)
        pairs = {text[i:i + 2] for text in (query, raw) for i in range(len(text) - 1)}
        out = []
        for i in order:
            if scores[i] <= 0:
                break
            kind, doc_id, title = self.docs[i]
            out.append(Answer(kind, doc_id, title, round(float(scores[i]), 4), _spans(title, pairs)))
        return out


def _spans(title: str, pairs: set[str]) -> tuple[tuple[int, int], ...]:
    """Where the question's character pairs (as typed, or after the synonym table) stand in the
    title, merged; positions index the title as shown."""
    spans: list[list[int]] = []
    for i in range(len(title) - 1):
        if title[i:i + 2] in pairs:
            if spans and spans[-1][1] >= i:
                spans[-1][1] = i + 2
            else:
                spans.append([i, i + 2])
    return tuple((a, b) for a, b in spans)
