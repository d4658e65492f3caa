# SPDX-License-Identifier: Apache-2.0
"""Document photos made for the tests (no photo of a real person's papers is needed or kept):
an A4 page with a fictitious certificate's text, put on a desk at a known perspective, under
uneven light, with sensor noise. The known corners are what crop and deskew are checked against."""
from __future__ import annotations

import numpy as np


def page_image(width: int = 840, height: int = 1188) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont
    from pylopdf_fonts_zh_cn import sans_path

    page = Image.new("RGB", (width, height), (250, 250, 246))
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(sans_path()), 56)
    body = ImageFont.truetype(str(sans_path()), 30)
    draw.text((width // 2 - 220, 80), "居住证明（测试样张）", font=title, fill=(20, 20, 20))
    for n in range(14):
        draw.text((80, 220 + n * 62), f"第{n + 1}行：兹证明测试人员在本辖区居住，特此证明。", font=body, fill=(30, 30, 30))
    draw.rectangle((width - 260, height - 260, width - 80, height - 80), outline=(200, 30, 30), width=8)
    return np.asarray(page, dtype=np.uint8).copy()


def desk_photo(corners: list[tuple[float, float]], size: tuple[int, int] = (1920, 1080),
               seed: int = 7) -> np.ndarray:
    """The page warped onto a desk at ``corners`` (tl, tr, br, bl) in a ``size`` frame."""
    import cv2

    width, height = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    desk = np.stack([90 + 30 * xx / width, 70 + 20 * yy / height, 55 + 10 * xx / width], axis=-1)
    page = page_image()
    ph, pw = page.shape[:2]
    src = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, np.array(corners, dtype=np.float32))
    warped = cv2.warpPerspective(page, matrix, (width, height))
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (width, height)) > 127
    frame = np.where(mask[..., None], warped, desk)
    light = 0.75 + 0.25 * (xx / width)[..., None]                # brighter on the right
    frame = frame * light + rng.normal(0, 3, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def turned(angle_deg: float, height: float = 940.0, center=(960.0, 540.0)) -> list[tuple[float, float]]:
    """An A4 page's corners, ``height`` pixels tall, turned by ``angle_deg`` on the desk."""
    import math
    w, h = height / 2 ** 0.5, height
    a = math.radians(angle_deg)
    out = []
    for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((center[0] + x * math.cos(a) - y * math.sin(a), center[1] + x * math.sin(a) + y * math.cos(a)))
    return out


CORNERS = turned(6.0)                                    # straight above, the page turned by 6°
KEYSTONE = [(600.0, 80.0), (1330.0, 110.0), (1380.0, 1020.0), (540.0, 990.0)]   # the camera at a slant
