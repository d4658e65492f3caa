# SPDX-License-Identifier: Apache-2.0
"""Two policies of :class:`drivers.a4_printer.interface.A4Printer`, apart from the device:
every call to the print system runs with a deadline (a hung CUPS is ``A4_CUPS_TIMEOUT``, not
a hung kiosk), and the queue's reasons are judged into a blocking and a warning code, a
transient reason (``connecting-to-device`` ...) counting only once it has lasted."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, TypeVar

from drivers.a4_printer import errors as e
from drivers.a4_printer.jobs import QueueStatus
from drivers.base import DeviceError, ErrorCode

T = TypeVar("T")
TRANSIENT_HOLD = 1.5    # s a "connecting-to-device" must last before it counts as offline


def call_with_deadline(name: str, timeout: float, fn: Callable[..., T], *args: Any) -> T:
    """Runs a blocking hook on a helper thread; a hung print system → A4_CUPS_TIMEOUT."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"{name}-call", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise DeviceError(e.A4_CUPS_TIMEOUT, f"{getattr(fn, '__name__', fn)} took over {timeout} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


class QueueJudge:
    """The queue's status → (blocking, warning) codes."""

    def __init__(self, transient_hold: float = TRANSIENT_HOLD) -> None:
        self.transient_hold = transient_hold
        self._transient: dict[str, float] = {}  # transient reason -> first seen (monotonic)

    def judge(self, status: QueueStatus) -> tuple[ErrorCode | None, ErrorCode | None]:
        now = time.monotonic()
        seen = {r: self._transient.get(r, now) for r in status.reasons if e.split_reason(r)[0] in e.TRANSIENT}
        self._transient = seen
        reasons = [r for r in status.reasons if seen.get(r, 0.0) <= now - self.transient_hold]
        blocking, warning = e.from_reasons(reasons)
        if blocking is None and status.state == "stopped":
            blocking = e.A4_QUEUE_STOPPED
        if blocking is None and not status.accepting:
            blocking = e.A4_QUEUE_REJECTING
        return blocking, warning
