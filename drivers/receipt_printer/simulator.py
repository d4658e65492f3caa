# SPDX-License-Identifier: Apache-2.0
"""``sim://``: a simulated receipt printer that keeps the bytes (in a buffer).

Scriptable: ``set_mode("offline" | "paper_out" | "near_end" | "cover_open" |
"no_answer" | "unplugged" | "online")``, ``fail_next_transmit()``, and a roll
that runs out after ``paper_mm`` of printing. The simulator answers status
instantly, so tests and development never wait for a timeout.
"""
from __future__ import annotations


from drivers.base import DeviceError, DeviceUri
from drivers.receipt_printer.interface import ReceiptPrinter
from drivers.receipt_printer.jobs import JobJournal, JobResult, PrintJob
from drivers.receipt_printer.profiles import PrinterProfile
from drivers.receipt_printer.status import DLE_EOT, PRN_NOT_FOUND, PRN_TRANSMIT, STATUS_REPLIES

MODES = tuple(STATUS_REPLIES) + ("no_answer", "unplugged")


class SimulatedReceiptPrinter(ReceiptPrinter):
    """``sim://?mode=paper_out&paper_mm=500`` sets the start mode and roll."""

    def __init__(self, uri: str | DeviceUri = "sim://", profile: PrinterProfile | None = None,
                 name: str = "receipt_printer", journal: JobJournal | None = None):
        from drivers.receipt_printer.profiles import get_profile

        super().__init__(name, profile or get_profile(), journal)
        self.uri = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
        self.mode = "online"
        self.set_mode(self.uri.params.get("mode", "online"))
        paper = self.uri.params.get("paper_mm")
        self.paper_mm: float | None = float(paper) if paper else None
        self.jobs: list[bytes] = []       # one entry per connection that carried a job
        self._buffer: bytearray | None = None
        self._replies = bytearray()
        self._fail_transmit = False
        self.connections = 0

    # -- script -------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"simulated printer mode must be one of {MODES}")
        self.mode = mode

    def fail_next_transmit(self) -> None:
        """The next job transfer breaks off (as a cable pulled mid-job)."""
        self._fail_transmit = True

    @property
    def output(self) -> bytes:
        """All job bytes printed so far, status queries removed."""
        return b"".join(self.jobs)

    # -- hooks ----------------------------------------------------------------
    def _open(self) -> None:
        if self.mode == "unplugged":
            raise DeviceError(PRN_NOT_FOUND, "simulated printer unplugged")
        self.connections += 1
        self._buffer = bytearray()
        self._replies.clear()

    def _transmit(self, data: bytes) -> None:
        if data[:2] == DLE_EOT and len(data) == 3:
            if self.mode in STATUS_REPLIES:
                self._replies.append(STATUS_REPLIES[self.mode][data[2]])
            return
        if self._fail_transmit:
            self._fail_transmit = False
            raise DeviceError(PRN_TRANSMIT, "simulated transfer broke off")
        assert self._buffer is not None, "transmit before open"
        self._buffer += data

    def _read(self, timeout: float) -> bytes:
        out, self._replies = bytes(self._replies), bytearray()
        return out

    def _close(self) -> None:
        if self._buffer:
            self.jobs.append(bytes(self._buffer))
        self._buffer = None

    def print_job(self, job: PrintJob) -> JobResult:
        result = super().print_job(job)
        if result.printed:
            self.consume(result.length_mm)
        return result

    def consume(self, mm: float) -> None:
        """Take ``mm`` off the simulated roll; runs out (paper_out) at zero."""
        if self.paper_mm is not None:
            self.paper_mm -= mm
            if self.paper_mm <= 0:
                self.mode = "paper_out"
