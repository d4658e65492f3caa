# SPDX-License-Identifier: Apache-2.0
"""``A4Printer``: the interface every A4 (certificate) printer backend implements.

Public template methods hold the policy: every call to the print system is
bounded (``timeout`` s, default 2), a job key is submitted at most once,
a stopped queue is restarted once and reported if it stops again, printer
reasons become coded ``A4_*`` errors. Backends override the ``_`` hooks,
which may block; they are always run on a helper thread with a deadline.
"""
from __future__ import annotations

import abc
import threading
import time
from typing import Any, Callable, TypeVar

from drivers.a4_printer import errors as e
from drivers.a4_printer.jobs import A4Job, JobState, KeyJournal, QueueStatus, job_name
from drivers.a4_printer.policy import QueueJudge, call_with_deadline
from drivers.base import Device, DeviceError, DeviceState, ErrorCode, Severity

T = TypeVar("T")
CALL_TIMEOUT = 2.0      # s for one call to the print system
REPAIR_COOLDOWN = 60.0  # s: a queue that stops again within this is reported, not restarted again


class A4Printer(Device, abc.ABC):
    kind = "a4_printer"

    def __init__(self, name: str, journal: KeyJournal | None = None, timeout: float = CALL_TIMEOUT,
                 auto_enable: bool = True):
        super().__init__(name)
        self.journal = journal or KeyJournal()
        self.timeout = timeout
        self.auto_enable = auto_enable
        self.last_status: QueueStatus | None = None
        self.repairs: list[str] = []          # what the driver did to the queue, for the admin
        self._kept: dict[str, tuple[bytes, str]] = {}  # not submitted (printer was down): pdf, title
        self._last_repair = -REPAIR_COOLDOWN
        self._stop_message = ""
        self._judge_queue = QueueJudge()        # reasons -> codes, transient ones held a moment
        self._submit_lock = threading.Lock()  # one submit at a time: a concurrent retry sees the first

    # -- hooks (blocking is fine: they run on a helper thread) ---------------
    def _configure(self) -> None:
        """Set queue policy (error policy ...); raise DeviceError if impossible."""

    @abc.abstractmethod
    def _queue_status(self) -> QueueStatus: ...

    @abc.abstractmethod
    def _submit(self, pdf: bytes, name: str) -> int: ...

    @abc.abstractmethod
    def _job_status(self, job_id: int) -> tuple[JobState, str]: ...

    @abc.abstractmethod
    def _cancel(self, job_id: int) -> None: ...

    def _find_job(self, name: str) -> int | None:
        """A job already in the print system under ``name`` (any state), else None."""
        return None

    def _release(self, job_id: int) -> None:
        """Let a job CUPS holds after a failed try run now."""

    @abc.abstractmethod
    def _repair(self) -> None:
        """Enable the queue and make it accept jobs; raise DeviceError if not allowed."""

    # -- public API: call from a worker thread, never the UI's ----------------
    def open(self) -> QueueStatus | None:
        """Apply the queue policy and read status (≤ 2 × timeout). Never raises."""
        self._set_state(DeviceState.CONNECTING)
        try:
            self._call(self._configure)
        except DeviceError as exc:
            self._enter(exc.error, exc.detail)
            return None
        return self.refresh()

    def close(self) -> None:
        return None

    def refresh(self) -> QueueStatus | None:
        """Read the queue (≤ timeout), restart it if stopped, set the state. Never raises."""
        try:
            status = self._call(self._queue_status)
            if self.auto_enable and (status.state == "stopped" or not status.accepting):
                status = self._restart(status)
        except DeviceError as exc:
            self._enter(exc.error, exc.detail)
            return None
        self.last_status = status
        blocking, warning = self._judge(status)
        if blocking is not None:
            again = f"stopped again after a restart; before: {self._stop_message}" \
                if blocking is e.A4_QUEUE_STOPPED and self._stop_message else ""
            self._enter(blocking, status.message or again or ", ".join(status.reasons))
        elif warning is not None:
            self._enter(warning, ", ".join(status.reasons))
        else:
            recovered = self._state in (DeviceState.FAULT, DeviceState.ABSENT)
            self._set_state(DeviceState.READY)
            if recovered:
                self._emit("printer_recovered", kept=len(self._kept))
        return status

    def submit(self, pdf: bytes, title: str, job_key: str) -> A4Job:
        """Queue ``pdf`` under ``job_key``, at most once per key (≤ ~3 × timeout).

        A key already submitted returns that job (``duplicate=True``) and sends
        nothing, unless CUPS aborted or cancelled it. When the printer is down
        (no paper, offline, stopped queue ...) nothing is sent, the document is
        kept for :meth:`retry` and ``DeviceError`` (``A4_*``) is raised.
        """
        if not pdf.startswith(b"%PDF-"):
            raise DeviceError(e.A4_BAD_DOCUMENT, f"{len(pdf)} bytes starting {pdf[:8]!r}")
        with self._submit_lock:
            return self._submit_once(pdf, title, job_key)

    def _submit_once(self, pdf: bytes, title: str, job_key: str) -> A4Job:
        name = job_name(title, job_key)
        self._kept.setdefault(job_key, (pdf, title))  # kept until it is in the queue
        known = self.journal.get(job_key) or self._call(self._find_job, name)
        if known:
            job = self.job(job_key, known)
            if job.state is JobState.HELD:  # CUPS waits JobRetryInterval (and ~10 s more): try now
                self._call(self._release, known)
                job = self.job(job_key, known)
            if job.state not in (JobState.ABORTED, JobState.CANCELED):
                self._kept.pop(job_key, None)
                return A4Job(job.job_key, job.job_id, job.state, job.error, job.warning, job.message, True)
        status = self.refresh()
        if self._state in (DeviceState.FAULT, DeviceState.ABSENT) or status is None:
            err = self._error.error if self._error else e.A4_OFFLINE
            self._emit("job_held", job_key=job_key, code=err.code)
            raise DeviceError(err, self._error.detail if self._error else "")
        job_id = self._call(self._submit, pdf, name)
        self.journal.record(job_key, job_id)
        self._kept.pop(job_key, None)
        self._emit("job_submitted", job_key=job_key, job_id=job_id)
        return self.job(job_key, job_id)

    def job(self, job_key: str, job_id: int | None = None) -> A4Job:
        """The job's state now, with the printer's blocking reason if it is waiting."""
        if job_key in self._kept and job_id is None:
            err = self._error.error if self._error else None
            return A4Job(job_key, 0, JobState.NOT_SUBMITTED, err)
        job_id = job_id or self.journal.get(job_key)
        if not job_id:
            raise DeviceError(e.A4_JOB_UNKNOWN, job_key)
        state, message = self._call(self._job_status, job_id)
        error: ErrorCode | None = None
        warning: ErrorCode | None = None
        if state is JobState.ABORTED:
            error = e.A4_JOB_FAILED
        elif state is JobState.CANCELED:
            error = e.A4_JOB_CANCELED
        elif state is JobState.HELD:  # the kiosk never holds jobs: CUPS holds one after a failed try
            error = e.A4_TRANSMIT
            self._enter(error, message)
        elif not state.final:
            status = self.refresh()
            if status is not None:
                error, warning = self._judge(status)
                error = error or e.from_message(message or status.message)
                if error is not None and self._state is DeviceState.READY:
                    self._enter(error, message)
            elif self._error is not None:
                error = self._error.error
        return A4Job(job_key, job_id, state, error, warning, message)

    def wait(self, job_key: str, timeout: float = 3.0, poll: float = 0.05) -> A4Job:
        """Poll until the job completes, fails, the printer reports a blocking
        reason, or ``timeout`` s pass (then ``error`` is ``A4_NO_RESPONSE``)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_key)
            if job.state.final or job.error is not None:
                break
            if time.monotonic() + poll > deadline:
                job = A4Job(job.job_key, job.job_id, job.state, e.A4_NO_RESPONSE, job.warning,
                            job.message or f"not finished after {timeout:.1f} s")
                self._enter(e.A4_NO_RESPONSE, job.message)
                break
            time.sleep(poll)
        if job.done:
            self._emit("job_completed", job_key=job_key, job_id=job.job_id)
        elif job.error is not None:
            self._emit("job_held", job_key=job_key, code=job.error.code)
        return job

    def retry(self, job_key: str) -> A4Job:
        """Submit a kept job again (same rules as :meth:`submit`)."""
        kept = self._kept.get(job_key)
        if kept is None:
            return self.job(job_key)
        return self.submit(kept[0], kept[1], job_key)

    def kept_jobs(self) -> list[str]:
        return list(self._kept)

    def cancel(self, job_key: str) -> None:
        """Drop a kept job, or cancel the queued one (the citizen left). A4_JOB_UNKNOWN if none."""
        if self._kept.pop(job_key, None) is not None:
            return
        job_id = self.journal.get(job_key)
        if not job_id:
            raise DeviceError(e.A4_JOB_UNKNOWN, job_key)
        self._call(self._cancel, job_id)

    # -- policy ---------------------------------------------------------------
    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking hook with a deadline; a hung print system → A4_CUPS_TIMEOUT."""
        return call_with_deadline(self.name, self.timeout, fn, *args)

    def _restart(self, status: QueueStatus) -> QueueStatus:
        now = time.monotonic()
        if now - self._last_repair < REPAIR_COOLDOWN:
            return status  # it stopped again soon after a restart: report it
        self._last_repair = now
        self._stop_message = status.message  # CUPS does not always say it again when it stops again
        try:
            self._call(self._repair)
        except DeviceError as exc:  # not allowed (no lpadmin rights) or CUPS refused: report the stop
            self.repairs.append(f"could not restart the queue: {exc.code} {exc.detail}")
            return status
        self.repairs.append(f"restarted queue (was {status.state}, accepting {status.accepting}: "
                            f"{status.message or ', '.join(status.reasons)})")
        self._emit("queue_restarted", message=status.message)
        return self._call(self._queue_status)

    def _judge(self, status: QueueStatus) -> tuple[ErrorCode | None, ErrorCode | None]:
        return self._judge_queue.judge(status)

    def _enter(self, code: ErrorCode, detail: str = "") -> None:
        if code.severity in (Severity.WARNING, Severity.INFO):
            state = DeviceState.DEGRADED
        elif code in (e.A4_CUPS_DOWN, e.A4_QUEUE_UNKNOWN):
            state = DeviceState.ABSENT
        else:
            state = DeviceState.FAULT
        if self._error is not None and self._error.code == code.code and self._state == state:
            if detail and detail != self._error.detail:  # same condition, better words: no new event
                with self._lock:
                    self._error = DeviceError(code, detail)
            return
        self._set_state(state, DeviceError(code, detail))

    def _self_test(self) -> list[str]:
        status = self.refresh()
        lines = [f"{self.name}: state {self.state.value}",
                 f"queue: {status.state if status else 'unknown'}, accepting "
                 f"{status.accepting if status else '?'}, reasons {', '.join(status.reasons) if status else '?'}",
                 f"kept jobs: {len(self._kept)}"] + self.repairs[-3:]
        if self._error is not None and self._state in (DeviceState.FAULT, DeviceState.ABSENT):
            raise DeviceError(self._error.error, "; ".join(lines))
        return lines
