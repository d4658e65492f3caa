# SPDX-License-Identifier: Apache-2.0
"""``cups://QUEUE``: an A4 printer behind a CUPS queue, through pycups.

``cups://QUEUE?server=/run/cups/cups.sock`` (or ``host:port``) picks the
scheduler; without it libcups' default applies (``$CUPS_SERVER``, client.conf,
/run/cups/cups.sock). ``auto_enable=0`` reports a stopped queue instead of
restarting it. A new connection per call: pycups connections are not
thread-safe, and a local connection costs well under a millisecond.
"""
from __future__ import annotations

import logging
import os
import tempfile
from typing import Any

from drivers.a4_printer import errors as e
from drivers.a4_printer.interface import A4Printer
from drivers.a4_printer.jobs import JobState, KeyJournal, QueueStatus
from drivers.base import DeviceError, DeviceUri

log = logging.getLogger(__name__)

ERROR_POLICY = "retry-job"  # one paper-out must not stop the queue for good (CUPS' default is stop-printer)
_PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
_PRINTER_ATTRS = ["printer-state", "printer-state-reasons", "printer-state-message",
                  "printer-is-accepting-jobs", "printer-error-policy", "color-supported",
                  "sides-supported", "media-default", "printer-make-and-model", "device-uri"]


def _cups() -> Any:
    import cups  # pycups; needs libcups2 at run time
    return cups


def is_available() -> bool:
    try:
        _cups()
    except ImportError:
        return False
    return True


class CupsA4Printer(A4Printer):
    def __init__(self, uri: str | DeviceUri, name: str = "a4_printer", journal: KeyJournal | None = None,
                 timeout: float | None = None):
        self.uri = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
        if self.uri.scheme != "cups" or not self.uri.netloc:
            raise ValueError(f"A4 printer URI {self.uri.raw!r}: use cups://QUEUE[?server=SOCKET_OR_HOST:PORT]")
        params = self.uri.params
        super().__init__(name, journal, timeout=float(params.get("timeout", timeout or 2.0)),
                         auto_enable=params.get("auto_enable", "1") not in ("0", "false", "no"))
        self.queue = self.uri.netloc
        self.server = params.get("server") or None
        self._attrs: dict[str, Any] = {}

    # -- connection -------------------------------------------------------------
    def _conn(self) -> Any:
        cups = _cups()
        try:
            if self.server and not self.server.startswith("/") and ":" in self.server:
                host, port = self.server.rsplit(":", 1)
                return cups.Connection(host=host, port=int(port))
            return cups.Connection(host=self.server) if self.server else cups.Connection()
        except RuntimeError as exc:  # "failed to connect to server"
            raise DeviceError(e.A4_CUPS_DOWN, f"{self.server or 'default server'}: {exc}") from exc

    def _ipp(self, what: str, exc: Exception) -> DeviceError:
        cups = _cups()
        if isinstance(exc, cups.IPPError):
            status, text = exc.args[0], exc.args[1] if len(exc.args) > 1 else ""
            if status in (cups.IPP_NOT_FOUND,) or "not found" in str(text).lower() or status == 1280:
                return DeviceError(e.A4_QUEUE_UNKNOWN, f"{self.queue}: {text}", native=status)
            if status == cups.IPP_NOT_ACCEPTING:
                return DeviceError(e.A4_QUEUE_REJECTING, f"{self.queue}: {text}", native=status)
            return DeviceError(e.A4_PRINTER_ERROR, f"{what}: IPP {status:#x} {text}", native=status)
        if isinstance(exc, cups.HTTPError):
            return DeviceError(e.A4_CUPS_DOWN, f"{what}: HTTP {exc.args[0]}", native=exc.args[0])
        return DeviceError(e.A4_CUPS_DOWN, f"{what}: {exc}")

    def _run(self, what: str, fn_name: str, *args: Any, **kwargs: Any) -> Any:
        conn = self._conn()
        cups = _cups()
        try:
            return getattr(conn, fn_name)(*args, **kwargs)
        except (cups.IPPError, cups.HTTPError, RuntimeError) as exc:
            raise self._ipp(what, exc) from exc

    # -- hooks -------------------------------------------------------------------
    def _configure(self) -> None:
        attrs = self._run("read queue", "getPrinterAttributes", self.queue, requested_attributes=_PRINTER_ATTRS)
        self._attrs = attrs
        if attrs.get("printer-error-policy") != ERROR_POLICY:
            try:
                self._run("set error policy", "setPrinterErrorPolicy", self.queue, ERROR_POLICY)
            except DeviceError as exc:  # not allowed (not lpadmin): the admin must set it
                log.warning("%s: cannot set printer-error-policy=%s: %s", self.queue, ERROR_POLICY, exc.detail)

    def _queue_status(self) -> QueueStatus:
        a = self._run("read queue", "getPrinterAttributes", self.queue, requested_attributes=_PRINTER_ATTRS)
        self._attrs = a
        reasons = a.get("printer-state-reasons", ["none"])
        reasons = tuple(reasons if isinstance(reasons, list) else [reasons])
        return QueueStatus(_PRINTER_STATES.get(a.get("printer-state", 3), "idle"),
                           bool(a.get("printer-is-accepting-jobs", True)),
                           tuple(r for r in reasons if r != "none"), a.get("printer-state-message", ""))

    def _submit(self, pdf: bytes, name: str) -> int:
        fd, path = tempfile.mkstemp(prefix="ehall-a4-", suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
            # CUPS copies the file into its spool before printFile returns.
            return int(self._run("submit", "printFile", self.queue, path, name,
                                 {"document-format": "application/pdf", "media": "A4"}))
        finally:
            os.unlink(path)

    def _job_status(self, job_id: int) -> tuple[JobState, str]:
        a = self._run("read job", "getJobAttributes", job_id,
                      requested_attributes=["job-state", "job-state-reasons", "job-printer-state-message"])
        return JobState(int(a.get("job-state", 3))), str(a.get("job-printer-state-message", ""))

    def _release(self, job_id: int) -> None:
        self._run("release job", "setJobHoldUntil", job_id, "no-hold")

    def _cancel(self, job_id: int) -> None:
        self._run("cancel", "cancelJob", job_id, purge_job=False)

    def _find_job(self, name: str) -> int | None:
        jobs = self._run("list jobs", "getJobs", which_jobs="all", my_jobs=False,
                         requested_attributes=["job-id", "job-name", "job-printer-uri"])
        found = [jid for jid, a in jobs.items() if a.get("job-name") == name
                 and str(a.get("job-printer-uri", "")).endswith("/" + self.queue)]
        return max(found) if found else None

    def _repair(self) -> None:
        self._run("enable queue", "enablePrinter", self.queue)
        self._run("accept jobs", "acceptJobs", self.queue)

    def capabilities(self) -> dict[str, Any]:
        a = self._attrs
        return {"queue": self.queue, "server": self.server or "default", "paper": "A4",
                "model": a.get("printer-make-and-model", ""), "color": bool(a.get("color-supported", False)),
                "duplex": any(str(s).startswith("two-sided") for s in a.get("sides-supported", []) or []),
                "error_policy": a.get("printer-error-policy", "unknown"), "device_uri": a.get("device-uri", "")}
