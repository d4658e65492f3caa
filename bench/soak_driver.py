# SPDX-License-Identifier: Apache-2.0
"""The soak's taps (bench/bench_soak.py): the UI tests' driver (tests/ui/conftest.py) on Kivy's input
path, kept here so the bench stands alone."""
from __future__ import annotations

import functools
import time


@functools.cache
def touch_class():
    """The class of a touch at window pixel (x, y) on Kivy's input path: Kivy's ``UnitTestTouch`` (kivy/tests/common.py,
    Kivy 2.3, MIT licence, (c) Kivy Team and other contributors), copied here because importing
    ``kivy.tests.common`` loads pytest and unittest into the measured process, which the kiosk never does."""
    from kivy.base import EventLoop
    from kivy.input.motionevent import MotionEvent

    class UnitTestTouch(MotionEvent):
        def __init__(self, x, y):
            self.eventloop = EventLoop
            win = EventLoop.window
            super().__init__(type(self).__name__, 99, {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)},
                             is_touch=True, type_id="touch")
            self.profile = ["pos"]

        def touch_down(self, *args):
            self.eventloop.post_dispatch_input("begin", self)

        def touch_up(self, *args):
            self.eventloop.post_dispatch_input("end", self)

        def depack(self, args):
            self.sx, self.sy = args["x"], args["y"]
            super().depack(args)

    return UnitTestTouch


class Driver:
    """The UI tests' taps (tests/ui/conftest.py), kept here so the bench stands alone."""

    def __init__(self, app, window, kiosk, clock):
        self.app, self.window, self.kiosk, self.clock = app, window, kiosk, clock

    @property
    def screen(self):
        return self.app.manager.current_screen

    def frames(self, n=2):
        from kivy.base import EventLoop
        for _ in range(n):
            EventLoop.idle()

    def tap_xy(self, x, y):
        t = touch_class()(x, y)
        t.touch_down()
        self.frames(1)
        t.touch_up()
        self.frames(2)

    def tap(self, widget):
        assert widget.get_root_window() is not None, f"{widget} is not on the window"
        self.tap_xy(*widget.to_window(*widget.center))

    def button(self, root, text):
        from kivy.uix.button import Button
        found = [w for w in root.walk(restrict=True) if isinstance(w, Button) and w.text == text
                 and w.get_root_window() is not None]
        assert found, f"no button {text!r}"
        return found[0]

    def tap_key(self, caption):
        from screens.widgets import KioskKeyboard
        vk = next(w for w in self.window.children if isinstance(w, KioskKeyboard))
        layout = vk.available_layouts[vk.layout]
        for line in range(1, layout["rows"] + 1):
            keys = layout[f"{vk.layout_mode}_{line}"]
            for key, (pos, size) in zip(keys, vk.layout_geometry[f"LINE_{line}"]):
                if key[0] == caption:
                    self.tap_xy(*vk.to_parent(pos[0] + size[0] / 2, pos[1] + size[1] / 2))
                    return
        raise AssertionError(f"no key {caption!r}")

    def idle_for(self, seconds):
        self.clock.now += seconds
        self.app._tick(0)
        self.frames(2)

    def until(self, pred, timeout: float) -> None:
        end = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > end:
                raise SystemExit(f"soak: timed out on {self.current()}")
            self.frames(1)

    def current(self) -> str:
        return self.app.manager.current
