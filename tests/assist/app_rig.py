# SPDX-License-Identifier: Apache-2.0
"""The real kiosk app's side of a call, for the end-to-end test and the bench: the Kivy
app's assist controller with a real AssistService (simulated camera), and ways to
compare what the kiosk window shows with what the helper's Chromium receives."""
from __future__ import annotations

import numpy as np

from assist_testkit import kiosk_config

HELPER_VIEW = """([id, w, h]) => { const v = document.getElementById(id);
  if (!v || !v.videoWidth || !v.currentTime) return null;
  const c = document.createElement('canvas'); c.width = w; c.height = h;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0, w, h);
  return {w: v.videoWidth, h: v.videoHeight, px: Array.from(g.getImageData(0, 0, w, h).data)}; }"""
SMALL = (160, 100)


def kiosk_service(hub_url: str):
    """The AssistService a kiosk builds, on the test hub, with the simulated camera."""
    from drivers.camera import make_camera
    from kiosk.assist import AssistService

    return AssistService(kiosk_config(hub_url),
                         camera_factory=lambda: make_camera("assist", "sim://"),
                         backoff_first_s=0.2)


def helper_view(page, video_id: str = "kiosk-screen", size=SMALL):
    """What the helper's page shows in ``video_id``, scaled to ``size``: (RGB array, (w, h)) or None."""
    got = page.evaluate(HELPER_VIEW, [video_id, size[0], size[1]])
    if got is None:
        return None
    rgba = np.array(got["px"], dtype=np.uint8).reshape(size[1], size[0], 4)
    return rgba[..., :3], (got["w"], got["h"])


def small(rgb: np.ndarray, size=SMALL) -> np.ndarray:
    """An RGB array (top row first) scaled to ``size`` the way a browser would, roughly."""
    from PIL import Image

    return np.asarray(Image.fromarray(rgb).resize(size, Image.BILINEAR))


def png_rgb(path: str) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference per channel, 0..255."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def crop(rgb: np.ndarray, widget, window_height: int) -> np.ndarray:
    """The part of a window screenshot (top row first) that ``widget`` covers."""
    x0, y0 = widget.to_window(*widget.pos)
    x1, y1 = widget.to_window(widget.right, widget.top)
    return rgb[int(window_height - y1):int(window_height - y0), int(x0):int(x1)]
