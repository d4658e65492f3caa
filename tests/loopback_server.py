# SPDX-License-Identifier: Apache-2.0
"""A TCP server on 127.0.0.1 for the tests' stand-in devices (receipt and A4 printers).

Subclasses say what one connection does in :meth:`handle` (called on its own thread)
and report what they recorded with :meth:`record`; tests wait with :meth:`wait_until`.
"""
from __future__ import annotations

import socket
import threading
from typing import Callable


class LoopbackServer:
    def __init__(self, backlog: int = 8):
        self._srv = socket.create_server(("127.0.0.1", 0), backlog=backlog)
        self.port = self._srv.getsockname()[1]
        self._stop = threading.Event()
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def record(self, into: list, value) -> None:
        """Appends ``value`` to ``into`` and wakes :meth:`wait_until`."""
        with self._done:
            into.append(value)
            self._done.notify_all()

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._done:
            return self._done.wait_for(predicate, timeout)

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self._srv.accept()
            except OSError:
                return
            threading.Thread(target=self._handle_and_close, args=(conn,), daemon=True).start()

    def _handle_and_close(self, conn: socket.socket) -> None:
        try:
            self.handle(conn)
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        try:  # close() alone does not wake a blocked accept(): the port would keep listening
            self._srv.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._srv.close()
        self._thread.join(2)
