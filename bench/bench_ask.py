# SPDX-License-Identifier: Apache-2.0
"""问一问 latency and index build, on the bundled knowledge base + catalogue and at 20,000 FAQ entries.

Run:  .venv/bin/python bench/bench_ask.py [--big N] [--rounds R]

The questions are the paraphrase set of tests/data/ask-paraphrases.csv. The big knowledge
base repeats the bundled entries with real place-name prefixes (威海市…) so that its words
are real. The baseline in the same run is a plain-Python ranker that counts the character
pairs each document shares with the question (no index). Targets (issue 10): p95 ≤ 30 ms
bundled, ≤ 100 ms at 20,000 entries, index load ≤ 1 s (the last line: the knowledge base read
from CSV and the index from the on-disk cache, as the kiosk starts; the first start builds it).
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk import catalogue  # noqa: E402
from kiosk.consult import AskIndex, KnowledgeBase, load, load_synonyms  # noqa: E402

PLACES = ["威海市", "环翠区", "文登区", "荣成市", "乳山市", "经区", "高区", "临港区", "济南市", "青岛市"]


def questions() -> list[str]:
    rows = csv.DictReader((ROOT / "tests" / "data" / "ask-paraphrases.csv").open(encoding="utf-8"))
    return [r["question"] for r in rows]


def big_kb(kb: KnowledgeBase, n: int) -> KnowledgeBase:
    out = []
    for i in range(n):
        f = kb.entries[i % len(kb.entries)]
        place = PLACES[(i // len(kb.entries)) % len(PLACES)]
        out.append(dataclasses.replace(f, id=f"B{i}", question=f"{place}{f.question}",
                                       variants=tuple(f"{place}{v}" for v in f.variants)))
    return KnowledgeBase(out, "(synthetic)", "", [])


def baseline(docs: list[str], question: str, limit: int = 5) -> list[int]:
    pairs = {question[i:i + 2] for i in range(len(question) - 1)}
    scored = [(sum(d.count(p) for p in pairs), i) for i, d in enumerate(docs)]
    return [i for s, i in sorted(scored, reverse=True)[:limit] if s]


def timed(fn, qs: list[str], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in qs:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run(label: str, kb: KnowledgeBase, items, qs: list[str], rounds: int) -> None:
    t = time.perf_counter()
    index = AskIndex(kb, items, load_synonyms())
    build = time.perf_counter() - t
    p50, p95 = timed(lambda q: index.ask(q, 5), qs, rounds)
    docs = [" ".join((f.question, *f.variants)) for f in kb.entries] + [i.name for i in items]
    b50, b95 = timed(lambda q: baseline(docs, q), qs, 1)
    print(f"{label}: {len(index.docs):,} documents, index build {build:.2f} s; "
          f"ask p50 {p50:.2f} ms, p95 {p95:.2f} ms (baseline pair count: p50 {b50:.1f} ms, p95 {b95:.1f} ms)")


def cached_load(kb: KnowledgeBase, items) -> None:
    """The kiosk's start with a warm cache: the knowledge base read from its CSV file and the
    index loaded from the cache (kiosk/consult/ask_cache.py); the first, cold start builds it."""
    import shutil
    import tempfile

    from kiosk.consult.ask_cache import load_ask

    work = Path(tempfile.mkdtemp(prefix="bench-ask-"))
    try:
        path = work / "faq.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "question", "variants", "answer", "category", "related_items", "source"])
            for f in kb.entries:
                out.writerow([f.id, f.question, "|".join(f.variants), f.answer, f.category,
                              " ".join(f.related_items), "; ".join(f.sources)])
        syn = load_synonyms()
        t = time.perf_counter()
        load_ask(load(path), items, syn, work / "cache")
        cold = time.perf_counter() - t
        warm = []
        for _ in range(3):
            t = time.perf_counter()
            index = load_ask(load(path), items, syn, work / "cache")
            warm.append(time.perf_counter() - t)
        print(f"{len(kb):,} FAQ entries from CSV + catalogue: cold start (parse + build + cache) {cold:.2f} s; "
              f"warm start (parse + cache load) {min(warm):.2f} s best of 3, {max(warm):.2f} s worst "
              f"({len(index.docs):,} documents)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    kb, items, qs = load(), catalogue.load().items, questions()
    run("bundled (123 FAQ + catalogue)", kb, items, qs, args.rounds)
    run(f"{args.big:,} FAQ entries + catalogue", big_kb(kb, args.big), items, qs, args.rounds)
    cached_load(big_kb(kb, args.big), items)


if __name__ == "__main__":
    main()
