# SPDX-License-Identifier: Apache-2.0
"""``ReceiptPrinter``: the interface every receipt printer backend implements.

Public template methods (``open``, ``refresh``, ``print_job``,
``retry_pending``) hold the policy: status before and after each job with
short timeouts, idempotent job ids, jobs kept on failure, paper forecast.
Backends override four hooks: ``_open``, ``_transmit``, ``_read``, ``_close``.
"""
from __future__ import annotations

import abc
import threading
import time
from typing import Any

from drivers.base import Device, DeviceError, DeviceState, ErrorCode
from drivers.receipt_printer import status as st
from drivers.receipt_printer.encoder import EncodedJob, encode
from drivers.receipt_printer.jobs import JobJournal, JobResult, PrintJob
from drivers.receipt_printer.profiles import PrinterProfile

STATUS_TIMEOUT = 1.0  # s per DLE EOT reply; python-escpos would wait 60 s
STATUS_BUDGET = 1.5   # s for the whole before-job status check


class ReceiptPrinter(Device, abc.ABC):
    kind = "receipt_printer"

    def __init__(self, name: str, profile: PrinterProfile, journal: JobJournal | None = None,
                 status_timeout: float = STATUS_TIMEOUT):
        super().__init__(name)
        self.profile = profile
        self.journal = journal or JobJournal()
        self.status_timeout = min(status_timeout, STATUS_TIMEOUT)
        self.last_status: st.PrinterStatus | None = None
        self._pending: dict[str, PrintJob] = {}
        self._job_lock = threading.Lock()
        self._poller: threading.Thread | None = None
        self._stop = threading.Event()
        self._down = False  # FAULT/ABSENT seen since the last good status

    # -- hooks for backends (called with the job lock held) ---------------
    @abc.abstractmethod
    def _open(self) -> None:
        """Connect; raise DeviceError(PRN_NOT_FOUND) within ~1 s if it cannot."""

    @abc.abstractmethod
    def _transmit(self, data: bytes) -> None:
        """Send bytes; raise OSError or DeviceError(PRN_TRANSMIT) within ~2 s on a stall."""

    @abc.abstractmethod
    def _read(self, timeout: float) -> bytes:
        """Bytes the printer sent, waiting at most ``timeout`` s; b"" if none."""

    @abc.abstractmethod
    def _close(self) -> None:
        """Disconnect; never raises."""

    # -- public API ---------------------------------------------------------
    def capabilities(self) -> dict[str, Any]:
        p = self.profile
        return {"profile": p.name, "width_dots": p.width_dots, "columns": p.columns,
                "chinese": p.chinese_mode, "font_charset": p.font_charset, "native_qr": p.native_qr,
                "cutter": p.cutter, "near_end_sensor": p.near_end_sensor}

    def open(self) -> st.PrinterStatus:
        """Probe the printer (≤ 2.5 s) and set the state. Any thread but the UI's."""
        self._set_state(DeviceState.CONNECTING)
        return self.refresh()

    def refresh(self) -> st.PrinterStatus:
        """Query status now (≤ 2.5 s); FAULT/ABSENT → READY emits ``printer_recovered``.

        Never raises for device trouble: the outcome is in ``state``/``last_error``.
        Call from a worker thread.
        """
        with self._job_lock:
            try:
                self._open()
                try:
                    status = self._query_status()
                finally:
                    self._close()
            except DeviceError as exc:
                self._enter(exc.error, exc.detail)
                return st.PrinterStatus.silent()
            except OSError as exc:
                self._enter(st.PRN_NOT_FOUND, str(exc))
                return st.PrinterStatus.silent()
            self._apply(status)
            return status

    def encode(self, job: PrintJob) -> EncodedJob:
        """The bytes ``job`` would send (pure; no I/O). Raises ValueError on a bad job."""
        return encode(job.ops, self.profile)

    def print_job(self, job: PrintJob) -> JobResult:
        """Print ``job`` once per job id. Call from a worker thread, never the UI's.

        Checks status before (≤ 1.5 s) and after. A job id already printed
        returns ``duplicate=True`` and sends nothing. Raises ``DeviceError``
        (PRN_NOT_FOUND, PRN_NO_RESPONSE, PRN_NO_PAPER, PRN_COVER_OPEN,
        PRN_OFFLINE, PRN_TRANSMIT ...) within 3 s; the job is then kept in
        ``pending_jobs()`` for :meth:`retry_pending` or a resubmit with the same id.
        """
        if self.journal.was_printed(job.job_id):
            self._pending.pop(job.job_id, None)
            return JobResult(job.job_id, printed=False, duplicate=True)
        encoded = self.encode(job)
        with self._job_lock:
            if self.journal.was_printed(job.job_id):  # a concurrent retry won
                return JobResult(job.job_id, printed=False, duplicate=True)
            self._pending[job.job_id] = job
            self._set_state(DeviceState.BUSY, self._error if self._error and
                            self._error.error.severity.value == "warning" else None)
            after = self._send(job, encoded)
            self.journal.record(job.job_id, encoded.length_mm)
            self._pending.pop(job.job_id, None)
            warning = self._apply(after)
        self._emit("job_printed", job_id=job.job_id, length_mm=encoded.length_mm)
        return JobResult(job.job_id, True, False, len(encoded.data), encoded.length_mm,
                         encoded.image_lines, warning.code if warning else None)

    def retry(self, job_id: str) -> JobResult:
        """Print one kept job again (same rules as :meth:`print_job`); PRN_JOB_UNKNOWN if none."""
        job = self._pending.get(job_id)
        if job is None:
            raise DeviceError(st.PRN_JOB_UNKNOWN, job_id)
        return self.print_job(job)

    def retry_pending(self) -> list[JobResult]:
        """Print every kept job in submission order; stops at (and raises) the first error."""
        return [self.retry(job_id) for job_id in list(self._pending)]

    def pending_jobs(self) -> list[str]:
        return list(self._pending)

    def discard_pending(self, job_id: str) -> None:
        if self._pending.pop(job_id, None) is None:
            raise DeviceError(st.PRN_JOB_UNKNOWN, job_id)

    def paper_left_mm(self) -> float:
        """Forecast of paper left on the roll, from printed length (mm)."""
        return max(0.0, self.profile.roll_length_mm - self.journal.used_mm)

    def roll_replaced(self) -> None:
        """Staff put in a new roll: reset the forecast."""
        self.journal.roll_replaced()
        if self._error is not None and self._error.code == st.PRN_PAPER_LOW_FORECAST.code:
            self._set_state(DeviceState.READY)

    def start_polling(self, interval: float = 5.0) -> None:
        """Refresh status every ``interval`` s on a daemon thread (reconnects)."""
        if self._poller is None:
            self._stop.clear()
            self._poller = threading.Thread(target=self._poll, args=(interval,),
                                            name=f"{self.name}-poll", daemon=True)
            self._poller.start()

    def stop_polling(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(5)
            self._poller = None

    # -- policy ---------------------------------------------------------------
    def _poll(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.refresh()

    def _send(self, job: PrintJob, encoded: EncodedJob) -> st.PrinterStatus:
        try:
            self._open()
            try:
                before = self._query_status()
                blocking = before.blocking_error()
                if blocking is not None:
                    raise DeviceError(blocking, before.describe(), native=before.raw)
                self._transmit(encoded.data)
                return self._query_status()
            finally:
                self._close()
        except (DeviceError, OSError) as exc:
            err = exc if isinstance(exc, DeviceError) else DeviceError(st.PRN_TRANSMIT, str(exc))
            self._enter(err.error, err.detail)
            self._emit("job_held", job_id=job.job_id, code=err.code)
            raise err from exc

    def _query_status(self) -> st.PrinterStatus:
        while self._read(0):  # drop a late reply to an earlier query
            pass
        deadline = time.monotonic() + STATUS_BUDGET
        replies: dict[int, int | None] = {}
        for n in (1, 2, 3, 4):
            left = deadline - time.monotonic()
            if left <= 0:
                replies[n] = None
                continue
            self._transmit(st.DLE_EOT + bytes([n]))
            got = self._read(min(self.status_timeout, left))
            replies[n] = got[-1] if got else None
            if n == 1 and not got:
                return st.PrinterStatus.silent()
        status = st.PrinterStatus.from_replies(replies[1] or 0, replies[2], replies[3], replies[4])
        self.last_status = status
        return status

    def _apply(self, status: st.PrinterStatus) -> ErrorCode | None:
        blocking = status.blocking_error()
        if blocking is not None:
            self._enter(blocking, status.describe())
            return blocking
        warning = status.warning() or self._forecast_warning()
        recovered, self._down = self._down, False
        if warning is not None:
            self._enter(warning, f"{self.paper_left_mm():.0f} mm left (forecast)"
                        if warning is st.PRN_PAPER_LOW_FORECAST else status.describe())
        else:
            self._set_state(DeviceState.READY)
        if recovered:
            self._emit("printer_recovered", pending=len(self._pending))
        return warning

    def _forecast_warning(self) -> ErrorCode | None:
        if self.profile.near_end_sensor:
            return None
        return st.PRN_PAPER_LOW_FORECAST if self.paper_left_mm() < self.profile.warn_remaining_mm else None

    def _enter(self, code: ErrorCode, detail: str = "") -> None:
        state = {st.PRN_NOT_FOUND.code: DeviceState.ABSENT}.get(code.code, DeviceState.FAULT)
        if code.severity.value in ("warning", "info"):
            state = DeviceState.DEGRADED
        else:
            self._down = True
        if self._error is not None and self._error.code == code.code and self._state == state:
            return  # same condition: no duplicate state_changed event
        self._set_state(state, DeviceError(code, detail))

    def _self_test(self) -> list[str]:
        status = self.refresh()
        lines = [f"{self.name}: profile {self.profile.name}, state {self.state.value}",
                 f"status: {status.describe()}",
                 f"paper used since roll change: {self.journal.used_mm:.0f} mm "
                 f"(forecast left {self.paper_left_mm():.0f} mm)",
                 f"pending jobs: {len(self._pending)}"]
        if self._error is not None and self._state in (DeviceState.FAULT, DeviceState.ABSENT):
            raise DeviceError(self._error.error, "; ".join(lines))
        return lines
