# SPDX-License-Identifier: Apache-2.0
"""A4_* error codes and the table from CUPS/IPP reasons to them (pure, no I/O).

``printer-state-reasons`` keywords come from RFC 8011 §5.4.12 and the PWG
5100.x registrations, with a ``-error``/``-warning``/``-report`` suffix; a
backend sets them with ``STATE: +reason`` lines (cups ``backend(7)``).
"""
from __future__ import annotations

from drivers.base import Action, ErrorCode, Severity

_E, _W, _F = Severity.ERROR, Severity.WARNING, Severity.FATAL
_S = Action.STAFF

A4_NO_PAPER = ErrorCode("A4_NO_PAPER", _E, _S, "A4 printer is out of paper")
A4_PAPER_JAM = ErrorCode("A4_PAPER_JAM", _E, _S, "paper jam in the A4 printer")
A4_COVER_OPEN = ErrorCode("A4_COVER_OPEN", _E, _S, "A4 printer cover or door is open")
A4_TONER_EMPTY = ErrorCode("A4_TONER_EMPTY", _E, _S, "A4 printer is out of toner")
A4_TONER_LOW = ErrorCode("A4_TONER_LOW", _W, _S, "A4 printer toner is low")
A4_PAPER_LOW = ErrorCode("A4_PAPER_LOW", _W, _S, "A4 printer paper is low")
A4_OFFLINE = ErrorCode("A4_OFFLINE", _E, _S, "A4 printer is offline or not reachable")
A4_PRINTER_ERROR = ErrorCode("A4_PRINTER_ERROR", _E, Action.MAINTENANCE, "A4 printer reports an error")
A4_NO_RESPONSE = ErrorCode("A4_NO_RESPONSE", _E, _S, "A4 printer did not finish the job in time (no answer)")
A4_QUEUE_STOPPED = ErrorCode("A4_QUEUE_STOPPED", _E, _S,
                             "the CUPS queue is stopped (restart failed or it stopped again)")
A4_QUEUE_REJECTING = ErrorCode("A4_QUEUE_REJECTING", _E, _S, "the CUPS queue rejects jobs")
A4_QUEUE_UNKNOWN = ErrorCode("A4_QUEUE_UNKNOWN", _F, Action.CONFIGURATION, "no such CUPS queue")
A4_CUPS_DOWN = ErrorCode("A4_CUPS_DOWN", _E, Action.MAINTENANCE, "the CUPS scheduler is not reachable")
A4_CUPS_TIMEOUT = ErrorCode("A4_CUPS_TIMEOUT", _E, Action.MAINTENANCE, "the CUPS scheduler did not answer in time")
A4_TRANSMIT = ErrorCode("A4_TRANSMIT", _E, _S, "sending the job to the printer failed; CUPS retries it")
A4_JOB_FAILED = ErrorCode("A4_JOB_FAILED", _E, Action.RETRY, "CUPS aborted the print job")
A4_JOB_CANCELED = ErrorCode("A4_JOB_CANCELED", Severity.INFO, Action.RETRY, "the print job was cancelled")
A4_JOB_UNKNOWN = ErrorCode("A4_JOB_UNKNOWN", _E, Action.NONE, "no print job with this key")
A4_BAD_DOCUMENT = ErrorCode("A4_BAD_DOCUMENT", _E, Action.NONE, "the document is not a PDF")
A4_CONFIG = ErrorCode("A4_CONFIG", _F, Action.CONFIGURATION, "A4 printer configuration is wrong")

ALL_CODES = (A4_NO_PAPER, A4_PAPER_JAM, A4_COVER_OPEN, A4_TONER_EMPTY, A4_TONER_LOW, A4_PAPER_LOW, A4_OFFLINE,
             A4_PRINTER_ERROR, A4_NO_RESPONSE, A4_QUEUE_STOPPED, A4_QUEUE_REJECTING, A4_QUEUE_UNKNOWN,
             A4_CUPS_DOWN, A4_CUPS_TIMEOUT, A4_TRANSMIT, A4_JOB_FAILED, A4_JOB_CANCELED, A4_JOB_UNKNOWN,
             A4_BAD_DOCUMENT, A4_CONFIG)

# Reason keyword (suffix removed) -> code. Order matters: the first blocking one wins.
REASONS: dict[str, ErrorCode] = {
    "media-empty": A4_NO_PAPER, "media-needed": A4_NO_PAPER, "input-tray-missing": A4_NO_PAPER,
    "media-jam": A4_PAPER_JAM,
    "cover-open": A4_COVER_OPEN, "door-open": A4_COVER_OPEN, "interlock-open": A4_COVER_OPEN,
    "toner-empty": A4_TONER_EMPTY, "marker-supply-empty": A4_TONER_EMPTY,
    "offline": A4_OFFLINE, "shutdown": A4_OFFLINE, "connecting-to-device": A4_OFFLINE,
    "timed-out": A4_OFFLINE, "cups-remote-stopped": A4_OFFLINE,
    "toner-low": A4_TONER_LOW, "marker-supply-low": A4_TONER_LOW, "media-low": A4_PAPER_LOW,
    "cups-missing-filter": A4_CONFIG,
}
# Set by the socket/ipp backends at the start of every job while they connect: an
# error only when it lasts (see drivers.a4_printer.policy.TRANSIENT_HOLD).
TRANSIENT = {"connecting-to-device"}
# Informational reasons that say nothing is wrong.
IGNORED = {"none", "paused", "other", "cups-waiting-for-job-completed", "moving-to-paused",
           "cups-insecure-filter", "cups-ipp-conformance-failure-report"}


def split_reason(reason: str) -> tuple[str, str]:
    """``media-empty-error`` -> (``media-empty``, ``error``); no suffix -> ``error``."""
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)], suffix[1:]
    return reason, "error"


def from_reasons(reasons: tuple[str, ...] | list[str]) -> tuple[ErrorCode | None, ErrorCode | None]:
    """(blocking error, warning) for a list of printer-state-reasons."""
    blocking: ErrorCode | None = None
    warning: ErrorCode | None = None
    for raw in reasons:
        keyword, level = split_reason(raw)
        if keyword in IGNORED:
            continue
        code = REASONS.get(keyword)
        if code is None:
            if level != "error":
                continue  # unknown warnings/reports are only logged
            code = A4_PRINTER_ERROR
        if code.severity is Severity.WARNING or level == "warning":
            warning = warning or code
        elif blocking is None:
            blocking = code
    return blocking, warning


# Backends that cannot reach the printer often say so only in words (the socket backend
# sets no reason when the connection is refused). English: the kiosk runs CUPS with LANG=C.
MESSAGES: dict[str, ErrorCode] = {
    "printer may not exist or is unavailable": A4_OFFLINE,
    "unable to connect": A4_OFFLINE,
    "printer is not responding": A4_OFFLINE,
    "network host": A4_OFFLINE,
    "out of paper": A4_NO_PAPER,
    "paper jam": A4_PAPER_JAM,
}


def from_message(message: str) -> ErrorCode | None:
    low = message.lower()
    return next((code for text, code in MESSAGES.items() if text in low), None)
