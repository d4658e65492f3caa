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
GOOD_SCORE = 8.0              # below it a best answer is "no good answer" (unless it covers a short question)
GOOD_COVER = 0.35             # the share of the question's own pairs the best answer must hold
SURE_COVER = 0.75             # a short question (护照, passport) the best answer holds almost whole
# pairs that ask, not say what about: they count for no answer's cover (怎么 / 要办 / 办事 …)
FUNCTION_PAIRS = frozenset("怎么 什么 怎样 么样 么办 多少 多久 哪里 哪些 可以 能不 不能 需要 请问 一下 我要 "
                           "要办 办事 我想 想问 问一 您好 你好".split())
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
        self.items = {i.id: i for i in items}
        if bm25 is not None:
            self._bm25 = bm25
            return
        corpus = [self._doc_tokens(f) for f in entries]
        corpus += [self._item_tokens(i) for i in items]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus or [["~"]], show_progress=False)

    def _norm(self, text: str) -> str:
        return self.synonyms.apply(normalise(text))

    def is_good(self, question: str, answers: Sequence["Answer"]) -> bool:
        """Whether the best answer answers ``question``, not only shares its frequent words: its
        BM25 score reaches GOOD_SCORE and it holds GOOD_COVER of the question's own pairs, or it
        holds almost all of a short question (SURE_COVER). "今天天气怎么样" scores 10 on 营业执照多长时间
        能办下来 through 怎么 / 时 alone: not good, so the kiosk does not say it found an answer."""
        if not answers or answers[0].score <= 0:
            return False
        cover = self.cover(question, answers[0])
        return (answers[0].score >= GOOD_SCORE and cover >= GOOD_COVER) or cover >= SURE_COVER

    def cover(self, question: str, answer: "Answer") -> float:
        """The share of the question's units (its character pairs that are not FUNCTION_PAIRS, a
        lone character, its ASCII words) found in the answer's document, a pair also by its pinyin."""
        units: list[tuple[str, str]] = []
        query = self._norm(question)
        for run in _CJK.findall(query):
            if len(run) == 1:
                units.append((run, ""))
            for i in range(len(run) - 1):
                pair = run[i:i + 2]
                if pair not in FUNCTION_PAIRS:
                    a, b = syllable(pair[0]), syllable(pair[1])
                    units.append((pair, f"~{a}{b}" if a and b else ""))
        units += [(w, "") for w in _WORD.findall(query)]
        if not units:
            return 0.0
        doc = set(self._tokens_of(answer))
        return sum(1 for unit, sound in units if unit in doc or (sound and sound in doc)) / len(units)

    def _tokens_of(self, answer: "Answer") -> list[str]:
        if answer.kind == "faq" and answer.id in self.faq:
            return self._doc_tokens(self.faq[answer.id])
        item = self.items.get(answer.id)
        return self._item_tokens(item) if item is not None else tokens(self._norm(answer.title))

    def _item_tokens(self, item) -> list[str]:
        return tokens(self._norm(" ".join((item.name, *getattr(item, "keywords", ()), getattr(item, "name_en", "")))))

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
