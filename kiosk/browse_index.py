# SPDX-License-Identifier: Apache-2.0
"""What the browse screens list: items by life topic, departments A–Z.

Built once per catalogue in the core (no Kivy). Themes come from the
catalogue's ``themes`` column, else from the theme rules (kiosk/theme_rules.py).
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import pinyin_keys
from . import themes as themes_mod
from .catalogue import Catalogue, Item
from .theme_rules import RuleSet

log = logging.getLogger(__name__)
AZ_FORMAT = 1


@dataclass
class ThemeIndex:
    by_theme: dict[str, list[Item]]              # "个人:户籍办理" → items, catalogue order
    of_item: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, items: Sequence[Item], rules: RuleSet) -> "ThemeIndex":
        by_theme: dict[str, list[Item]] = {}
        of_item: dict[str, tuple[str, ...]] = {}
        for item in items:
            keys = rules.themes_for(item)
            of_item[item.id] = keys
            for k in keys:
                by_theme.setdefault(k, []).append(item)
        return cls(by_theme, of_item)

    def items(self, theme_key: str) -> list[Item]:
        return self.by_theme.get(theme_key, [])

    def groups(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Per group (个人, 法人): its themes that have items, with counts, in display order
        (个人: the everyday life events first; 法人: the platform's order, a business's life stages)."""
        out = []
        for group in themes_mod.GROUPS:
            rows = [(name, len(self.by_theme[themes_mod.key(group, name)]))
                    for name in themes_mod.DISPLAY[group] if themes_mod.key(group, name) in self.by_theme]
            out.append((group, rows))
        return out

    @property
    def covered(self) -> int:
        """Items with at least one theme."""
        return sum(1 for keys in self.of_item.values() if keys)


def _az_path(digest: str, cache_dir: Path) -> Path:
    return cache_dir / f"departments-az-{AZ_FORMAT}-{digest[:24]}.json"


def departments_az(catalogue: Catalogue, cache_dir: str | Path | None = None) -> list[tuple[str, int, str]]:
    """Departments with counts, alphabetised by pinyin; each with its initial letter (A–Z, # else).

    The order is cached as JSON beside the search index, keyed by the catalogue's sha256,
    so a kiosk whose catalogue has not changed never loads pypinyin for it.
    """
    cached = getattr(catalogue, "_departments_az", None)
    if cached is not None:
        return cached
    counts = dict(catalogue.departments())
    cache_dir = Path(cache_dir) if cache_dir else pinyin_keys.default_cache_dir()
    path = _az_path(catalogue.digest, cache_dir)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        cached = [(name, counts[name], initial) for name, initial in rows]
        if len(cached) != len(counts):
            raise ValueError("not these departments")
    except (OSError, ValueError, KeyError, TypeError):
        keyed = []
        names = list(counts)                      # pypinyin runs in a child, on a miss only
        for name, spelled in zip(names, pinyin_keys.sort_keys(names)):
            initial = spelled[:1].upper()
            keyed.append(((spelled, name), name, initial if "A" <= initial <= "Z" else "#"))
        keyed.sort()
        cached = [(name, counts[name], initial) for _k, name, initial in keyed]
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".departments-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([[name, initial] for name, _c, initial in cached], fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("department order not cached in %s: %s", cache_dir, exc.strerror)
    catalogue._departments_az = cached       # type: ignore[attr-defined]
    return cached
