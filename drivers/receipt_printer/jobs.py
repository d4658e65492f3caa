# SPDX-License-Identifier: Apache-2.0
"""Print jobs as data, and the journal that makes printing idempotent.

A job is a job id plus a list of operations the driver can encode. The
layout engine (``kiosk.printing``) produces them; the driver never sees
templates. The journal remembers printed job ids (and the paper used) so a
retry with the same id never prints twice, also across restarts when it is
given a file.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

ALIGNS = ("left", "center", "right")


@dataclass(frozen=True)
class TextLine:
    """One printed line (the caller wraps). ``width``/``height`` are 1..8 multipliers."""
    text: str
    align: str = "left"
    width: int = 1
    height: int = 1
    bold: bool = False

    def __post_init__(self) -> None:
        if self.align not in ALIGNS:
            raise ValueError(f"align must be one of {ALIGNS}")
        if not (1 <= self.width <= 8 and 1 <= self.height <= 8):
            raise ValueError("text size multipliers are 1..8")
        if "\n" in self.text or "\r" in self.text:
            raise ValueError("one TextLine is one line; wrap before")


@dataclass(frozen=True)
class QrCode:
    data: str
    module: int = 6          # dots per module (1..16)
    align: str = "center"
    ec: str = "M"            # L, M, Q, H


@dataclass(frozen=True)
class Picture:
    """A monochrome bitmap (PIL image), at most the profile's width."""
    image: Any
    align: str = "center"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    partial: bool = False


Op = Union[TextLine, QrCode, Picture, Feed, Cut]


@dataclass
class PrintJob:
    job_id: str
    ops: list[Op] = field(default_factory=list)
    title: str = ""   # for logs and the admin, never printed

    def __post_init__(self) -> None:
        if not self.job_id or len(self.job_id) > 128:
            raise ValueError("a print job needs a job id of 1..128 characters")


@dataclass(frozen=True)
class JobResult:
    job_id: str
    printed: bool            # False: it was printed before, nothing was sent now
    duplicate: bool
    bytes_sent: int = 0
    length_mm: float = 0.0
    image_lines: int = 0     # lines drawn as bitmaps (characters the font lacks)
    warning: str | None = None  # a warning code after the job (PRN_PAPER_NEAR_END ...)


class JobJournal:
    """Printed job ids and paper used since the last roll change.

    With ``path`` it is kept as a small JSON file (written after each job);
    without, in memory only. Thread-safe.
    """

    def __init__(self, path: Path | None = None, keep: int = 5000):
        self.path = Path(path) if path else None
        self.keep = keep
        self._lock = threading.Lock()
        self._printed: dict[str, float] = {}
        self.used_mm = 0.0
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path and self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._printed = {str(k): float(v) for k, v in data.get("printed", {}).items()}
            self.used_mm = float(data.get("used_mm", 0.0))

    def _save(self) -> None:
        if not self.path:
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"printed": self._printed, "used_mm": self.used_mm}), encoding="utf-8")
        tmp.replace(self.path)

    def was_printed(self, job_id: str) -> bool:
        with self._lock:
            self._load()
            return job_id in self._printed

    def record(self, job_id: str, length_mm: float) -> None:
        with self._lock:
            self._load()
            self._printed[job_id] = length_mm
            self.used_mm += length_mm
            while len(self._printed) > self.keep:
                self._printed.pop(next(iter(self._printed)))
            self._save()

    def roll_replaced(self) -> None:
        with self._lock:
            self._load()
            self.used_mm = 0.0
            self._save()
