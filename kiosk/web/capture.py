# SPDX-License-Identifier: Apache-2.0
"""拍照上传: a document on the desk, photographed by the document camera, made ready for a
page's upload: the page found, its perspective flattened, its lighting evened out, and the
result compressed to the size the hall allows (JPEG, or a PDF of several pages).

OpenCV does the image work (the project's camera stack already uses it); Pillow writes the
JPEG and the PDF. Everything stays in memory: the frames, the pages and the file given to the
page (docs/privacy.md: documents are citizens' data).
"""
from __future__ import annotations

import io
import threading
from typing import Any, Callable

import numpy as np

MIN_PAGE_SHARE = 0.15        # a page covers at least this share of the frame, else it was not found
LONG_SIDE = 1600             # pixels of a flattened page's long side (about 190 dpi on A4)


def find_page(rgb: np.ndarray) -> np.ndarray | None:
    """The document's four corners (top-left, top-right, bottom-right, bottom-left; float x, y
    in frame pixels), or None when no page-like quadrilateral is in the frame."""
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small_scale = 800 / max(gray.shape)
    small = cv2.resize(gray, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA) \
        if small_scale < 1 else gray
    scale = small_scale if small_scale < 1 else 1.0
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)   # paper is brighter
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = small.shape[0] * small.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        if cv2.contourArea(contour) < MIN_PAGE_SHARE * area:
            break
        hull = cv2.convexHull(contour)
        perimeter = cv2.arcLength(hull, True)
        for eps in (0.02, 0.03, 0.05, 0.08):
            quad = cv2.approxPolyDP(hull, eps * perimeter, True)
            if len(quad) == 4 and _looks_like_paper(rgb, quad.reshape(4, 2) / scale):
                return _order(quad.reshape(4, 2).astype(np.float32) / scale)
    return None


def _looks_like_paper(rgb: np.ndarray, quad: np.ndarray) -> bool:
    """Inside the quadrilateral: bright and nearly colourless (paper), and it is not the whole
    frame (then it is the desk or the light, not a page on it)."""
    import cv2

    height, width = rgb.shape[:2]
    if cv2.contourArea(quad.astype(np.float32)) > 0.97 * width * height:
        return False
    mask = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    value = cv2.mean(hsv[:, :, 2], mask=mask)[0]
    saturation = cv2.mean(hsv[:, :, 1], mask=mask)[0]
    return value > 140 and saturation < 70


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(total)], points[np.argmin(diff)],
                     points[np.argmax(total)], points[np.argmax(diff)]], dtype=np.float32)


def flatten(rgb: np.ndarray, corners: np.ndarray, long_side: int = LONG_SIDE) -> np.ndarray:
    """The page seen straight on: the quadrilateral warped to a rectangle of its own proportions."""
    import cv2

    tl, tr, br, bl = corners
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    k = long_side / max(width, height, 1.0)
    w, h = max(1, int(round(width * k))), max(1, int(round(height * k)))
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(rgb, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def even_out(rgb: np.ndarray) -> np.ndarray:
    """Uneven light and a grey cast removed: each channel divided by its own smooth background
    (a large median), so the paper comes out white and the ink keeps its contrast."""
    import cv2

    out = np.empty_like(rgb)
    size = max(31, (min(rgb.shape[:2]) // 6) | 1)
    for c in range(3):
        channel = rgb[:, :, c]
        small = cv2.resize(channel, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
        background = cv2.medianBlur(small, max(3, (size // 4) | 1))
        background = cv2.resize(background, (channel.shape[1], channel.shape[0]), interpolation=cv2.INTER_LINEAR)
        out[:, :, c] = np.clip(channel.astype(np.float32) * 255.0 / np.maximum(background, 1), 0, 255)
    return out


def document_page(frame: np.ndarray) -> tuple[np.ndarray, bool]:
    """(the page ready for upload, whether a page was found); without one, the whole frame
    evened out (the citizen sees it and can take it again)."""
    corners = find_page(frame)
    page = flatten(frame, corners) if corners is not None else frame
    return even_out(page), corners is not None


def to_jpeg(rgb: np.ndarray, max_bytes: int) -> bytes:
    """JPEG under ``max_bytes``: quality steps down first, then the size."""
    from PIL import Image

    image = Image.fromarray(rgb)
    while True:
        for quality in (88, 75, 60, 45):
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=quality, optimize=True)
            if out.tell() <= max_bytes:
                return out.getvalue()
        if max(image.size) < 400:
            return out.getvalue()
        image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.LANCZOS)


def to_pdf(pages: list[np.ndarray], max_bytes: int) -> bytes:
    """One PDF of the pages (JPEG inside), under ``max_bytes`` when it can be."""
    from PIL import Image

    share = max(20_000, max_bytes // max(1, len(pages)) - 4_000)
    for _ in range(5):
        images = [Image.open(io.BytesIO(to_jpeg(p, share))) for p in pages]
        out = io.BytesIO()
        images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150.0)
        if out.tell() <= max_bytes:
            break
        share = int(share * 0.8)
    return out.getvalue()


class LivePreview:
    """The document camera's frames while the capture screen is up: read on a thread of its
    own, the newest kept (and handed to ``on_frame``), nothing else kept."""

    def __init__(self, camera: Any, on_frame: Callable[[np.ndarray], None], fps: float = 8.0):
        self.camera = camera
        self.on_frame = on_frame
        self.period = 1.0 / fps
        self.latest: np.ndarray | None = None
        self.error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="document-camera", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if not self.camera.is_open:
                self.camera.open()
            while not self._stop.is_set():
                frame = self.camera.read()
                self.latest = frame
                self.on_frame(frame)
                self._stop.wait(self.period)
        except Exception as exc:  # noqa: BLE001 - unplugged or broken: the screen says so
            self.error = getattr(exc, "code", type(exc).__name__)
            self.on_frame(np.zeros((0, 0, 3), np.uint8))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        self.latest = None
