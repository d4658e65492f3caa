# SPDX-License-Identifier: Apache-2.0
"""Bundled public guides (办事指南) for the bundled sample catalogue, and same-name twins.

``kiosk/data/guides-*.csv`` hold guides copied from published government pages,
each row with its source (kiosk/data/README.md). :func:`supplement` fills a
bundled item's *empty* guide fields from the guide with the same name; what the
item's own row says always wins. A hall's own catalogue is never supplemented:
its export is the truth for its hall (docs/catalogue.md).

:func:`twins` finds, for an item without a guide, items of the same name (in
another department, or the same name with a qualifier in brackets) that have
one, so the citizen is led to the guide.
"""
from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path
from typing import Iterable

from .catalogue import Item, parse_record

GUIDES_DIR = Path(__file__).resolve().parent / "data"
FIELDS = ("materials", "steps", "promised_days", "legal_days", "fee", "location", "legal_basis")
_QUALIFIER = re.compile(r"（[^（）]*(?:（[^（）]*）[^（）]*)*）$")


def load_guides(paths: Iterable[Path] | None = None) -> list[Item]:
    """Every row of the bundled guide files, parsed with the catalogue's own rules."""
    paths = sorted(GUIDES_DIR.glob("guides-*.csv")) if paths is None else list(paths)
    guides: list[Item] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for n, rec in enumerate(csv.DictReader(fh), 2):
                rec = dict(rec, id=f"{path.stem}:{n}")
                guides.append(parse_record(rec))      # a bad bundled row is a bug: let it raise
    return guides


def _inner(name: str) -> str:
    """'户口迁入（夫妻投靠）' -> '夫妻投靠'; a name without a bracketed tail -> ''."""
    m = _QUALIFIER.search(name)
    return m.group(0)[1:-1] if m else ""


def _base(name: str) -> str:
    """'普通护照签发（首次申请）' -> '普通护照签发'."""
    m = _QUALIFIER.search(name)
    return name[:m.start()] if m and m.start() else name


def _matches(item: Item, guide: Item) -> bool:
    if guide.department and item.department and guide.department != item.department:
        return False
    return guide.name in (item.name, _inner(item.name))


def supplement(items: list[Item], guides: list[Item] | None = None) -> list[Item]:
    """Items with their empty guide fields filled from the matching bundled guide."""
    guides = load_guides() if guides is None else guides
    by_name: dict[str, list[Item]] = {}
    for g in guides:
        by_name.setdefault(g.name, []).append(g)
    out = []
    for item in items:
        found = [g for key in (item.name, _inner(item.name)) if key
                 for g in by_name.get(key, ()) if _matches(item, g)]
        if not found:
            out.append(item)
            continue
        guide = found[0]
        changes = {f: getattr(guide, f) for f in FIELDS
                   if getattr(guide, f) not in ((), "", None) and getattr(item, f) in ((), "", None)}
        if changes and guide.source and guide.source not in item.source:
            changes["source"] = f"{item.source}；办事指南：{guide.source}" if item.source else guide.source
        out.append(dataclasses.replace(item, **changes) if changes else item)
    return out


def twins(items: Iterable[Item], item: Item, limit: int = 3) -> list[Item]:
    """Items with a guide that are the same service as ``item`` (which has none).

    Same name in another department, or the same name with a qualifier in
    brackets (普通护照签发 -> 普通护照签发（首次申请）). Items with a full guide first.
    """
    if item.has_guide:
        return []
    base = _base(item.name)
    found = [other for other in items
             if other.id != item.id and other.has_guide
             and (other.name == item.name or _base(other.name) in (item.name, base))]
    found.sort(key=lambda o: (not o.has_full_guide, o.name != item.name, o.id))
    return found[:limit]
