# SPDX-License-Identifier: Apache-2.0
"""An event log that tests can wait on (thread-safe)."""
from __future__ import annotations

import threading
import time
from typing import Callable

from drivers.base import DeviceEvent, DeviceState

from waiting import wait_recorded


class EventLog:
    def __init__(self) -> None:
        self.events: list[DeviceEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[str]:
        with self._cond:
            return [e.kind for e in self.events]

    def wait(self, what: str | Callable[[DeviceEvent], bool], timeout: float = 5.0, after: int = 0) -> DeviceEvent:
        pred = (lambda e: e.kind == what) if isinstance(what, str) else what
        return wait_recorded(self._cond, lambda: self.events[after:], pred, timeout,
                             lambda: f"{[e.kind for e in self.events]} (waiting for {what!r})")

    def mark(self) -> int:
        with self._cond:
            return len(self.events)


def wait_state(device, state: DeviceState, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while device.state is not state:
        if time.monotonic() > deadline:
            raise AssertionError(f"state {device.state} (error {device.last_error}), wanted {state}")
        time.sleep(0.01)
