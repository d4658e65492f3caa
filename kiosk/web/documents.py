# SPDX-License-Identifier: Apache-2.0
"""A page's PDF for 证书自助打印: its page count and a preview of the first page (pypdfium2,
PDFium's own renderer), from memory. A PDF that PDFium cannot open is refused, not printed."""
from __future__ import annotations

import io

PREVIEW_WIDTH = 600           # pixels of the first page's preview
MAX_PAGES = 50                # a certificate is a few pages; more is refused


class DocumentError(ValueError):
    pass


def read_pdf(data: bytes) -> tuple[int, bytes]:
    """(page count, the first page as PNG); raises DocumentError for a PDF that does not open,
    has no pages or too many."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"not a PDF that opens ({exc})") from None
    try:
        pages = len(pdf)
        if not 0 < pages <= MAX_PAGES:
            raise DocumentError(f"{pages} pages")
        page = pdf[0]
        scale = PREVIEW_WIDTH / max(1.0, page.get_width())
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return pages, out.getvalue()
    finally:
        pdf.close()
