# SPDX-License-Identifier: Apache-2.0
"""Theme index build time at start: the theme rules over the bundled catalogue and a big one.

Run:  .venv/bin/python bench/bench_themes.py [--big N]

Prints the time to read the bundled theme rules and give every item its themes,
for the bundled 1,210 items and for N items (default 100,000) made by repeating
the bundled names, with a baseline in the same run: the same rules matched with a
loop of ``word in name`` instead of one compiled pattern per word list.
Target: ≤ 0.1 s bundled, ≤ 3 s at 100 k (it runs once at start).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk import catalogue  # noqa: E402
from kiosk.browse_index import ThemeIndex  # noqa: E402
from kiosk.catalogue import Item  # noqa: E402
from kiosk.theme_rules import load_rules  # noqa: E402


def _plain_matches(rule, item: Item) -> bool:
    if rule.name and not any(w in item.name for w in rule.name):
        return False
    if rule.department and not any(w in item.department for w in rule.department):
        return False
    return not any(w in item.name for w in rule.not_name)


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", type=int, default=100_000)
    args = ap.parse_args()
    base = catalogue.load().items
    big = [Item(f"{n}-{i.id}", i.name, department=i.department)
           for n in range(-(-args.big // len(base))) for i in base][:args.big]
    for label, items in (("bundled", base), (f"{len(big):,}", big)):
        build = min(_timed(lambda items=items: ThemeIndex.build(items, load_rules())) for _ in range(3))
        rules = load_rules().rules
        plain = _timed(lambda items=items, rules=rules: [[r for r in rules if _plain_matches(r, i)] for i in items])
        idx = ThemeIndex.build(items, load_rules())
        print(f"{label:>9} items: build {build * 1000:7.0f} ms (best of 3); baseline `in` loop "
              f"{plain * 1000:7.0f} ms; {idx.covered:,} with a theme")


if __name__ == "__main__":
    main()
