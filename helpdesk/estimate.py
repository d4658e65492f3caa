# SPDX-License-Identifier: Apache-2.0
"""Honest wait estimates for queued kiosks (pure, no clock of its own)."""
from __future__ import annotations

import heapq
import math
from collections import deque
from typing import Iterable

ROUND_TO_S = 15  # estimates are rounded *up* to this step so they do not flicker


class CallDurations:
    """The last ``keep`` completed call durations, with a prior for a cold start."""

    def __init__(self, default_s: float = 180.0, keep: int = 20) -> None:
        self.default_s = float(default_s)
        self._recent: deque[float] = deque(maxlen=keep)

    def add(self, seconds: float) -> None:
        if seconds > 0:
            self._recent.append(float(seconds))

    @property
    def count(self) -> int:
        return len(self._recent)

    def mean(self) -> float:
        """Mean of recent calls; the configured default until 3 calls are known."""
        if len(self._recent) < 3:
            return self.default_s
        return sum(self._recent) / len(self._recent)


def estimate_waits(n_queued: int, free_now: int, busy_elapsed: Iterable[float],
                   mean_call_s: float, ring_s: float) -> list[int]:
    """Seconds until each of ``n_queued`` kiosks (in queue order) is answered.

    Simulates helpers freeing up: each available helper is free now (plus one
    ring), each busy helper is free after the rest of a mean call (at least a
    quarter of one, since a long call is not about to end just because it is
    long), and each answered kiosk keeps its helper for a mean call. With no
    helper in service at all the list is empty: nobody can promise a time.
    """
    free_at = [float(ring_s)] * free_now
    for elapsed in busy_elapsed:
        free_at.append(max(mean_call_s - elapsed, mean_call_s / 4) + ring_s)
    if not free_at:
        return []
    heapq.heapify(free_at)
    out: list[int] = []
    for _ in range(n_queued):
        t = heapq.heappop(free_at)
        out.append(int(math.ceil(t / ROUND_TO_S) * ROUND_TO_S))
        heapq.heappush(free_at, t + mean_call_s)
    return out
