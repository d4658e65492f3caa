# SPDX-License-Identifier: Apache-2.0
"""The hall's FAQ knowledge base (智能问答): questions, their other phrasings, answers, sources.

A knowledge base is CSV (UTF-8, or GB18030 as Excel writes it in China) or JSON, hall data like
the catalogue (docs/faq.md). Bad rows are named by file and line and left out; a file with no
usable entry is refused whole (``FaqError``), so the kiosk keeps the last good one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ehall_common import faq_rows, tables
from ehall_common.faq_rows import COLUMNS, Faq  # noqa: F401 - the kiosk's names for them

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "faq.csv"
SHAPE, MAX_BYTES = faq_rows.SHAPE, faq_rows.MAX_BYTES
parse_entry = faq_rows.parse_entry


class FaqError(Exception):
    """The knowledge base cannot be used at all."""


FaqRowError = tables.RowError       # FILE:LINE: reason (ehall_common/tables.py)


@dataclass
class KnowledgeBase:
    entries: list[Faq]
    source: str
    digest: str
    errors: list[FaqRowError]

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def by_id(self) -> dict[str, Faq]:
        return {f.id: f for f in self.entries}


def load(path: str | Path | None = None) -> KnowledgeBase:
    """Loads a knowledge base (None: the bundled one). Raises FaqError when nothing is usable."""
    path = Path(path) if path else BUNDLED
    file = str(path)
    try:
        raw, records = tables.read_table(path, SHAPE, [])
        entries, errors = tables.parse_rows(records, file, parse_entry, lambda faq: faq.id)
    except tables.TableError as exc:
        raise FaqError(str(exc)) from None
    if not entries:
        raise FaqError(f"{file}: no usable entry ({len(errors)} rows rejected)"
                       + (f"; first: {errors[0]}" if errors else ""))
    return KnowledgeBase(entries, file, hashlib.sha256(raw).hexdigest(), errors)
