# SPDX-License-Identifier: Apache-2.0
"""A TCP capture printer on 127.0.0.1 for tests: records bytes, answers DLE EOT.

Modes: online, offline, cover_open, near_end, paper_out (status replies as an
Epson-style printer gives them) and no_answer (accepts the connection and the
bytes, never answers). One bytes object per closed connection in ``captures``.
"""
from __future__ import annotations

import socket

from loopback_server import LoopbackServer

from drivers.receipt_printer.status import DLE_EOT, STATUS_REPLIES

MODES = tuple(STATUS_REPLIES) + ("no_answer",)


class CapturePrinter(LoopbackServer):
    def __init__(self, mode: str = "online"):
        self.mode = mode
        self.mode_after_job: str | None = None  # switch to this once job bytes arrived
        self.captures: list[bytes] = []
        super().__init__(backlog=8)

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        assert mode in MODES, mode
        self.mode = mode

    def jobs(self) -> list[bytes]:
        """Captures that carried more than status queries."""
        return [c for c in self.captures if c.replace(DLE_EOT + b"\x01", b"").replace(
            DLE_EOT + b"\x02", b"").replace(DLE_EOT + b"\x03", b"").replace(DLE_EOT + b"\x04", b"")]

    def wait_captures(self, n: int, timeout: float = 5.0) -> bool:
        return self.wait_until(lambda: len(self.captures) >= n, timeout)

    def wait_jobs(self, n: int, timeout: float = 5.0) -> bool:
        """Waits for ``n`` captures that carried a job (a status-only connection may close first)."""
        return self.wait_until(lambda: len(self.jobs()) >= n, timeout)

    def handle(self, conn: socket.socket) -> None:
        buf = bytearray()
        conn.settimeout(0.1)
        try:
            while not self.stopping:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                start = len(buf)
                buf += chunk
                if self.mode_after_job and not chunk.startswith(DLE_EOT):
                    self.mode, self.mode_after_job = self.mode_after_job, None
                i = max(0, start - 2)
                while (i := buf.find(DLE_EOT, i)) != -1 and i + 2 < len(buf):
                    n = buf[i + 2]
                    if self.mode in STATUS_REPLIES and n in (1, 2, 3, 4):
                        conn.sendall(bytes([STATUS_REPLIES[self.mode][n]]))
                    i += 3
        finally:
            self.record(self.captures, bytes(buf))
