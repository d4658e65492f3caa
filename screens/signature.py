# SPDX-License-Identifier: Apache-2.0
"""签名: a signature pad for the finger. Strokes are drawn as the finger moves (round joins
and caps, so a quick stroke stays smooth), and 确定 makes a transparent PNG cropped to the ink,
in memory only (the page's upload takes it; nothing is written to disk)."""
from __future__ import annotations

import io
import math

from kivy.graphics import Color, Line
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.widget import Widget

INK = (0.05, 0.05, 0.1, 1)
MIN_STEP = 2.0          # pixels between two kept points of a stroke
MARGIN = 12             # transparent pixels around the ink in the PNG


class SignaturePad(Widget):
    has_ink = BooleanProperty(False)
    ink_width = NumericProperty(0)           # dp(3) when built (dp() at import would open the window)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.ink_width:
            self.ink_width = dp(3)
        self.strokes: list[list[float]] = []      # flat x, y lists in the pad's own coordinates
        self._lines: list[Line] = []

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.grab(self)
        x, y = touch.x - self.x, touch.y - self.y
        self.strokes.append([x, y, x + 0.01, y])   # a dot is a stroke too
        with self.canvas.after:
            Color(*INK)
            self._lines.append(Line(points=self._abs(self.strokes[-1]), width=self.ink_width,
                                    joint="round", cap="round"))
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        x = min(max(touch.x, self.x), self.right) - self.x
        y = min(max(touch.y, self.y), self.top) - self.y
        stroke = self.strokes[-1]
        if math.hypot(x - stroke[-2], y - stroke[-1]) >= MIN_STEP:
            stroke.extend((x, y))
            self._lines[-1].points = self._abs(stroke)
            self.has_ink = True
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self.has_ink = self.has_ink or bool(self.strokes)
        return True

    def _abs(self, stroke: list[float]) -> list[float]:
        return [v + (self.x if i % 2 == 0 else self.y) for i, v in enumerate(stroke)]

    def clear(self) -> None:
        """重写 (and the session's end): the strokes are gone."""
        self.canvas.after.clear()
        self.strokes, self._lines = [], []
        self.has_ink = False

    def to_png(self) -> bytes:
        """The ink as a transparent PNG, cropped to it with a small margin."""
        from PIL import Image, ImageDraw

        width, height = max(1, int(self.width)), max(1, int(self.height))
        image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        ink = tuple(int(c * 255) for c in INK)
        w = max(2, int(round(self.ink_width * 2)))
        for stroke in self.strokes:
            points = [(stroke[i], height - stroke[i + 1]) for i in range(0, len(stroke), 2)]
            draw.line(points, fill=ink, width=w, joint="curve")
            for px, py in (points[0], points[-1]):
                draw.ellipse((px - w / 2, py - w / 2, px + w / 2, py + w / 2), fill=ink)
        box = image.getbbox()
        if box is not None:
            image = image.crop((max(0, box[0] - MARGIN), max(0, box[1] - MARGIN),
                                min(width, box[2] + MARGIN), min(height, box[3] + MARGIN)))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
