# SPDX-License-Identifier: Apache-2.0
"""DLE EOT real-time status: bytes → :class:`PrinterStatus`, and the PRN_* codes.

Bit meanings follow the Epson ESC/POS reference for ``DLE EOT n``
(n=1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor); Chinese
clones (Xprinter, Rongta, Hprt ...) answer the same bits. Pure code, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.base import Action, ErrorCode, Severity

DLE_EOT = b"\x10\x04"

_S, _E, _W, _F = Action.STAFF, Severity.ERROR, Severity.WARNING, Severity.FATAL

PRN_OFFLINE = ErrorCode("PRN_OFFLINE", _E, _S, "printer reports offline")
PRN_NO_PAPER = ErrorCode("PRN_NO_PAPER", _E, _S, "printer is out of paper")
PRN_COVER_OPEN = ErrorCode("PRN_COVER_OPEN", _E, _S, "printer cover is open")
PRN_PAPER_NEAR_END = ErrorCode("PRN_PAPER_NEAR_END", _W, _S, "paper roll near its end (sensor)")
PRN_PAPER_LOW_FORECAST = ErrorCode(
    "PRN_PAPER_LOW_FORECAST", _W, _S, "paper roll near its end (forecast from printed length)")
PRN_NO_RESPONSE = ErrorCode("PRN_NO_RESPONSE", _E, _S, "printer accepts data but does not answer status")
PRN_NOT_FOUND = ErrorCode("PRN_NOT_FOUND", _E, _S, "printer not reachable (unplugged, off or wrong address)")
PRN_TRANSMIT = ErrorCode("PRN_TRANSMIT", _E, Action.RETRY, "sending the job to the printer failed")
PRN_CUTTER = ErrorCode("PRN_CUTTER", _E, Action.MAINTENANCE, "auto-cutter error")
PRN_HARDWARE = ErrorCode("PRN_HARDWARE", _F, Action.MAINTENANCE, "printer reports an unrecoverable error")
PRN_CONFIG = ErrorCode("PRN_CONFIG", _F, Action.CONFIGURATION, "receipt printer configuration is wrong")
PRN_JOB_UNKNOWN = ErrorCode("PRN_JOB_UNKNOWN", Severity.ERROR, Action.NONE, "no such pending print job")

ALL_CODES = (PRN_OFFLINE, PRN_NO_PAPER, PRN_COVER_OPEN, PRN_PAPER_NEAR_END, PRN_PAPER_LOW_FORECAST,
             PRN_NO_RESPONSE, PRN_NOT_FOUND, PRN_TRANSMIT, PRN_CUTTER, PRN_HARDWARE, PRN_CONFIG,
             PRN_JOB_UNKNOWN)


def _valid(byte: int) -> bool:
    # Every DLE EOT reply has bit 4 set and bits 0 and 7 clear; anything else is
    # line noise or a late reply to something else.
    return byte & 0x93 == 0x12


@dataclass(frozen=True)
class PrinterStatus:
    """One status reading. ``answered`` False means the printer stayed silent."""
    answered: bool
    online: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False
    unrecoverable: bool = False
    raw: bytes = b""

    @classmethod
    def silent(cls, raw: bytes = b"") -> "PrinterStatus":
        return cls(answered=False, raw=raw)

    @classmethod
    def from_replies(cls, printer: int, offline: int | None, error: int | None,
                     paper: int | None) -> "PrinterStatus":
        """Build from DLE EOT 1/2/3/4 replies (2-4 may be skipped: ``None``)."""
        raw = bytes(b for b in (printer, offline, error, paper) if b is not None)
        if not all(_valid(b) for b in raw):
            return cls.silent(raw)
        off, err, pap = offline or 0x12, error or 0x12, paper or 0x12
        return cls(
            answered=True,
            online=not printer & 0x08,
            cover_open=bool(off & 0x04),
            paper_out=bool(pap & 0x60) or bool(off & 0x20),
            paper_near_end=bool(pap & 0x0C),
            cutter_error=bool(err & 0x08),
            unrecoverable=bool(err & 0x20),
            raw=raw,
        )

    def blocking_error(self) -> ErrorCode | None:
        """The error that stops printing, most specific first; ``None`` if it can print."""
        if not self.answered:
            return PRN_NO_RESPONSE
        if self.unrecoverable:
            return PRN_HARDWARE
        if self.cutter_error:
            return PRN_CUTTER
        if self.paper_out:
            return PRN_NO_PAPER
        if self.cover_open:
            return PRN_COVER_OPEN
        if not self.online:
            return PRN_OFFLINE
        return None

    def warning(self) -> ErrorCode | None:
        return PRN_PAPER_NEAR_END if self.paper_near_end else None

    def describe(self) -> str:
        if not self.answered:
            return "no answer to DLE EOT"
        flags = [n for n in ("cover_open", "paper_out", "paper_near_end", "cutter_error", "unrecoverable")
                 if getattr(self, n)]
        return ("online" if self.online else "offline") + "".join(f", {f}" for f in flags)


# Replies a simulated or test printer gives, per mode: DLE EOT n -> byte.
STATUS_REPLIES: dict[str, dict[int, int]] = {
    "online": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "offline": {1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    "near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72},
    "cutter_error": {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
}
