# SPDX-License-Identifier: Apache-2.0
"""A small receipt document model: what a receipt says, not how bytes look.

Templates (``kiosk.printing.templates``) build a :class:`Document` from data;
``kiosk.printing.layout.render`` turns it into a driver print job for one
printer profile (wrapping by display width, sizes, image fallbacks).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Union

from kiosk.i18n import _


@dataclass(frozen=True)
class Title:
    """Headline: double width and height, bold, centred by default."""
    text: str
    align: str = "center"


@dataclass(frozen=True)
class Text:
    """A paragraph; wrapped to the paper. ``large`` is the older-citizen size."""
    text: str
    align: str = "left"
    large: bool = False
    bold: bool = False


@dataclass(frozen=True)
class BigText:
    """Very large short text (a queue number): ``scale`` 2..6, never wrapped below one line."""
    text: str
    scale: int = 3
    align: str = "center"


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Checklist:
    """Items with an empty tick box each (□, in GB2312) and a hanging indent."""
    items: tuple[str, ...]
    large: bool = False
    box: str = "□"


@dataclass(frozen=True)
class Steps:
    """Numbered steps with a hanging indent."""
    items: tuple[str, ...]
    large: bool = False


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str
    large: bool = False


@dataclass(frozen=True)
class Qr:
    data: str
    caption: str = ""
    module: int = 6


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class CutPaper:
    pass


Block = Union[Title, Text, BigText, Rule, Checklist, Steps, KeyValue, Qr, Blank, CutPaper]


@dataclass
class Document:
    """An ordered list of blocks plus the idempotency key of the print job."""
    blocks: list[Block] = field(default_factory=list)
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    title: str = ""  # for logs, never printed

    def add(self, *blocks: Block) -> "Document":
        self.blocks.extend(blocks)
        return self

    def plain_text(self) -> list[str]:
        """The words of the receipt, unwrapped (for logs, previews and tests)."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, (Title, Text, BigText)):
                out.append(b.text)
            elif isinstance(b, KeyValue):
                out.append(b.key + _("：") + b.value)
            elif isinstance(b, Checklist):
                out.extend(f"{b.box} {i}" for i in b.items)
            elif isinstance(b, Steps):
                out.extend(f"{n}. {s}" for n, s in enumerate(b.items, 1))
            elif isinstance(b, Qr) and b.caption:
                out.append(b.caption)
        return out
