# SPDX-License-Identifier: Apache-2.0
"""The call's two videos on the kiosk (the helper's and the citizen's self-view): frames arrive
on the assist service's thread; the newest of each is kept and both are drawn together on one
redraw, at most ``fps`` times a second (every redraw costs the whole window; on software GL
about 50 ms of CPU: screens/assist_flow.py's ``draw_rate``). The first frame of each video in
a call is drawn at once, not paced: the citizen sees the helper as soon as the first frame is
decoded, not up to one period later behind the self-view's redraws."""
from __future__ import annotations

import threading
import time
from typing import Callable

from kivy.clock import Clock


class CallVideo:
    def __init__(self, fps: float, draw: Callable[[dict], None]) -> None:
        self.fps, self._draw = fps, draw      # draw({"remote": frame, "local": frame}) on the main thread
        self._frames: dict[str, object] = {}
        self._lock = threading.Lock()
        self._pending = False
        self._next = 0.0
        self._seen: set[str] = set()          # videos with a frame drawn in this call
        self._urgent = False                  # a video's first frame is waiting: draw it now

    def put(self, which: str, frame) -> None:
        """A frame from any thread: kept as the newest of its video; one redraw is scheduled."""
        with self._lock:
            self._frames[which] = frame
            if which not in self._seen:
                self._seen.add(which)
                self._urgent = True
            elif self._pending:
                return
            self._pending = True
        Clock.schedule_once(self._draw_now)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._seen.clear()

    def _draw_now(self, _dt=0) -> None:
        now, period = time.monotonic(), 1.0 / self.fps
        wait = self._next - now
        if wait > 0.004 and not self._urgent:
            Clock.schedule_once(self._draw_now, wait)
            return
        with self._lock:
            frames, self._frames = self._frames, {}
            self._pending = self._urgent = False
        if frames:                            # (a paced call after an urgent draw finds none)
            self._next = max(self._next, now - period) + period
            self._draw(frames)
