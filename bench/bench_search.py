# SPDX-License-Identifier: Apache-2.0
"""Search latency per keystroke, and index load time, on real names.

Run:  .venv/bin/python bench/bench_search.py [--big N] [--queries Q] [--keywords]

Prints p50/p95 per keystroke for the bundled catalogue and for a synthetic
catalogue of N items (default 100,000) made from the bundled names with real
place-name prefixes and level suffixes, plus the index load time from the
pinyin cache. A plain-Python matcher with the same rules is the baseline in
the same run. Targets (issue #2): p95 ≤ 2 ms bundled, ≤ 30 ms at 100 k,
index load ≤ 1 s at 100 k. ``--keywords`` gives every 10th item two search
words (pieces of other real names), as a hall's 俗称 would add rows.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk import catalogue, index_cache, pinyin_keys, words  # noqa: E402
from kiosk.catalogue import Item  # noqa: E402
from kiosk.search import SearchIndex, normalize, search_texts  # noqa: E402
from kiosk.search_quality import evaluate, load_probes, report  # noqa: E402

PREFIXES = ["", "威海市", "环翠区", "文登区", "荣成市", "乳山市", "经区", "高区", "临港区", "济南市",
            "青岛市", "烟台市", "临沂市", "广安区", "市级", "县级"]
SUFFIXES = ["", "（变更）", "（注销）", "（延续）", "（新办）", "（补办）", "（县级）", "（市级）",
            "（首次申请）", "（网上办理）"]


def big_catalogue(base: list[Item], n: int) -> list[Item]:
    out, seen = [], set()
    for suffix in SUFFIXES:
        for prefix in PREFIXES:
            for item in base:
                name = f"{prefix}{item.name}{suffix}"
                if name not in seen:
                    seen.add(name)
                    out.append(Item(id=f"B{len(out):06d}", name=name, department=item.department))
                    if len(out) == n:
                        return out
    return out


def with_keywords(items: list[Item], seed: int = 3) -> list[Item]:
    """Every 10th item gets two keywords: 2–6 character pieces of other names."""
    rnd = random.Random(seed)
    out = []
    for n, item in enumerate(items):
        if n % 10 == 0:
            words = []
            for _ in range(2):
                other = rnd.choice(items).name
                start = rnd.randrange(max(1, len(other) - 2))
                words.append(other[start:start + rnd.randint(2, 6)])
            item = dataclasses.replace(item, keywords=tuple(dict.fromkeys(words)))
        out.append(item)
    return out


def typing_sequences(index: SearchIndex, count: int, seed: int = 7) -> list[str]:
    """What citizens type: initials, full pinyin of the first words, or characters."""
    rnd = random.Random(seed)
    queries = []
    for item in rnd.sample(index.items, min(count, len(index.items))):
        syl = pinyin_keys.name_key(item.name).split(pinyin_keys.SEP)
        kind = rnd.choice(("initials", "full", "chars"))
        if kind == "initials":
            queries.append("".join(s[0] for s in syl[:6] if s))
        elif kind == "full":
            queries.append("".join(syl[:3]))
        else:
            queries.append(item.name[:3])
    return [q for q in queries if normalize(q)]


def naive_match(name_units: list[tuple[str, str]], q: str) -> bool:
    """Baseline: the same matching rule as a plain-Python DP per item."""
    reach = {0}
    for ch, syl in name_units:
        new = set(reach)
        for i in reach:
            if i < len(q) and q[i] == ch:
                new.add(i + 1)
            k = 0
            while i + k < len(q) and k < len(syl) and q[i + k] == syl[k]:
                k += 1
                new.add(i + k)
        reach = new
        if len(q) in reach:
            return True
    return len(q) in reach


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):7.3f} ms   p95 {p95:7.3f} ms   max {ms[-1]:7.3f} ms   (n={len(ms)})"


def per_keystroke(index: SearchIndex, queries: list[str], page: int = 8) -> list[float]:
    samples = []
    for q in queries:
        index._cache.clear()            # every citizen starts typing from nothing (one-key results stay)
        for n in range(1, len(q) + 1):
            t = time.perf_counter()
            index.search(q[:n], limit=page)
            samples.append(time.perf_counter() - t)
    return samples


def baseline_keystroke(index: SearchIndex, queries: list[str]) -> list[float]:
    units = [list(zip(i.name, pinyin_keys.name_key(i.name).split(pinyin_keys.SEP))) for i in index.items]
    samples = []
    for q in queries:
        for n in range(1, len(q) + 1):
            t = time.perf_counter()
            qq = normalize(q[:n])
            [i for i, u in enumerate(units) if naive_match(u, qq)]
            samples.append(time.perf_counter() - t)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "ehall-bench-cache"))
    ap.add_argument("--keywords", action="store_true", help="every 10th item gets two keywords (俗称)")
    args = ap.parse_args()

    cat = catalogue.load()
    base = with_keywords(cat.items) if args.keywords else cat.items
    t = time.perf_counter()
    index = SearchIndex.build(base)
    build = time.perf_counter() - t
    words.release()                     # as the kiosk does after a build: jieba's dictionary goes
    queries = typing_sequences(index, args.queries)
    rows = len(search_texts(base))
    print(f"bundled catalogue: {len(cat)} items, {rows} search rows; index built in {build:.2f} s (cached after)")
    print("  engine   per keystroke, first use :", percentiles(per_keystroke(index, queries)))
    index.warm()
    print("  engine   per keystroke, warmed    :", percentiles(per_keystroke(index, queries)),
          "(one-key results precomputed, as the kiosk does after start)")
    print("  baseline per keystroke:", percentiles(baseline_keystroke(index, queries[:60])),
          "(plain-Python matcher, same rules)")
    print("  " + report(evaluate(index, load_probes())).replace("\n", "\n  "))

    items = big_catalogue(cat.items, args.big)
    if args.keywords:
        items = with_keywords(items)
    texts = search_texts(items)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    t = time.perf_counter()
    index_cache.load_index(items, digest, args.cache)
    first = time.perf_counter() - t
    t = time.perf_counter()
    big = index_cache.load_index(items, digest, args.cache)
    load = time.perf_counter() - t
    print(f"synthetic catalogue: {len(items)} items, {len(texts)} search rows; first load {first:.2f} s (built unless cached);"
          f" index load from cache {load:.3f} s")
    big_queries = typing_sequences(big, args.queries)
    t = time.perf_counter()
    big.warm()
    print(f"  one-key results precomputed in {time.perf_counter() - t:.2f} s")
    print("  engine   per keystroke, warmed    :", percentiles(per_keystroke(big, big_queries)))
    print(f"  process RSS after the 100 k run: {rss_mb():.0f} MB (the catalogue's Item objects included)")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


if __name__ == "__main__":
    main()
