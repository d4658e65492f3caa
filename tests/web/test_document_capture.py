# SPDX-License-Identifier: Apache-2.0
"""拍照上传's image work on made document photos with known corners: the page is found, flattened
to its own proportions, evened out to white paper with dark ink, and fits the size limit."""
import io
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docphoto import CORNERS, KEYSTONE, desk_photo, page_image, turned  # noqa: E402

from kiosk.web.capture import document_page, find_page, to_jpeg, to_pdf  # noqa: E402


@pytest.mark.parametrize("corners", [CORNERS, turned(0.0), turned(-12.0, 900.0), KEYSTONE])
def test_the_page_is_found_at_its_corners(corners):
    found = find_page(desk_photo(corners))
    assert found is not None
    diagonal = np.hypot(1920, 1080)
    assert np.abs(found - np.array(corners)).max() < 0.012 * diagonal, found


def test_the_flattened_page_has_a4_proportions_and_the_text_where_it_was():
    frame = desk_photo(CORNERS)
    page, found = document_page(frame)
    assert found
    ratio = page.shape[0] / page.shape[1]
    assert abs(ratio - 1188 / 840) < 0.03                            # A4 stands again
    original = page_image()
    # the red box at the bottom right of the page is at the bottom right again
    h, w = page.shape[:2]
    corner = page[int(h * 0.75):int(h * 0.95), int(w * 0.66):int(w * 0.93)]
    red = (corner[..., 0] > 150) & (corner[..., 1] < 110) & (corner[..., 2] < 110)
    assert red.sum() > 200
    assert original.shape[0] / original.shape[1] == pytest.approx(1188 / 840)


def test_uneven_light_is_evened_out_to_white_paper_and_dark_ink():
    page, _ = document_page(desk_photo(CORNERS))
    gray = page.mean(axis=2)
    h, w = gray.shape
    left, right = gray[:, : w // 5], gray[:, -w // 5:]
    assert np.median(left) > 235 and np.median(right) > 235         # the dim side is white too
    assert abs(np.median(left) - np.median(right)) < 8
    assert (gray < 100).mean() > 0.01                                # the text is still there


def test_no_page_in_the_frame_is_said_and_the_frame_is_kept():
    empty = desk_photo([(0, 0), (1, 0), (1, 1), (0, 1)])
    assert find_page(empty) is None
    page, found = document_page(empty)
    assert not found and page.shape == empty.shape


def test_files_fit_the_size_limit_as_jpeg_and_as_a_pdf_of_pages():
    from PIL import Image
    page, _ = document_page(desk_photo(CORNERS))
    jpeg = to_jpeg(page, 200_000)
    assert jpeg.startswith(b"\xff\xd8") and len(jpeg) <= 200_000
    assert Image.open(io.BytesIO(jpeg)).size[1] >= 800               # still readable
    pdf = to_pdf([page, page], 500_000)
    assert pdf.startswith(b"%PDF") and len(pdf) <= 500_000
    import pypdfium2 as pdfium
    assert len(pdfium.PdfDocument(pdf)) == 2
