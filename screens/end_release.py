# SPDX-License-Identifier: Apache-2.0
"""Memory given back after a session, once the app has let go (issue 18, docs/memory.md).

The core runs its after-end step (``kiosk.memory.release``: collect, malloc_trim) inside
``Session.end``, before the app has reacted: the citizen's screens are dropped on the frame after the
wipe, Kivy deletes dead textures' GL objects on the next frame (llvmpipe frees their memory only
then) and the home screen's first frame frees its own temporaries. A trim before all that left
10-17 MB free in malloc's heap until the next citizen's end. So the app takes the step over: after
the wipe, the screens it does not keep are dropped, the next frame is drawn, and the step runs then,
with Kivy's pending GL deletes done before the trim.
"""
from __future__ import annotations

import logging
from typing import Callable

from kivy.graphics.context import get_context

from kiosk import memory

log = logging.getLogger(__name__)


class EndRelease:
    def __init__(self, session, drop_screens: Callable[[], object]) -> None:
        self._step, session.after_end = session.after_end, None
        self._drop = drop_screens
        self._pending = False
        memory.free_natively_before_trim(get_context().gl_dealloc)

    def __call__(self, _dt=None) -> None:
        """Scheduled after the wipe: drops the session's screens, then waits for the next frame."""
        self._drop()
        if self._step is not None and not self._pending:
            from kivy.core.window import Window   # here: importing the screens opens no window
            self._pending = True
            Window.bind(on_flip=self._drawn)
            Window.canvas.ask_update()         # a frame is drawn even if nothing else changed

    def _drawn(self, window, *_args) -> None:
        window.unbind(on_flip=self._drawn)
        self._pending = False
        try:
            self._step()
        except Exception:
            log.exception("the session's after-end step failed")
