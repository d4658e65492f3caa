# SPDX-License-Identifier: Apache-2.0
"""What the browse screens list: items by life topic, departments A–Z.

Built once per catalogue in the core (no Kivy). Themes come from the
catalogue's ``themes`` column, else from the theme rules (kiosk/theme_rules.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from . import themes as themes_mod
from .catalogue import Catalogue, Item
from .theme_rules import RuleSet


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
        """Per group (个人, 法人): its themes that have items, with counts, in the platform's order."""
        out = []
        for group in themes_mod.GROUPS:
            rows = [(name, len(self.by_theme[themes_mod.key(group, name)]))
                    for name in themes_mod.VOCABULARY[group] if themes_mod.key(group, name) in self.by_theme]
            out.append((group, rows))
        return out

    @property
    def covered(self) -> int:
        """Items with at least one theme."""
        return sum(1 for keys in self.of_item.values() if keys)


def pinyin_sort_key(text: str) -> tuple[str, str]:
    from pypinyin import lazy_pinyin   # 0.4 s to import: only when the department list is first asked for

    return ("".join(lazy_pinyin(text, errors=lambda chunk: list(chunk))).lower(), text)


def departments_az(catalogue: Catalogue) -> list[tuple[str, int, str]]:
    """Departments with counts, alphabetised by pinyin; each with its initial letter (A–Z, # else)."""
    cached = getattr(catalogue, "_departments_az", None)
    if cached is None:
        rows = []
        for name, count in catalogue.departments():
            sort_key = pinyin_sort_key(name)
            initial = sort_key[0][:1].upper()
            rows.append((sort_key, name, count, initial if "A" <= initial <= "Z" else "#"))
        rows.sort()
        cached = [(name, count, initial) for _k, name, count, initial in rows]
        catalogue._departments_az = cached       # type: ignore[attr-defined]
    return cached
