# SPDX-License-Identifier: Apache-2.0
"""The kiosk screen as the helper sees it: the window's frames, read back only when
something changed, at most 5 per second, and never left behind.

:meth:`ScreenCapture.latest` is the assist service's screen source
(``set_screen_source``): it may be called from any thread and returns the
newest frame as a numpy array (height × width × 3, uint8, RGB, top row first)
or None. The frames are read on the Kivy main thread, from the back buffer just
before each flip (the frame that is about to be shown), and only between
:meth:`start` and :meth:`stop` (during a call).

- Kivy draws only when something changed; each drawn frame is read back unless
  one was read less than 1/5 s ago. A drawn frame that was skipped for that
  reason is caught up: when no later redraw was read by the next allowed moment
  (plus ``CATCH_UP_GRACE_S``, so a video's own redraws make the catch-up
  needless), the capture asks for one more redraw and reads that. The helper
  never keeps a stale screen for more than about 0.35 s.
- When nothing changes there is no read-back at all, except a slow refresh every
  ``IDLE_REFRESH_S`` (a safety net costing one redraw); the screen track sends
  the last frame to the helper once a second meanwhile.

The screens already show identity data masked, so the capture shows nothing the
citizen's screen does not.
"""
from __future__ import annotations

import time

import numpy as np

MAX_FPS = 5.0
IDLE_REFRESH_S = 2.0
CATCH_UP_GRACE_S = 0.15     # a natural redraw this soon after the slot makes the catch-up needless


class ScreenCapture:
    def __init__(self, fps: float = MAX_FPS, clock=time.monotonic):
        self.interval = 1.0 / min(max(fps, 0.1), MAX_FPS)
        self.clock = clock
        self._frame: np.ndarray | None = None
        self._last = float("-inf")
        self._running = False
        self._catch_up = None
        self._idle = None
        self._dirty = False                  # a drawn frame was skipped and not read since
        self.reads = 0                       # read-backs since start (bench, tests)

    def start(self) -> None:
        """Begins capturing at the next drawn frame (main thread)."""
        from kivy.clock import Clock
        from kivy.core.window import Window

        if not self._running:
            self._running = True
            self._last = float("-inf")
            self.reads = 0
            Window.bind(on_flip=self._on_flip)
            self._idle = Clock.schedule_interval(self._idle_refresh, IDLE_REFRESH_S)
            Window.canvas.ask_update()           # a still screen still gets a first frame

    def stop(self) -> None:
        """Stops capturing and forgets the last frame (main thread)."""
        from kivy.core.window import Window

        if self._running:
            self._running = False
            Window.unbind(on_flip=self._on_flip)
            for event in (self._catch_up, self._idle):
                if event is not None:
                    event.cancel()
            self._catch_up = self._idle = None
        self._frame = None

    @property
    def running(self) -> bool:
        return self._running

    def latest(self) -> np.ndarray | None:
        """The newest frame or None; any thread (the array is never written after publishing)."""
        return self._frame

    def _on_flip(self, window) -> None:
        now = self.clock()
        wait = self._last + self.interval - now
        if wait <= 0:
            self._last = now
            self._frame = grab(window)
            self._dirty = False
            self.reads += 1
        else:
            self._dirty = True
            if self._catch_up is None:       # a change we skipped: read it by the next slot
                from kivy.clock import Clock

                self._catch_up = Clock.schedule_once(self._check_caught_up, wait + CATCH_UP_GRACE_S)

    def _check_caught_up(self, _dt) -> None:
        self._catch_up = None
        if self._dirty:
            self._redraw(0)

    def _redraw(self, _dt) -> None:
        from kivy.core.window import Window

        if self._running:
            Window.canvas.ask_update()

    def _idle_refresh(self, _dt) -> None:
        if self.clock() - self._last >= IDLE_REFRESH_S:
            self._redraw(0)


def grab(window) -> np.ndarray:
    """The window's framebuffer as RGB, top row first; main thread, GL context current."""
    from kivy.graphics.opengl import (GL_PACK_ALIGNMENT, GL_RGB, GL_UNSIGNED_BYTE, glPixelStorei,
                                      glReadPixels)

    width, height = (int(v) for v in window.size)
    glPixelStorei(GL_PACK_ALIGNMENT, 1)
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    frame = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)
    return np.ascontiguousarray(frame[::-1])
