# SPDX-License-Identifier: Apache-2.0
"""The core's one observer helper: who listens to a service, and what happens when a listener fails.

Services notify from whatever thread changed them (a driver's poll thread, the assist loop,
a timer). One policy for all: a listener that raises is logged with its traceback and the
other listeners still run; the error never reaches the notifying thread (a reader's poll
thread must not die because a screen had a bug). Listeners that touch Kivy hop to the main
thread themselves (kiosk/ui_bridge.py does).
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Observers(Generic[T]):
    """``subscribe(fn)``, ``unsubscribe(fn)``, ``notify(value)``: ``fn(value)`` for each listener."""

    def __init__(self, owner: str):
        self.owner = owner
        self._listeners: list[Callable[[T], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Callable[[T], None]) -> None:
        """Adds ``listener`` once (subscribing it again changes nothing)."""
        with self._lock:
            if listener not in self._listeners:
                self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[T], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def notify(self, value: T) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(value)
            except Exception:  # noqa: BLE001 - logged; the notifier and the other listeners go on
                log.exception("%s: listener %r failed", self.owner, listener)

    def __len__(self) -> int:
        return len(self._listeners)
