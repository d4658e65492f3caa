# SPDX-License-Identifier: Apache-2.0
"""The receipt service the kiosk session calls: document in, printed or held.

Wraps one ``ReceiptPrinter``: lays a :class:`Document` out for the printer's
profile and prints it under the document's job id. Call from a worker
thread; every outcome comes back within 3 s.
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.base import DeviceError, DeviceState
from drivers.receipt_printer import JobResult
from drivers.receipt_printer.interface import ReceiptPrinter
from kiosk.printing.document import Document
from kiosk.printing.layout import render

# What the citizen's screen should say, by driver code (screens translate these keys).
MESSAGE_KEYS = {
    "PRN_NO_PAPER": "print_unavailable_tell_staff",
    "PRN_COVER_OPEN": "print_unavailable_tell_staff",
    "PRN_OFFLINE": "print_unavailable_tell_staff",
    "PRN_NO_RESPONSE": "print_unavailable_tell_staff",
    "PRN_NOT_FOUND": "print_unavailable_tell_staff",
    "PRN_CUTTER": "print_unavailable_tell_staff",
    "PRN_HARDWARE": "print_unavailable_tell_staff",
    "PRN_TRANSMIT": "print_failed_try_again",
    "PRN_CONFIG": "print_unavailable",
}


@dataclass(frozen=True)
class PrintOutcome:
    job_id: str
    printed: bool          # paper came out now
    duplicate: bool = False  # it had been printed before; nothing printed now
    held: bool = False     # not printed; kept for retry
    code: str | None = None     # PRN_* error (held) or warning (printed)
    message_key: str = "print_done"
    result: JobResult | None = None


class ReceiptService:
    def __init__(self, printer: ReceiptPrinter):
        self.printer = printer

    @property
    def available(self) -> bool:
        return self.printer.state in (DeviceState.READY, DeviceState.DEGRADED, DeviceState.BUSY)

    def print_document(self, doc: Document) -> PrintOutcome:
        """Print ``doc`` once per ``doc.job_id``; never raises for printer trouble."""
        job = render(doc, self.printer.profile)
        try:
            result = self.printer.print_job(job)
        except DeviceError as exc:
            return PrintOutcome(doc.job_id, False, held=True, code=exc.code,
                                message_key=MESSAGE_KEYS.get(exc.code, "print_unavailable"))
        return PrintOutcome(doc.job_id, result.printed, result.duplicate, code=result.warning,
                            message_key="print_done", result=result)

    def retry_held(self) -> list[PrintOutcome]:
        """Retry kept jobs (after ``printer_recovered``) in order; stops at the first failure."""
        outcomes = []
        for job_id in self.printer.pending_jobs():
            try:
                r = self.printer.retry(job_id)
            except DeviceError as exc:
                outcomes.append(PrintOutcome(job_id, False, held=True, code=exc.code,
                                             message_key=MESSAGE_KEYS.get(exc.code, "print_unavailable")))
                break
            outcomes.append(PrintOutcome(r.job_id, r.printed, r.duplicate, code=r.warning, result=r))
        return outcomes
