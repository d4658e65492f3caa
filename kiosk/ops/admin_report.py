# SPDX-License-Identifier: Apache-2.0
"""The admin screen's audited steps, sent to the hub (issue 12: "every admin action is audited in
a local log and on the hub"; the PIN lockout is reported).

:class:`AdminReporter` listens to :attr:`kiosk.ops.admin.AdminService.events` and sends each
:class:`~kiosk.ops.admin_access.AdminEvent` as an ``admin_event`` over the remote-assist
service's hub link (docs/assist-protocol.md, *Admin events*), in order. While the link is down
they wait in a bounded queue (the oldest go first when it overflows; the local audit log still
has them) and are sent when it comes back. The event holds only the audit's whitelisted fields:
no citizen data.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

log = logging.getLogger(__name__)

QUEUED = 100


def message(event: Any) -> dict[str, Any]:
    return {"type": "admin_event", "action": event.kind, "staff_id": event.staff_id,
            "details": dict(event.details), "at": event.at}


class AdminReporter:
    def __init__(self, assist: Any, events: Any, queued: int = QUEUED):
        self.assist, self.events = assist, events
        self._queue: deque[dict[str, Any]] = deque(maxlen=queued)
        self._lock = threading.Lock()
        self._sending = False
        self.sent = 0

    def start(self) -> "AdminReporter":
        self.events.subscribe(self._on_event)
        self.assist.tap(self._on_hub)
        return self

    def stop(self) -> None:
        self.events.unsubscribe(self._on_event)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _on_event(self, event: Any) -> None:
        with self._lock:
            if len(self._queue) == self._queue.maxlen:
                log.warning("admin events: the hub has been away; the oldest queued one is dropped "
                            "(the local audit log keeps it)")
            self._queue.append(message(event))
        self._pump()

    def _on_hub(self, msg: dict) -> None:
        if msg.get("type") == "link" and msg.get("up"):
            self._pump()

    def _pump(self) -> None:
        with self._lock:
            if self._sending or not self._queue:
                return
            self._sending = True
            msg = self._queue[0]
        try:
            future = self.assist.send_to_hub(msg)
        except RuntimeError:            # the service is not running (stopped): wait for a link
            with self._lock:
                self._sending = False
            return
        future.add_done_callback(lambda f: self._sent(msg, f))

    def _sent(self, msg: dict, future: Any) -> None:
        ok = not future.cancelled() and future.exception() is None and bool(future.result())
        with self._lock:
            self._sending = False
            if ok and self._queue and self._queue[0] is msg:
                self._queue.popleft()
                self.sent += 1
        if ok:
            self._pump()
