# SPDX-License-Identifier: Apache-2.0
"""Contrast measured from the rendered pixels (the framebuffer), not from the theme.

A widget's region is read with glReadPixels after a frame is drawn; its background is
the commonest colour there, its text the colour (seen on at least a few pixels) that
stands out most from that background. WCAG 2 contrast as in screens.theme.contrast.
"""
from __future__ import annotations

import numpy as np

from screens.theme import contrast

MIN_PIXELS = 6         # a colour on fewer pixels is antialiasing noise, not text


def frame(window) -> np.ndarray:
    """The window as an (h, w, 3) uint8 array, row 0 at the bottom (Kivy's y)."""
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    w, h = (int(v) for v in window.size)
    data = glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE)
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)


def window_rect(widget) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of widget in window pixels, clipped to every scrolling ancestor."""
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    from kivy.uix.stencilview import StencilView
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, StencilView):
            px0, py0 = parent.to_window(parent.x, parent.y)
            px1, py1 = parent.to_window(parent.right, parent.top)
            x0, y0, x1, y1 = max(x0, px0), max(y0, py0), min(x1, px1), min(y1, py1)
        parent = parent.parent
    return int(round(x0)), int(round(y0)), int(round(x1)), int(round(y1))


def _rgba(px) -> tuple[float, float, float, float]:
    return (px[0] / 255, px[1] / 255, px[2] / 255, 1.0)


def _colours(region: np.ndarray) -> list[tuple[tuple, int]]:
    flat = region.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    order = np.argsort(-counts)
    return [(tuple(int(c) for c in colours[i]), int(counts[i])) for i in order]


def _luminances(pixels: np.ndarray) -> np.ndarray:
    c = pixels.astype(float) / 255
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def text_contrast(img: np.ndarray, rect, inset: int = 10) -> tuple[float, tuple, tuple]:
    """(ratio, text colour, background colour) inside rect shrunk by inset pixels: the
    background is the commonest colour; the text's contrast is the MIN_PIXELS-th highest
    contrast of any pixel to it (so a few stray pixels do not count as text, and scaled,
    smoothed glyphs with few identical pixels still do)."""
    x0, y0, x1, y1 = rect
    region = img[y0 + inset:y1 - inset, x0 + inset:x1 - inset].reshape(-1, 3)
    bg = _colours(region[:, None, :])[0][0]
    lum = _luminances(region)
    lbg = _luminances(np.array([bg]))[0]
    ratios = (np.maximum(lum, lbg) + 0.05) / (np.minimum(lum, lbg) + 0.05)
    if len(ratios) < MIN_PIXELS:
        return 1.0, bg, bg
    k = np.argsort(-ratios)[MIN_PIXELS - 1]
    return float(ratios[k]), tuple(int(v) for v in region[k]), bg


def edge_contrast(img: np.ndarray, rect, band: int = 4, ring: int = 4) -> float:
    """How much the control's outer band stands out from what surrounds it: the best
    contrast between a colour of the band (≥ MIN_PIXELS) and the commonest colour of a
    ring just outside the control."""
    x0, y0, x1, y1 = rect
    h, w = img.shape[:2]
    outer = img[max(0, y0 - ring):min(h, y1 + ring), max(0, x0 - ring):min(w, x1 + ring)].copy()
    mask = np.ones(outer.shape[:2], bool)
    mask[(y0 - max(0, y0 - ring)):(y0 - max(0, y0 - ring)) + (y1 - y0),
         (x0 - max(0, x0 - ring)):(x0 - max(0, x0 - ring)) + (x1 - x0)] = False
    around = _colours(outer[mask][:, None, :])[0][0]
    inner = img[y0:y1, x0:x1]
    bmask = np.zeros(inner.shape[:2], bool)
    bmask[:band, :] = bmask[-band:, :] = True
    bmask[:, :band] = bmask[:, -band:] = True
    best = 1.0
    for colour, count in _colours(inner[bmask][:, None, :]):
        if count < MIN_PIXELS:
            break
        best = max(best, contrast(_rgba(colour), _rgba(around)))
    return best
