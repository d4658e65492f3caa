# SPDX-License-Identifier: Apache-2.0
"""The simulator's scripted faults (:meth:`.simulator.SimulatedIdReader.fail_next`): which answer
to spoil and how. Pure: no I/O; the simulator sends what :meth:`SimFaults.spoil` returns."""
from __future__ import annotations

import collections
import random
import threading

from . import protocol as P

FAULTS = ("checksum", "half_frame", "silence", "garbage", "unplug", "late")


class SimFaults:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._queue: collections.deque[tuple[str | int, tuple[int, int] | None]] = collections.deque()
        self._lock = threading.Lock()
        self.held: bytes | None = None      # a "late" answer, sent when the next request arrives

    def add(self, fault: str | int, count: int, command: tuple[int, int] | None) -> None:
        if not isinstance(fault, int) and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._queue.extend([(fault, command)] * count)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
        self.held = None

    def release_held(self) -> bytes | None:
        """The late answer held back, once (the host's next request has arrived)."""
        held, self.held = self.held, None
        return held

    def _next(self, key: tuple[int, int] | None) -> str | int | None:
        with self._lock:
            for i, (fault, only) in enumerate(self._queue):
                if only is None or only == key:
                    del self._queue[i]
                    return fault
        return None

    def spoil(self, frame: bytes, key: tuple[int, int] | None) -> tuple[bytes, bool]:
        """``(bytes to send now, unplug after sending)`` for the answer ``frame`` to ``key``."""
        fault = self._next(key)
        if fault in ("silence", "late"):
            if fault == "late":
                self.held = frame
            return b"", False
        if isinstance(fault, int):
            frame = P.build_response(fault)
        elif fault == "checksum":
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        elif fault == "garbage":
            frame = bytes(self._rng.randrange(256) for _ in range(7)) + frame
        elif fault in ("half_frame", "unplug"):
            frame = frame[:max(1, len(frame) // 2)]
        return frame, fault == "unplug"
