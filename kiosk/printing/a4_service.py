# SPDX-License-Identifier: Apache-2.0
"""The A4 service the kiosk session calls: PDF in, outcome out, within 3 s.

Wraps one ``A4Printer``. :meth:`A4Service.print_pdf` never raises and
always answers within ``budget`` seconds (default 3), even when CUPS or the
printer hangs: the work runs on a worker thread, and a second call with the
same job key joins the one in flight instead of submitting again. Outcomes
carry a ``message_key`` the screens translate.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from drivers.a4_printer import A4Job, JobState
from drivers.a4_printer.interface import A4Printer
from drivers.base import DeviceError, DeviceState, Severity

# Not printed, kept by the kiosk: it is sent again by retry_held() once the printer recovers.
KEPT_STAFF = "print_unavailable_tell_staff"
# In the CUPS queue, waiting for staff (paper, jam, toner ...): prints by itself once fixed.
WAITING_STAFF = "a4_print_waiting_tell_staff"
MESSAGE_KEYS = {
    "A4_JOB_FAILED": "print_failed_try_again",
    "A4_JOB_CANCELED": "print_failed_try_again",
    "A4_BAD_DOCUMENT": "print_failed_try_again",
    "A4_QUEUE_UNKNOWN": "print_unavailable",
    "A4_CONFIG": "print_unavailable",
    "A4_CUPS_DOWN": "print_unavailable",
    "A4_CUPS_TIMEOUT": "print_unavailable",
}


@dataclass(frozen=True)
class A4Outcome:
    job_key: str
    printed: bool               # the job is complete (now, or earlier when duplicate)
    duplicate: bool = False     # this key had been submitted before; nothing was sent now
    held: bool = False          # not printed now; the job is kept (by the kiosk or in the queue)
    queued: bool = False        # the job is in the CUPS queue (it prints once the printer can)
    code: str | None = None     # A4_* error (held) or warning (printed)
    message_key: str = "print_done"
    job: A4Job | None = None
    seconds: float = 0.0


def outcome_of(job: A4Job, seconds: float = 0.0) -> A4Outcome:
    queued = job.state not in (JobState.NOT_SUBMITTED,) and not job.state.final
    if job.done:
        return A4Outcome(job.job_key, True, job.duplicate, code=job.warning.code if job.warning else None,
                         job=job, seconds=seconds)
    code = job.error.code if job.error else "A4_NO_RESPONSE"
    key = MESSAGE_KEYS.get(code) or (WAITING_STAFF if queued else KEPT_STAFF)
    return A4Outcome(job.job_key, False, job.duplicate, held=True, queued=queued, code=code, message_key=key,
                     job=job, seconds=seconds)


def outcome_of_error(job_key: str, exc: DeviceError, seconds: float = 0.0) -> A4Outcome:
    key = MESSAGE_KEYS.get(exc.code, KEPT_STAFF if exc.error.severity is not Severity.FATAL else "print_unavailable")
    return A4Outcome(job_key, False, held=True, code=exc.code, message_key=key, seconds=seconds)


class A4Service:
    def __init__(self, printer: A4Printer, budget: float = 3.0):
        self.printer = printer
        self.budget = budget
        self._lock = threading.Lock()
        self._inflight: dict[str, tuple[threading.Thread, dict[str, Any]]] = {}

    @property
    def available(self) -> bool:
        return self.printer.state in (DeviceState.READY, DeviceState.DEGRADED, DeviceState.BUSY)

    def print_pdf(self, pdf: bytes, title: str, job_key: str) -> A4Outcome:
        """Print ``pdf`` once per ``job_key``; answers within ``budget`` s; never raises.

        Call from a worker thread (it blocks up to ``budget`` s), not the UI's.
        """
        started = time.monotonic()
        return self._run(job_key, started, self._submit_and_wait, pdf, title, job_key, started)

    def print_guide(self, item: Any, hall: Any, qr_url: str | None, job_key: str) -> A4Outcome:
        """Render the A4 take-home guide and print it (same rules as :meth:`print_pdf`)."""
        from kiosk.printing.a4 import guide_a4

        started = time.monotonic()
        try:
            pdf = guide_a4(item, hall, qr_url)
        except (ValueError, OSError):
            return A4Outcome(job_key, False, held=True, code="A4_BAD_DOCUMENT",
                             message_key="print_failed_try_again", seconds=time.monotonic() - started)
        title = f"guide {getattr(item, 'id', '')}"
        return self._run(job_key, started, self._submit_and_wait, pdf, title, job_key, started)

    def status(self, job_key: str) -> A4Outcome:
        """Where the job is now (≤ budget s); for a screen that polls a held job."""
        started = time.monotonic()
        return self._run(f"status:{job_key}", started, self._job_now, job_key, started)

    def cancel(self, job_key: str) -> bool:
        """Cancel a kept or queued job (the session ended). False if there was none or CUPS failed."""
        try:
            self.printer.cancel(job_key)
        except DeviceError:
            return False
        return True

    def retry_held(self) -> list[A4Outcome]:
        """Send jobs the kiosk kept (after ``printer_recovered``), oldest first; stops at a failure."""
        outcomes = []
        for key in self.printer.kept_jobs():
            started = time.monotonic()
            out = self._run(key, started, self._retry, key, started)
            outcomes.append(out)
            if not out.printed and not out.queued:
                break
        return outcomes

    # -- internals --------------------------------------------------------------
    def _run(self, key: str, started: float, fn: Any, *args: Any) -> A4Outcome:
        with self._lock:
            worker, box = self._inflight.get(key, (None, {}))
            if worker is None or not worker.is_alive():
                box = {}
                worker = threading.Thread(target=self._guard, args=(fn, args, box), name=f"a4-{key}", daemon=True)
                self._inflight[key] = (worker, box)
                worker.start()
        worker.join(max(0.0, self.budget - (time.monotonic() - started)))
        seconds = time.monotonic() - started
        if worker.is_alive():  # CUPS or the printer hangs; the worker finishes (or not) on its own
            return A4Outcome(key, False, held=True, queued=False, code="A4_NO_RESPONSE",
                             message_key=KEPT_STAFF, seconds=seconds)
        with self._lock:
            self._inflight.pop(key, None)
        out: A4Outcome = box["outcome"]
        return A4Outcome(**{**out.__dict__, "seconds": seconds})

    @staticmethod
    def _guard(fn: Any, args: tuple, box: dict[str, Any]) -> None:
        key = args[-2] if len(args) >= 2 else ""
        try:
            box["outcome"] = fn(*args)
        except DeviceError as exc:
            box["outcome"] = outcome_of_error(str(key), exc)
        except Exception as exc:  # noqa: BLE001 - the screen must get an answer, never a traceback
            box["outcome"] = A4Outcome(str(key), False, held=True, code="A4_PRINTER_ERROR",
                                       message_key="print_unavailable", job=None)
            box["error"] = exc

    def _left(self, started: float) -> float:
        return self.budget - (time.monotonic() - started) - 0.3  # leave time to answer

    def _submit_and_wait(self, pdf: bytes, title: str, job_key: str, started: float) -> A4Outcome:
        job = self.printer.submit(pdf, title, job_key)
        if not job.state.final and job.error is None:
            duplicate = job.duplicate
            job = self.printer.wait(job_key, timeout=max(0.1, self._left(started)))
            job = A4Job(job.job_key, job.job_id, job.state, job.error, job.warning, job.message, duplicate)
        return outcome_of(job)

    def _job_now(self, job_key: str, started: float) -> A4Outcome:
        return outcome_of(self.printer.job(job_key))

    def _retry(self, job_key: str, started: float) -> A4Outcome:
        job = self.printer.retry(job_key)
        if not job.state.final and job.error is None:
            job = self.printer.wait(job_key, timeout=max(0.1, self._left(started)))
        return outcome_of(job)


def print_a4_admin(uri: str, item: Any = None, hall: Any = None, qr_url: str | None = None,
                   job_key: str | None = None) -> tuple[bool, list[str]]:
    """``ehall-kiosk print test|guide --a4``: (printed, lines for the admin). Never raises."""
    import uuid

    from drivers.a4_printer import create_a4_printer
    from kiosk.printing.a4 import a4_test_page, render_a4
    from kiosk.printing.templates import guide_receipt

    try:
        printer = create_a4_printer(uri)
    except (ValueError, ImportError) as exc:
        return False, [f"FAIL A4_CONFIG: {exc}"]
    status = printer.open()
    caps = printer.capabilities()
    lines = [f"A4 printer {uri}: {printer.state.value}"
             + (f", queue {status.state}, accepting {status.accepting}" if status else "")
             + (f", error policy {caps.get('error_policy')}" if caps.get("error_policy") else "")]
    lines += printer.repairs
    if printer.last_error is not None:
        err = printer.last_error
        lines.append(f"printer says {err.code} ({err.error.action.value}): {err.detail or err.error.text}")
    if item is not None:
        doc = guide_receipt(item, hall or {}, qr_url, large=True)
        lines.insert(0, f"A4 guide for {item.id} {item.name}")
        footer = hall.get("name", "") if isinstance(hall, dict) else str(getattr(hall, "name", ""))
    else:
        doc, footer = a4_test_page(), "A4 test page"
    pdf = render_a4(doc, footer=footer)
    lines.append(f"PDF: {pdf.pages} page(s), {len(pdf.data)} bytes, Noto Sans SC subset embedded, "
                 f"made in {pdf.seconds * 1000:.0f} ms" + (f"; not in the font: {pdf.missing}" if pdf.missing else ""))
    key = job_key or f"admin-{uuid.uuid4().hex[:12]}"
    out = A4Service(printer).print_pdf(pdf.data, doc.title or "A4", key)
    job = out.job
    if out.printed:
        lines.append(f"PRINTED job {job.job_id if job else '?'} ({key}) in {out.seconds:.2f} s")
        spool = getattr(printer, "printed", None)
        if spool:
            lines.append(f"simulator wrote {spool[-1]}")
    else:
        where = f"queued as job {job.job_id}, it prints once fixed" if out.queued and job else "kept, not sent"
        lines.append(f"NOT PRINTED: {out.code} ({where}); screen message {out.message_key}")
    return out.printed, lines
