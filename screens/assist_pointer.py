# SPDX-License-Identifier: Apache-2.0
"""The helper's pointer (请点这里) on the kiosk's screen: a large, animated, high-contrast ring
with the words 请点这里, at the spot the helper clicked in the console, over whatever is showing
(the kiosk browser's page, the docked keyboard and the call strip included).

What the core decides (kiosk/assist/pointer.py): which point, whether the call is on, and when
its 3 s are up (by the app's clock). This module only draws it.

No remote control: the ring is never one of the Window's children, so Kivy never offers it a
touch; its canvas is put in ``Window.canvas.after`` (drawn after every child). It makes no
touch either. The ring's centre is left open, so the citizen sees the button it points at.

Once a frame with the ring has been drawn (the Window's ``on_flip``), the kiosk tells the
helper (``Pointer.shown`` → ``point_shown``): the console says 已在终端显示 only then.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.metrics import dp
from kivy.uix.widget import Widget

from kiosk.i18n import N_, _

WORDS = N_("请点这里")
RING = (1.0, 0.84, 0.0, 1.0)           # amber-yellow: visible on the kiosk's white and dark screens
EDGE = (0.0, 0.0, 0.0, 1.0)            # a black edge on both sides of it: visible on yellow too
TAG = (0.0, 0.0, 0.0, 0.88)            # the words' pill
RADIUS, WIDTH = 58, 9                  # the ring (dp): about a finger's target around the spot
PULSE = 44                             # the pulse grows this far beyond the ring (dp) each second
TEXT_SIZE = 32
LARGE = 1.3                            # all of it in large-text mode (适老化)


class PointerRing(Widget):
    """The ring and its words, centred on ``(cx, cy)`` (window coordinates)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cx = self.cy = 0.0
        self.phase = 0.0                   # 0..1 through the pulse
        self.k = 1.0                       # the size factor (LARGE in large-text mode)
        self._words = ("", 0.0)
        self._texture = None

    # never a touch: it is not on the Window's children, and says so should anyone ask
    def on_touch_down(self, touch) -> bool:
        return False

    def on_touch_move(self, touch) -> bool:
        return False

    def on_touch_up(self, touch) -> bool:
        return False

    def place(self, cx: float, cy: float, words: str, k: float = 1.0) -> None:
        self.cx, self.cy, self.phase, self.k = cx, cy, 0.0, k
        if (words, k) != self._words:
            from kivy.core.text import Label as CoreLabel

            label = CoreLabel(text=words, font_size=dp(TEXT_SIZE) * k, color=RING, bold=True)
            label.refresh()
            self._words, self._texture = (words, k), label.texture
        self.redraw()

    def step(self, dt: float) -> None:
        self.phase = (self.phase + dt) % 1.0
        self.redraw()

    def tag_box(self, win_w: float, win_h: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the words' pill: below the ring, or above it near the bottom edge;
        always inside the window."""
        tw, th = self._texture.size if self._texture is not None else (0, 0)
        pad = dp(12)
        w, h = tw + 2 * pad, th + pad
        gap = dp(RADIUS + WIDTH) * self.k + dp(10)
        y = self.cy - gap - h
        if y < 0:
            y = self.cy + gap
        x = min(max(self.cx - w / 2, 0), max(win_w - w, 0))
        return x, min(max(y, 0), max(win_h - h, 0)), w, h

    def redraw(self) -> None:
        from kivy.core.window import Window

        cx, cy, r, width = self.cx, self.cy, dp(RADIUS) * self.k, dp(WIDTH) * self.k
        grow = dp(PULSE) * self.k * self.phase
        self.canvas.clear()
        with self.canvas:
            Color(RING[0], RING[1], RING[2], 0.85 * (1.0 - self.phase))      # the pulse, fading
            Line(circle=(cx, cy, r + width + grow), width=dp(4))
            Color(*EDGE)
            Line(circle=(cx, cy, r + width / 2 + dp(2)), width=dp(2))
            Line(circle=(cx, cy, r - width / 2 - dp(2)), width=dp(2))
            Color(*RING)
            Line(circle=(cx, cy, r), width=width / 2)        # Line's width is half the stroke
            if self._texture is not None:
                x, y, w, h = self.tag_box(Window.width, Window.height)
                Color(*TAG)
                RoundedRectangle(pos=(x, y), size=(w, h), radius=[dp(10)])
                Color(1, 1, 1, 1)
                tw, th = self._texture.size
                Rectangle(texture=self._texture, pos=(x + (w - tw) / 2, y + (h - th) / 2), size=(tw, th))


class PointerOverlay:
    """Shows the core's current point as a :class:`PointerRing`; main thread, except
    :meth:`changed` (any thread)."""

    def __init__(self, pointer, fps: float, large=lambda: False) -> None:
        self.pointer, self.fps, self.large = pointer, fps, large
        self.ring = PointerRing()
        self.mark = None                   # the point the ring shows now
        self._anim = None
        self._acked = None                 # the mark whose drawing was told to the helper

    def start(self) -> None:
        self.pointer.subscribe(self.changed)

    def stop(self) -> None:
        self.pointer.unsubscribe(self.changed)
        self.hide()

    @property
    def shown(self) -> bool:
        return self.mark is not None

    def changed(self, _mark) -> None:
        Clock.schedule_once(self.update)

    def update(self, *_args) -> None:
        mark = self.pointer.current()          # None once the 3 s are up (the core's clock)
        if mark is None:
            self.hide()
        elif mark is not self.mark:
            self.show(mark)

    def show(self, mark) -> None:
        from kivy.core.window import Window

        self.mark = mark
        self.ring.place(mark.x * Window.width, (1.0 - mark.y) * Window.height, _(WORDS),
                        LARGE if self.large() else 1.0)
        if self.ring.canvas not in Window.canvas.after.children:
            Window.canvas.after.add(self.ring.canvas)
        if self._anim is None:
            self._anim = Clock.schedule_interval(self._step, 1.0 / self.fps)
        Window.unbind(on_flip=self._drawn)
        Window.bind(on_flip=self._drawn)

    def hide(self) -> None:
        from kivy.core.window import Window

        self.mark = None
        Window.unbind(on_flip=self._drawn)
        if self._anim is not None:
            self._anim.cancel()
            self._anim = None
        if self.ring.canvas in Window.canvas.after.children:
            Window.canvas.after.remove(self.ring.canvas)
            Window.canvas.ask_update()

    def _step(self, dt) -> None:
        if self.pointer.current() is not self.mark:     # over, or replaced (its update is on its way)
            self.update()
            return
        self.ring.step(dt)

    def _drawn(self, _window) -> None:
        """A frame with the ring is on the screen: tell the helper, once per point."""
        from kivy.core.window import Window

        Window.unbind(on_flip=self._drawn)
        if self.mark is not None and self.mark is not self._acked:
            self._acked = self.mark
            self.pointer.shown(self.mark)
