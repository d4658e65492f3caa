# SPDX-License-Identifier: Apache-2.0
"""How often everyday queries find what citizens ask for, in the first few results.

A query set is CSV: ``query,service,answers``; ``answers`` are words separated by
``;``, and a result counts as right when its item's name contains one of them
(``tests/data/everyday-queries.csv``: initials and full pinyin for the
commonest personal services). Used by a unit test and by bench/bench_search.py.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

EVERYDAY = Path(__file__).resolve().parents[1] / "tests" / "data" / "everyday-queries.csv"


@dataclass(frozen=True)
class Probe:
    query: str
    service: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    rank: int | None            # 1-based rank of the first right answer; None: not found at all
    top: tuple[str, ...]        # the names shown first


def load_probes(path: str | Path = EVERYDAY) -> list[Probe]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [Probe(r["query"], r["service"], tuple(a for a in r["answers"].split(";") if a))
                for r in csv.DictReader(fh)]


def evaluate(index, probes: list[Probe], shown: int = 3) -> list[Outcome]:
    out = []
    for p in probes:
        hits = index.search(p.query, limit=None).hits
        names = [h.item.name for h in hits]
        rank = next((n for n, name in enumerate(names, 1) if any(a in name for a in p.answers)), None)
        out.append(Outcome(p, rank, tuple(names[:shown])))
    return out


def top_rate(outcomes: list[Outcome], k: int = 3) -> float:
    return sum(1 for o in outcomes if o.rank is not None and o.rank <= k) / len(outcomes)


def report(outcomes: list[Outcome], k: int = 3) -> str:
    lines = [f"everyday queries: {sum(1 for o in outcomes if o.rank and o.rank <= k)} of {len(outcomes)} "
             f"find the service in the top {k} ({top_rate(outcomes, k):.0%})"]
    for o in outcomes:
        if o.rank is None or o.rank > k:
            where = "not found" if o.rank is None else f"first right answer {o.rank}th"
            lines.append(f"  miss {o.probe.query:<24} ({o.probe.service}): {where}; top: {'、'.join(o.top)}")
    return "\n".join(lines)
