# SPDX-License-Identifier: Apache-2.0
"""The hall's service catalogue: loading, validation and browsing.

A catalogue is CSV (UTF-8, or GB18030 as Excel writes it in China) or JSON;
docs/catalogue.md gives the format. A bad row is reported with file, line and
reason and skipped; the rest loads. A file that is unusable as a whole raises
:class:`CatalogueError`.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ehall_common import tables
from ehall_common.safe_read import CATALOGUE_MAX_BYTES

from . import i18n
from . import themes as themes_mod
from .i18n import _

BUNDLED = Path(__file__).resolve().parent / "data" / "service-items.csv"

AUDIENCES = ("个人", "法人")
CHANNELS = ("网上办", "掌上办", "自助终端", "窗口")
COLUMNS = ("id", "name", "department", "category", "audience", "channels", "promised_days",
           "legal_days", "fee", "materials", "steps", "phone", "url", "source", "keywords",
           "location", "legal_basis", "themes", "popularity", "online_url", "name_en")
REQUIRED = ("id", "name")
SHAPE = tables.Shape("catalogue", "item", COLUMNS, REQUIRED, "items", CATALOGUE_MAX_BYTES)
_LIST_SPLIT = re.compile(r"\s*[,，、]\s*")
_STEP_SPLIT = re.compile(r"\s*[;；]\s*")
_KEYWORD_SPLIT = re.compile(r"\s*[;；,，、]\s*")
KEYWORD_CHARS = 40                  # one keyword (俗称) at most; search rows stay within numpy's columns
KEYWORDS_PER_ITEM = 20
POPULARITY_MAX = 1_000_000_000      # popularity: a score or a yearly count of cases
# C0 and C1 controls, bidi overrides/isolates (U+202E can reverse what a citizen reads)
# and zero-width characters (invisible, they make look-alike names)
_HANZI = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      "\u2066-\u2069\ufeff]")


class CatalogueError(Exception):
    """The catalogue cannot be used at all."""


RowError = tables.RowError          # FILE:LINE: reason (ehall_common/tables.py)


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    department: str = ""
    category: str = ""
    audience: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    promised_days: int | None = None
    legal_days: int | None = None
    fee: str = ""
    materials: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    phone: str = ""
    url: str = ""
    source: str = ""
    keywords: tuple[str, ...] = ()  # the hall's colloquial search words (俗称): found like the name
    location: str = ""              # 办理地点
    legal_basis: str = ""           # 设定依据
    online_url: str = ""            # 在本机办理: where the kiosk's browser does it (web.allowed_hosts decides)
    name_en: str = ""               # the name in English, shown in English sessions (shown_name); optional

    @property
    def has_full_guide(self) -> bool:
        """Materials plus steps or a time limit: enough to prepare a visit (issue 19's count)."""
        return bool(self.materials) and bool(self.steps or self.promised_days is not None
                                             or self.legal_days is not None)
    themes: tuple[str, ...] = ()    # life topics as "个人:户籍办理" (kiosk/themes.py); empty: the rules decide
    popularity: int = 0             # how often citizens need it (higher first among equal matches)

    @property
    def has_guide(self) -> bool:
        """True when the data says more than the name: materials, steps, limits or fee."""
        return bool(self.materials or self.steps or self.fee
                    or self.promised_days is not None or self.legal_days is not None)


@dataclass
class Catalogue:
    items: list[Item]
    source: str
    digest: str                     # sha256 of the file's bytes: keys the search-index cache
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {item.id: item for item in self.items}

    def __len__(self) -> int:
        return len(self.items)

    def departments(self) -> list[tuple[str, int]]:
        """Departments with their item counts, largest first."""
        counts = Counter(i.department or "其他部门" for i in self.items)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def categories(self) -> list[tuple[str, int]]:
        counts = Counter(i.category or "其他事项" for i in self.items)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def audiences(self) -> list[tuple[str, int]]:
        return [(a, sum(1 for i in self.items if a in i.audience)) for a in AUDIENCES]

    def filter(self, *, department: str | None = None, category: str | None = None,
               audience: str | None = None) -> list[Item]:
        out = self.items
        if department is not None:
            out = [i for i in out if (i.department or "其他部门") == department]
        if category is not None:
            out = [i for i in out if (i.category or "其他事项") == category]
        if audience is not None:
            out = [i for i in out if audience in i.audience]
        return out


# -- parsing one record ---------------------------------------------------------

def _text(value: Any, key: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text, not {type(value).__name__}")
    value = value.strip()
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"{key} contains control, bidi-override or zero-width characters "
                         f"(U+{ord(bad.group()):04X})")
    if len(value) > limit:
        raise ValueError(f"{key} is longer than {limit} characters")
    return value


def _list(value: Any, key: str, splitter: re.Pattern, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        parts = [_text(v, key, 500) for v in value]
    else:
        parts = splitter.split(_text(value, key, 5000))
    parts = [p for p in parts if p]
    if allowed is not None:
        bad = [p for p in parts if p not in allowed]
        if bad:
            raise ValueError(f"{key} has {bad[0]!r}; allowed: {'、'.join(allowed)}")
    return tuple(parts)


def _days(value: Any, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number of working days")
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{key} must be a number of working days, not {value!r}") from None
    if not 0 <= days <= 3650:
        raise ValueError(f"{key} must be 0 to 3650 working days, not {days}")
    return days


def _popularity(value: Any) -> int:
    """A whole number 0 … POPULARITY_MAX; empty is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError(f"popularity must be a whole number, not {value!r}")
    try:
        number = int(value) if isinstance(value, (int, float)) else int(str(value).strip())
    except ValueError:
        raise ValueError(f"popularity must be a whole number, not {value!r}") from None
    if not 0 <= number <= POPULARITY_MAX:
        raise ValueError(f"popularity must be 0 to {POPULARITY_MAX}, not {number}")
    return number


def _keywords(value: Any) -> tuple[str, ...]:
    """俗称/关键词: text or a JSON list, split at ; ； , ， 、; duplicates kept once."""
    if value is None or value == "":
        return ()
    values = value if isinstance(value, list) else [value]
    words: list[str] = []
    for v in values:
        for word in _KEYWORD_SPLIT.split(_text(v, "keywords", 2000)):
            if len(word) > KEYWORD_CHARS:
                raise ValueError(f"keywords has {word[:12]!r}…, longer than {KEYWORD_CHARS} characters")
            if word and not any(ch.isalnum() for ch in word):
                raise ValueError(f"keywords has {word!r}, with no letter, digit or Chinese character")
            if word and word not in words:
                words.append(word)
    if len(words) > KEYWORDS_PER_ITEM:
        raise ValueError(f"keywords has {len(words)} words; at most {KEYWORDS_PER_ITEM}")
    return tuple(words)


def _themes(value: Any, audience: tuple[str, ...]) -> tuple[str, ...]:
    """服务主题: text or a JSON list, split at ; ； , ， 、; each a national-platform theme."""
    if value is None or value == "":
        return ()
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        for word in _KEYWORD_SPLIT.split(_text(v, "themes", 1000)):
            if word:
                out.extend(k for k in themes_mod.normalize(word, audience) if k not in out)
    return tuple(sorted(out, key=themes_mod.order))


def parse_record(rec: dict[str, Any]) -> Item:
    """Builds one :class:`Item`; raises ValueError with the reason."""
    item_id = _text(rec.get("id"), "id", 64)
    name = _text(rec.get("name"), "name", 200)
    if not item_id:
        raise ValueError("id is empty")
    if not name:
        raise ValueError("name is empty")
    url = _text(rec.get("url"), "url", 2000)
    if url and not url.startswith(("http://", "https://")):
        raise ValueError("url must start with http:// or https://")
    online_url = _text(rec.get("online_url"), "online_url", 2000)
    if online_url and not online_url.startswith(("https://", "http://")):
        raise ValueError("online_url must start with https:// (http:// only for a host that web.allowed_hosts "
                         "lists as http://HOST)")
    audience = _list(rec.get("audience"), "audience", _LIST_SPLIT, AUDIENCES)
    return Item(
        id=item_id, name=name,
        department=_text(rec.get("department"), "department", 100),
        category=_text(rec.get("category"), "category", 40),
        audience=audience,
        channels=_list(rec.get("channels"), "channels", _LIST_SPLIT, CHANNELS),
        promised_days=_days(rec.get("promised_days"), "promised_days"),
        legal_days=_days(rec.get("legal_days"), "legal_days"),
        fee=_text(rec.get("fee"), "fee", 200),
        materials=_list(rec.get("materials"), "materials", _STEP_SPLIT),
        steps=_list(rec.get("steps"), "steps", _STEP_SPLIT),
        phone=_text(rec.get("phone"), "phone", 60),
        url=url,
        source=_text(rec.get("source"), "source", 1000),
        keywords=_keywords(rec.get("keywords")),
        location=_text(rec.get("location"), "location", 500),
        legal_basis=_text(rec.get("legal_basis"), "legal_basis", 3000),
        themes=_themes(rec.get("themes"), audience),
        popularity=_popularity(rec.get("popularity")),
        online_url=online_url,
        name_en=_name_en(rec.get("name_en")),
    )


def _name_en(value: Any) -> str:
    """The English name: text without Chinese characters or full-width punctuation (a name with
    them is the Chinese one in the wrong column, or a mix an English reader cannot use)."""
    text = _text(value, "name_en", 200)
    bad = _HANZI.search(text)
    if bad:
        raise ValueError(f"name_en must be English: it has {bad.group()!r} (leave it empty to show the Chinese name)")
    return text


def shown_name(item: Item, language: str | None = None) -> str:
    """What the item is called for the reader (docs/i18n.md, "Item names"): the catalogue's name in
    Chinese; in English its ``name_en`` where the catalogue has one, else the official Chinese name
    followed by "(Chinese name)", so a visitor knows it is the name to show at the window, not a
    text the kiosk failed to translate."""
    language = language or i18n.current()
    if language == i18n.SOURCE:
        return item.name
    if item.name_en:
        return item.name_en
    return _("{name}（中文名称）", language).format(name=item.name)


# -- files ------------------------------------------------------------------------

def load(path: str | Path | None = None) -> Catalogue:
    """Loads a catalogue file (None: the bundled one)."""
    path = Path(path) if path else BUNDLED
    file = str(path)
    warnings: list[str] = []
    try:
        raw, records = tables.read_table(path, SHAPE, warnings)
        items, errors = tables.parse_rows(records, file, parse_record, lambda item: item.id)
    except tables.TableError as exc:
        raise CatalogueError(str(exc)) from None
    if not items:
        raise CatalogueError(f"{file}: no usable item ({len(errors)} rows rejected)"
                             + (f"; first: {errors[0]}" if errors else ""))
    if path.resolve() == BUNDLED:             # the bundled sample gains the bundled guides
        from .guides import supplement
        items = supplement(items)
    return Catalogue(items, file, hashlib.sha256(raw).hexdigest(), errors, warnings)
