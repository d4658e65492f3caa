# SPDX-License-Identifier: Apache-2.0
"""Memory given back after a session, once the app has let go (issue 18, docs/memory.md).

The core runs its after-end step (``kiosk.memory.release``: collect, malloc_trim) inside
``Session.end``, before the app has reacted: the citizen's screens are dropped on the frame after the
wipe, Kivy deletes dead textures' GL objects on the next frame (llvmpipe frees their memory only
then) and the home screen's first frame frees its own temporaries. A trim before all that left
10-17 MB free in malloc's heap until the next citizen's end. So the app takes the step over: after
the wipe, the screens it does not keep are dropped, the next frame is drawn, and the step runs then,
with Kivy's pending GL deletes done before the trim.

Kivy itself kept the last text field a citizen typed in, and with it its whole screen, twice over
(issue 18, eighth round: a dropped 网上办事 or 问一问 screen lived on, 388-462 widgets instead of 191
right after a web session, until another text field took the keyboard):
- TextInput's ``_adjust_viewport`` is wrapped by ``kivy.clock.triggered``, which stores the last
  call's arguments (``self`` among them) in a list shared by the class and never empties it;
- ``Window.release_keyboard`` clears the released keyboard's ``target`` and ``callback`` but not
  those of its on-screen keyboard widget, which the window keeps for the next field.
:func:`forget_last_text_field` lets go of both when the session's screens are dropped.
"""
from __future__ import annotations

import logging
from typing import Callable

from kivy.graphics.context import get_context

from kiosk import memory

log = logging.getLogger(__name__)


def forget_last_text_field() -> None:
    """Lets go of the last text field where Kivy keeps it after it has lost the keyboard (above)."""
    from kivy.core.window import Window

    _forget_viewport_call()
    for keyboard in getattr(Window, "_keyboards", {}).values():
        widget = getattr(keyboard, "widget", None)
        if keyboard.target is None and widget is not None:     # released: no field is using it
            widget.callback = None
            widget.target = None


def _forget_viewport_call() -> bool:
    """Empties the arguments Kivy's ``triggered`` wrapper keeps of TextInput's last
    ``_adjust_viewport`` call (the text field itself), unless that call is still pending. True when
    emptied; False when pending, or when this Kivy has no such wrapper (nothing is kept then)."""
    from kivy.uix.textinput import TextInput

    fn = TextInput._adjust_viewport
    cells = dict(zip(getattr(fn.__code__, "co_freevars", ()), fn.__closure__ or ()))
    try:
        args, kwargs, trigger = (cells[name].cell_contents for name in ("_args", "_kwargs", "cb_trigger"))
    except (KeyError, ValueError):
        return False
    if trigger.is_triggered:            # scheduled for the next frame: it needs its arguments
        return False
    args.clear()
    kwargs.clear()
    return True


class EndRelease:
    def __init__(self, session, drop_screens: Callable[[], object]) -> None:
        self._step, session.after_end = session.after_end, None
        self._drop = drop_screens
        self._pending = False
        memory.free_natively_before_trim(get_context().gl_dealloc)

    def __call__(self, _dt=None) -> None:
        """Scheduled after the wipe: drops the session's screens, then waits for the next frame."""
        self._drop()
        forget_last_text_field()               # else Kivy keeps the last text field's screen
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
