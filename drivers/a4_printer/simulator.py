# SPDX-License-Identifier: Apache-2.0
"""``sim://``: a simulated A4 printer that writes each printed PDF to a spool folder.

``sim://?spool=/var/tmp/a4&mode=paper_out``. Without ``spool`` the PDFs go to a temp
folder (``ehall-a4-sim-*``) made at the first print and removed by ``close()`` (or at
interpreter exit): they live as long as the printer; name a ``spool`` to keep them.
A ``spool`` named in the URI is never removed. Scriptable with
``set_mode("ready" | "paper_out" | "offline" | "jam" | "stuck" | "stopped" |
"stopped_locked" | "down")``: paper out, offline and jam keep jobs waiting
with the matching IPP reason; ``stuck`` accepts jobs and never finishes them
(a printer that never answers); ``stopped`` is a stopped queue the driver
may restart, ``stopped_locked`` one it may not; ``down`` is CUPS not running.
Jobs waiting complete as soon as the mode is ``ready`` again. No timeouts:
the simulator answers at once.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

from drivers.a4_printer import errors as e
from drivers.a4_printer.interface import A4Printer
from drivers.a4_printer.jobs import JobState, KeyJournal, QueueStatus, key_of
from drivers.base import DeviceError, DeviceUri

MODES = ("ready", "paper_out", "offline", "jam", "stuck", "stopped", "stopped_locked", "down")
_REASONS = {"paper_out": ("media-empty-error",), "offline": ("offline-report",), "jam": ("media-jam-error",)}


class SimulatedA4Printer(A4Printer):
    def __init__(self, uri: str | DeviceUri = "sim://", name: str = "a4_printer",
                 journal: KeyJournal | None = None):
        super().__init__(name, journal)
        self.uri = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
        self._spool = Path(self.uri.params["spool"]) if self.uri.params.get("spool") else None
        self._remove_spool: weakref.finalize | None = None   # set when the spool is our temp folder
        self.mode = "ready"
        self.set_mode(self.uri.params.get("mode", "ready"))
        self._jobs: dict[int, list] = {}   # id -> [name, state, pdf]
        self._next = 1
        self._lock2 = threading.Lock()
        self.printed: list[Path] = []      # files written, in order

    @property
    def spool(self) -> Path:
        if self._spool is None:  # created on first use, never at import or construction
            self._spool = Path(tempfile.mkdtemp(prefix="ehall-a4-sim-"))
            self._remove_spool = weakref.finalize(self, shutil.rmtree, self._spool, ignore_errors=True)
        self._spool.mkdir(parents=True, exist_ok=True)
        return self._spool

    def close(self) -> None:
        """Removes the temp spool and the PDFs in it (a ``spool`` from the URI stays). Idempotent."""
        with self._lock2:
            if self._remove_spool is not None:
                self._remove_spool()         # runs once
                self._remove_spool, self._spool = None, None
        super().close()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"simulated A4 printer mode must be one of {MODES}")
        self.mode = mode

    # -- hooks ----------------------------------------------------------------
    def _check_up(self) -> None:
        if self.mode == "down":
            raise DeviceError(e.A4_CUPS_DOWN, "simulated scheduler not running")

    def _queue_status(self) -> QueueStatus:
        self._check_up()
        self._advance()
        stopped = self.mode in ("stopped", "stopped_locked")
        busy = any(j[1] is JobState.PROCESSING for j in self._jobs.values())
        return QueueStatus("stopped" if stopped else "processing" if busy else "idle", True,
                           _REASONS.get(self.mode, ()), "simulated stop" if stopped else "")

    def _submit(self, pdf: bytes, name: str) -> int:
        self._check_up()
        with self._lock2:
            job_id, self._next = self._next, self._next + 1
            self._jobs[job_id] = [name, JobState.PENDING, pdf]
        self._advance()
        return job_id

    def _job_status(self, job_id: int) -> tuple[JobState, str]:
        self._check_up()
        self._advance()
        job = self._jobs.get(job_id)
        if job is None:
            raise DeviceError(e.A4_JOB_UNKNOWN, str(job_id))
        return job[1], "" if self.mode == "ready" else f"simulated {self.mode}"

    def _cancel(self, job_id: int) -> None:
        with self._lock2:
            if job_id in self._jobs and not self._jobs[job_id][1].final:
                self._jobs[job_id][1] = JobState.CANCELED

    def _find_job(self, name: str) -> int | None:
        found = [i for i, j in self._jobs.items() if j[0] == name]
        return max(found) if found else None

    def _repair(self) -> None:
        if self.mode == "stopped_locked":
            raise DeviceError(e.A4_QUEUE_STOPPED, "simulated: not allowed to enable the queue")
        if self.mode == "stopped":
            self.mode = "ready"

    def _advance(self) -> None:
        """Jobs move on: all complete in ``ready``; otherwise the first one waits."""
        with self._lock2:
            for job_id, job in sorted(self._jobs.items()):
                if job[1].final:
                    continue
                if self.mode != "ready":
                    job[1] = JobState.PENDING if self.mode.startswith("stopped") else JobState.PROCESSING
                    return
                safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key_of(job[0]) or str(job_id))
                path = self.spool / f"{job_id:05d}-{safe}.pdf"
                path.write_bytes(job[2])
                self.printed.append(path)
                job[1], job[2] = JobState.COMPLETED, b""
                self._emit("sim_printed", job_id=job_id, path=str(path))

    def capabilities(self) -> dict:
        return {"queue": "sim", "paper": "A4", "spool": str(self._spool or "(temp)"), "color": False,
                "duplex": False, "error_policy": "retry-job"}
