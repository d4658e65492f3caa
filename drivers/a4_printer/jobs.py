# SPDX-License-Identifier: Apache-2.0
"""A4 jobs as data, and the journal of job keys that makes submitting idempotent.

The journal maps each job key to the native job id it was submitted as.
With a file it survives restarts; the CUPS backend also finds a key again
by the job name in CUPS' job history, so a lost journal does not print twice.
"""
from __future__ import annotations

import enum
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from drivers.base import ErrorCode


class JobState(enum.Enum):
    """IPP job-state (RFC 8011 §5.3.7); ``NOT_SUBMITTED`` is ours: kept, never sent."""
    NOT_SUBMITTED = 0
    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9

    @property
    def final(self) -> bool:
        return self in (JobState.CANCELED, JobState.ABORTED, JobState.COMPLETED)


@dataclass(frozen=True)
class A4Job:
    job_key: str
    job_id: int                   # native id (CUPS job id); 0 when not submitted
    state: JobState
    error: ErrorCode | None = None  # why it is not printing (paper out ...) or failed
    warning: ErrorCode | None = None
    message: str = ""             # the printer's or CUPS' own words, for the admin
    duplicate: bool = False       # submit() found this key already submitted; nothing sent now

    @property
    def done(self) -> bool:
        return self.state is JobState.COMPLETED


@dataclass(frozen=True)
class QueueStatus:
    """One reading of the queue. ``state``: idle, processing or stopped."""
    state: str
    accepting: bool
    reasons: tuple[str, ...] = ()
    message: str = ""


def job_name(title: str, job_key: str) -> str:
    """The CUPS job name: readable in ``lpstat``, and it carries the key for de-duplication."""
    return f"{title[:60]} #{job_key}" if title else f"#{job_key}"


def key_of(name: str) -> str | None:
    return name.rsplit(" #", 1)[-1].lstrip("#") if "#" in name else None


class KeyJournal:
    """job key -> native job id. Thread-safe; a JSON file when ``path`` is given."""

    def __init__(self, path: Path | None = None, keep: int = 5000):
        self.path = Path(path) if path else None
        self.keep = keep
        self._lock = threading.Lock()
        self._ids: dict[str, int] | None = None

    def _load(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {}
            if self.path and self.path.exists():
                self._ids = {str(k): int(v) for k, v in json.loads(self.path.read_text("utf-8")).items()}
        return self._ids

    def get(self, job_key: str) -> int | None:
        with self._lock:
            return self._load().get(job_key)

    def record(self, job_key: str, job_id: int) -> None:
        with self._lock:
            ids = self._load()
            ids[job_key] = job_id
            while len(ids) > self.keep:
                ids.pop(next(iter(ids)))
            if self.path:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(ids), encoding="utf-8")
                tmp.replace(self.path)

    def forget(self, job_key: str) -> None:
        with self._lock:
            self._load().pop(job_key, None)
