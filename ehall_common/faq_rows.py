# SPDX-License-Identifier: Apache-2.0
"""One FAQ entry's shape and checks, shared by the kiosk (kiosk/consult/faq.py loads the hall's
knowledge base) and the hub (helpdesk/kb_write.py adds the staff's answers to it): the same
columns, limits and refusals on both sides."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ehall_common import tables

COLUMNS = ("id", "question", "variants", "answer", "category", "related_items", "source", "name_en")
REQUIRED = ("id", "question", "answer")
MAX_BYTES = 20 * 1024 * 1024
SHAPE = tables.Shape("knowledge base", "entry", COLUMNS, REQUIRED, "faq", MAX_BYTES)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPLIT = re.compile(r"\s*\|\s*")
_SOURCES = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Faq:
    id: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    category: str = ""
    related_items: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    name_en: str = ""               # the question in English, shown in English sessions; optional


def _text(value: Any, key: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip()
    if _BAD_CHARS.search(text):
        raise ValueError(f"{key}: contains a control, zero-width or direction-override character")
    if required and not text:
        raise ValueError(f"{key} is empty")
    if len(text) > limit:
        raise ValueError(f"{key}: {len(text)} characters, at most {limit}")
    return text


def _parts(value: Any, key: str, splitter: re.Pattern, limit: int) -> tuple[str, ...]:
    if isinstance(value, list):
        parts = [_text(v, key, limit) for v in value]
    else:
        parts = [p for p in splitter.split(_text(value, key, 4000)) if p]
    parts = [p for p in parts if p]
    if any(len(p) > limit for p in parts):
        raise ValueError(f"{key}: an entry is longer than {limit} characters")
    return tuple(dict.fromkeys(parts))


def parse_entry(rec: dict[str, Any]) -> Faq:
    faq_id = _text(rec.get("id"), "id", 40, required=True)
    if not _ID.match(faq_id):
        raise ValueError(f"id {faq_id[:40]!r}: letters, digits, '-', '_' or '.' only")
    return Faq(
        id=faq_id,
        question=_text(rec.get("question"), "question", 200, required=True),
        answer=_text(rec.get("answer"), "answer", 2000, required=True),
        variants=_parts(rec.get("variants"), "variants", _SPLIT, 200),
        category=_text(rec.get("category"), "category", 40),
        related_items=_parts(rec.get("related_items"), "related_items", re.compile(r"[\s,;|，；]+"), 40),
        sources=_parts(rec.get("source", rec.get("sources")), "source", _SOURCES, 500),
        name_en=_english(rec.get("name_en")),
    )


def _english(value: Any) -> str:
    """``name_en``: the question in English (Latin script), or empty."""
    text = _text(value, "name_en", 200)
    bad = re.search(r"[\u3000-\u9fff\uff00-\uffef]", text)
    if bad:
        raise ValueError(f"name_en must be English: it has {bad.group()!r} (leave it empty to show the Chinese question)")
    return text
