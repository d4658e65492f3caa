# SPDX-License-Identifier: Apache-2.0
"""Lazy, tidy import of python-escpos (3.1).

On import python-escpos parses a 96 KB YAML file and writes a pickle into a
*new* temp folder each process, never removed; pointing
``ESCPOS_CAPABILITIES_PICKLE_DIR`` at one fixed folder makes it reuse the
pickle (0.16 s instead of 0.44 s). It still calls ``mkdtemp()`` for the unused
default (``environ.get(KEY, mkdtemp())``), so the empty folder that call makes
during the import is removed again. Nothing here runs at import time.
"""
from __future__ import annotations

import copy
import os
import tempfile
import threading
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drivers.receipt_printer.profiles import PrinterProfile

_PROFILE_CLASSES: dict[str, Any] = {}


def escpos() -> Any:
    """Import and return the ``escpos`` package (first call does file I/O)."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        cache = Path(tempfile.gettempdir()) / f"ehall-escpos-{os.getuid()}"
        cache.mkdir(mode=0o700, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
    if "escpos.printer" not in sys.modules:
        with _empty_temp_dirs_removed():
            import escpos.printer  # noqa: F401  (guarded vendor import, see house style)
    import escpos
    return escpos


@contextmanager
def _empty_temp_dirs_removed():
    """Removes the empty folders this thread's ``tempfile.mkdtemp`` calls make meanwhile."""
    real, me, made = tempfile.mkdtemp, threading.get_ident(), []

    def spy(*args, **kwargs):
        path = real(*args, **kwargs)
        if threading.get_ident() == me:
            made.append(path)
        return path

    tempfile.mkdtemp = spy
    try:
        yield
    finally:
        tempfile.mkdtemp = real
        for path in made:
            try:
                os.rmdir(path)             # only if still empty
            except OSError:
                pass


def escpos_profile(profile: PrinterProfile) -> Any:
    """An escpos profile object with our width and features.

    A custom escpos ``Profile`` without ``features`` silently drops the cut
    command (python-escpos 3.1 asks ``features``
    before it cuts), so we copy the default data and set them.
    """
    key = f"{profile.name}/{profile.width_dots}/{profile.cutter}/{profile.native_qr}"
    if key not in _PROFILE_CLASSES:
        from escpos.capabilities import Profile, get_profile_class

        escpos()
        data = copy.deepcopy(get_profile_class("default").profile_data)
        data["name"] = f"ehall {profile.name}"
        data["media"] = {"dpi": 203, "width": {"mm": profile.paper_width_mm, "pixels": profile.width_dots}}
        data["features"].update(paperFullCut=profile.cutter, paperPartCut=profile.cutter,
                                qrCode=profile.native_qr)
        _PROFILE_CLASSES[key] = type("EhallProfile", (Profile,), {"profile_data": data})
    cls = _PROFILE_CLASSES[key]
    return cls(columns=profile.columns, features=cls.profile_data["features"])


def dummy(profile: PrinterProfile) -> Any:
    """An escpos ``Dummy`` printer that collects bytes for ``profile``."""
    return escpos().printer.Dummy(profile=escpos_profile(profile))
