#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds the bundled catalogue's ``popularity`` column from editable rules.

Run:  .venv/bin/python scripts/seed_popularity.py [--rules FILE] [--catalogue FILE] [--check]

``kiosk/data/popularity-rules.csv`` lists (word, popularity, why); an item gets
the popularity of the FIRST rule whose word is in its name (so a narrow rule
such as 养老机构 → 0 placed before 养老 → 80 keeps a care home's licence out of
the pension services), or 0 when none matches. The catalogue is rewritten in
place with only that column changed (added as the last column if missing).
``--check`` changes nothing and exits 1 when the column differs from the rules.

No public per-item usage figures were found for the bundled items, so these
are rules, not measurements; a hall that has its own case counts puts them in
the column directly (docs/catalogue.md).
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "kiosk" / "data" / "popularity-rules.csv"
CATALOGUE = ROOT / "kiosk" / "data" / "service-items.csv"


def load_rules(path: Path) -> list[tuple[str, int]]:
    rules = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), 2):
            word, score = (row.get("word") or "").strip(), (row.get("popularity") or "").strip()
            if not word or not score.isdigit():
                raise SystemExit(f"{path}:{line}: a rule needs a word and a whole-number popularity")
            rules.append((word, int(score)))
    return rules


def popularity(name: str, rules: list[tuple[str, int]]) -> int:
    return next((score for word, score in rules if word in name), 0)


def seeded(text: str, rules: list[tuple[str, int]]) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    if "popularity" not in header:
        header.append("popularity")
        for row in rows[1:]:
            row.append("")
    at, name_at = header.index("popularity"), header.index("name")
    for row in rows[1:]:
        score = popularity(row[name_at], rules)
        row[at] = str(score) if score else ""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=Path, default=RULES)
    ap.add_argument("--catalogue", type=Path, default=CATALOGUE)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = args.catalogue.read_text(encoding="utf-8")
    new = seeded(text, load_rules(args.rules))
    if args.check:
        print("popularity column matches the rules" if new == text else "popularity column differs from the rules")
        return 0 if new == text else 1
    args.catalogue.write_text(new, encoding="utf-8")
    scores = [line.rsplit(",", 1)[-1] for line in new.splitlines()[1:]]
    print(f"{args.catalogue}: {sum(1 for s in scores if s)} of {len(scores)} items have a popularity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
