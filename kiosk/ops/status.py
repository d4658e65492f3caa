# SPDX-License-Identifier: Apache-2.0
"""What this terminal tells the hub about itself, and whether staff were told
(docs/assist-protocol.md, *Terminal status*; docs/operations.md, *终端*).

:class:`StatusReporter` sends a ``status`` message over the remote-assist service's hub link
(the same authenticated socket, :meth:`kiosk.assist.service.AssistService.tap` and
``send_to_hub``): each device's state with its coded error and required action, the receipt
printer's paper forecast, the app / catalogue / knowledge-base versions, uptime and whether a
session is in progress. Never anything of the citizen's: no screen, no route, no text typed.
It sends when anything in that changes, when the link comes up, and every ``heartbeat_s``.

The hub answers each one with ``status_ack``, naming the alerts it holds for this terminal
*and* has put in front of staff (a console is open). :meth:`notified` is true only for a
device whose current error is in the hub's last such answer, on a live link: that is when
the kiosk may say 已通知工作人员 (:meth:`wait_notified`).
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

HEARTBEAT_S = 30.0
PRINTER_POLL_S = 10.0        # the receipt printer's status is asked this often (paper out, cover open)
NOTIFY_WAIT_S = 2.0
MIN_GAP_S = 0.5              # changes closer than this are sent together (a flapping cable)          # a printer fault waits this long for the hub's word before speaking
SHOWN = ("fault", "absent", "degraded")   # states whose error is reported (READY's old one is not)


def device_report(name: str, device: Any) -> dict[str, Any]:
    state = device.state.value
    out: dict[str, Any] = {"name": name, "kind": getattr(device, "kind", name), "state": state}
    err = device.last_error
    if err is not None and state in SHOWN:      # the code's fixed text, never the detail
        out.update(code=err.code, action=err.error.action.value,
                   severity=err.error.severity.value, text=err.error.text[:200])
    return out


def paper_report(printer: Any) -> dict[str, Any] | None:
    """The receipt printer's forecast (mm left of a roll), when it keeps one."""
    if printer is None or not hasattr(printer, "paper_left_mm"):
        return None
    profile = printer.profile
    return {"left_mm": int(printer.paper_left_mm()), "roll_mm": int(profile.roll_length_mm),
            "warn_mm": int(profile.warn_remaining_mm), "sensor": bool(profile.near_end_sensor)}


def versions(kiosk: Any) -> dict[str, str]:
    """app, catalogue and knowledge-base versions (content digests), for the console."""
    try:
        app = metadata.version("ehall-kiosk")
    except metadata.PackageNotFoundError:
        app = "unknown"
    out = {"app": app}
    catalogue = getattr(kiosk, "catalogue", None)
    if catalogue is not None:
        out["catalogue"] = catalogue.digest[:12]
    out["knowledge_base"] = _kb_digest(kiosk.config.get("consult.faq_path", "") if kiosk else "")
    content = getattr(kiosk, "content_version", None)
    if content:
        out["content"] = str(content)[:40]
    return out


def _kb_digest(path: str) -> str:
    from kiosk.consult.faq import BUNDLED
    try:
        return hashlib.sha256(Path(path or BUNDLED).read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


class StatusReporter:
    """``link``: the AssistService (``tap``, ``send_to_hub``, ``status.linked``)."""

    def __init__(self, link: Any, devices: dict[str, Any], session: Any = None,
                 versions: dict[str, str] | None = None, heartbeat_s: float = HEARTBEAT_S,
                 clock: Callable[[], float] = time.monotonic,
                 printer_poll_s: float | None = None) -> None:
        self.link, self.devices, self.session = link, devices, session
        self.versions = dict(versions or {})
        self.heartbeat_s, self.clock = heartbeat_s, clock
        self.started = clock()
        self._cond = threading.Condition()
        self._linked = False
        self._notified: dict[str, str] = {}      # device name -> error code the hub holds
        self._last: dict | None = None
        self._seq = 0
        self._sent_at = float("-inf")
        self._deferred: threading.Timer | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # an idle printer that runs out of paper or has its cover opened is noticed by polling
        self.printer_poll_s = printer_poll_s
        self._polled: Any = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if self._thread is not None:
            return
        for device in self.devices.values():
            device.subscribe(self._device_event)
        if self.session is not None:
            self.session.subscribe(self._session_changed)
        self.link.tap(self._from_hub)
        self._linked = bool(getattr(getattr(self.link, "status", None), "linked", False))
        printer = self.devices.get("receipt_printer")
        if self.printer_poll_s and printer is not None and hasattr(printer, "start_polling"):
            printer.start_polling(self.printer_poll_s)
            self._polled = printer
        self._stop.clear()
        with self._cond:
            self._thread = threading.Thread(target=self._beat, name="status-report", daemon=True)
        self._thread.start()
        if self._linked:
            self.report(force=True)

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            if self._deferred is not None:
                self._deferred.cancel()
                self._deferred = None
        if self._polled is not None:
            self._polled.stop_polling()
            self._polled = None
        for device in self.devices.values():
            device.unsubscribe(self._device_event)
        if self.session is not None:
            self.session.unsubscribe(self._session_changed)
        with self._cond:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            self.report(force=True)

    # ------------------------------------------------------------- reports
    def snapshot(self) -> dict[str, Any]:
        from kiosk.session import Phase

        snap: dict[str, Any] = {
            "devices": [device_report(n, d) for n, d in self.devices.items()],
            "versions": self.versions,
            "in_session": self.session is not None and self.session.phase is not Phase.IDLE,
        }
        paper = paper_report(self.devices.get("receipt_printer"))
        if paper is not None:
            snap["paper"] = paper
        return snap

    def report(self, force: bool = False) -> bool:
        """Sends the status when it changed (or ``force``) and the link is up."""
        snap = self.snapshot()
        with self._cond:
            if self._thread is None or not self._linked or (not force and snap == self._last):
                return False                        # not started (or stopped), no link, no change
            wait = self._sent_at + MIN_GAP_S - self.clock()
            if wait > 0 and not force:              # sent a moment ago: once more after the gap
                if self._deferred is None and not self._stop.is_set():
                    self._deferred = threading.Timer(wait, self._send_deferred)
                    self._deferred.daemon = True
                    self._deferred.start()
                return False
            self._sent_at = self.clock()
            self._last = snap
            self._seq += 1
            msg = {"type": "status", "seq": self._seq,
                   "uptime_s": int(self.clock() - self.started), **snap}
        self.link.send_to_hub(msg)
        return True

    def _send_deferred(self) -> None:
        with self._cond:
            self._deferred = None
        self.report()

    def _device_event(self, event: Any) -> None:
        if event.kind in ("state_changed", "job_printed", "printer_recovered"):
            self.report()

    def _session_changed(self, _session: Any) -> None:
        self.report()

    # ------------------------------------------------------------- from the hub
    def _from_hub(self, msg: dict) -> None:
        kind = msg.get("type")
        if kind == "link":
            with self._cond:
                self._linked = bool(msg.get("up"))
                if not self._linked:
                    self._notified = {}
                self._cond.notify_all()
            if msg.get("up"):
                self.report(force=True)
        elif kind == "status_ack":
            held = {}
            for alert in msg.get("notified") or ():
                if isinstance(alert, dict) and isinstance(alert.get("device"), str) \
                        and isinstance(alert.get("code"), str):
                    held[alert["device"]] = alert["code"]
            with self._cond:
                self._notified = held
                self._cond.notify_all()

    def notified(self, device: str) -> bool:
        """The hub holds the alert for ``device``'s current error and staff have it in front of them."""
        with self._cond:
            return self._notified_locked(device)

    def wait_notified(self, device: str, timeout: float = NOTIFY_WAIT_S) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._notified_locked(device):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _notified_locked(self, device: str) -> bool:
        err = getattr(self.devices.get(device), "last_error", None)
        return self._linked and err is not None and self._notified.get(device) == err.code
