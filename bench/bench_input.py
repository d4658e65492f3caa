# SPDX-License-Identifier: Apache-2.0
"""Input-method latency: 拼音 keystroke → candidates, and 手写 stroke end → candidates.

Run:  .venv/bin/python bench/bench_input.py [--rounds R]

拼音: everyday phrases typed key by key (each prefix is one keystroke; the engine's small cache
is cleared before each phrase, so every keystroke is computed). The baseline in the same run
scans the whole lexicon for the typed syllables. 手写: the recorded strokes of
tests/fixtures/strokes, classified after each stroke as the pad does. Targets (issue 10):
拼音 p95 ≤ 10 ms, 手写 p95 ≤ 50 ms. The lexicon's Python heap (issue 18: it lives in an SQLite
file) against the same words read into plain dicts in the same run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.input.handwriting import Recognizer  # noqa: E402
from kiosk.input.lexicon_db import read_rows  # noqa: E402
from kiosk.input.pinyin import LEXICON, PinyinEngine  # noqa: E402

PHRASES = ["woxiangbanhuzhao", "shenfenzhengdiulezenmeban", "yingyezhizhao", "sfz", "bj", "shebaoka",
           "yanglaojinzenmeling", "gongjijintiqu", "hukouqianru", "xinshengerluohu", "zhongguo", "budongchan",
           "jiehundengji", "tuixiu", "juzhuzheng", "hz", "ylbx", "wodeshenfenzhengdiule"]


def pct(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    tracemalloc.start()
    t = time.perf_counter()
    engine = PinyinEngine()
    engine.following("")
    held = tracemalloc.get_traced_memory()[0] / 1e6
    print(f"拼音 lexicon load: {time.perf_counter() - t:.2f} s, {engine.size:,} words, "
          f"Python heap held {held:.1f} MB")
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    plain: dict[str, list[tuple[int, str]]] = {}
    for key, word, freq in read_rows(LEXICON):
        plain.setdefault(key, []).append((freq, word))
    print(f"  baseline: the same words as plain Python dicts, Python heap "
          f"{(tracemalloc.get_traced_memory()[0] - before) / 1e6:.1f} MB (before issue 18: dicts by key, "
          f"by initials and 联想, about 47 MB)")
    del plain
    tracemalloc.stop()
    times = []
    for _ in range(args.rounds):
        for phrase in PHRASES:
            engine._cached.cache_clear()
            for n in range(1, len(phrase) + 1):
                t = time.perf_counter()
                engine.candidates(phrase[:n], 40)
                times.append((time.perf_counter() - t) * 1000)
    p50, p95 = pct(times)
    rows = [line.rstrip("\n").split("\t") for line in gzip.open(LEXICON, "rt", encoding="utf-8")
            if not line.startswith("#")]
    base = []
    for phrase in PHRASES:
        keys = " ".join(t for t, _ in engine.segment(phrase))
        t = time.perf_counter()
        sorted((r for r in rows if r[0].startswith(keys[:3])), key=lambda r: -int(r[2]))[:40]
        base.append((time.perf_counter() - t) * 1000)
    b50, b95 = pct(base)
    print(f"拼音 keystroke → candidates ({len(times)} keystrokes): p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"(baseline lexicon scan: p50 {b50:.1f} ms, p95 {b95:.1f} ms)")
    data = json.loads((ROOT / "tests" / "fixtures" / "strokes" / "strokes.json").read_text(encoding="utf-8"))
    t = time.perf_counter()
    rec = Recognizer()
    print(f"手写 model open: {(time.perf_counter() - t) * 1000:.0f} ms")
    times = []
    for _ in range(args.rounds):
        for strokes in data["characters"].values():
            for n in range(1, len(strokes) + 1):
                t = time.perf_counter()
                rec.classify(strokes[:n], *data["pad"], 10)
                times.append((time.perf_counter() - t) * 1000)
    p50, p95 = pct(times)
    print(f"手写 stroke end → 10 candidates ({len(times)} strokes): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
