# SPDX-License-Identifier: Apache-2.0
"""qrcode without PIL (issue 18, docs/memory.md).

``import qrcode`` (8.x) imports PIL only for backward compatibility: ``qrcode.image.styles.
moduledrawers`` re-exports its PIL drawers inside ``try: ... except ImportError: pass``. The kiosk
needs only the code's modules (the QR screen draws them, a receipt printer with native QR needs
their count), so :func:`qrcode` imports the package with that one re-export refused: PIL (about
2.9 MB resident) is then loaded only by what draws a QR as a picture (``make_image``, the A4 page,
a printer without native QR), which imports it itself. Once PIL is loaded anyway, the plain import
is used; either way the modules are the same (tests/unit/test_qr_import.py).
"""
from __future__ import annotations

import sys
import threading
from types import ModuleType

_PIL_DRAWERS = "qrcode.image.styles.moduledrawers.pil"
_LOCK = threading.Lock()


def qrcode() -> ModuleType:
    """The ``qrcode`` package, imported without PIL where PIL is not loaded yet."""
    loaded = sys.modules.get("qrcode")
    if loaded is not None:
        return loaded
    with _LOCK:
        if "PIL.Image" in sys.modules or _PIL_DRAWERS in sys.modules:
            import qrcode as plain
            return plain
        sys.modules[_PIL_DRAWERS] = None      # type: ignore[assignment]  # its import: ImportError
        try:
            import qrcode as without_pil
        finally:
            if sys.modules.get(_PIL_DRAWERS, False) is None:
                del sys.modules[_PIL_DRAWERS]  # a later explicit import of the drawers works
        return without_pil
