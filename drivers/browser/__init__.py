# SPDX-License-Identifier: Apache-2.0
"""The kiosk browser (网上办 at the terminal): ``chromium:///usr/bin/chromium[?headless=0][&fake_camera=1]``
(``fake_camera``: pages get Chromium's synthetic camera, for demos and tests without one).

``build(name, uri)`` is the factory of :mod:`drivers.registry`."""
from __future__ import annotations

from drivers.base import DeviceUri
from drivers.registry import check_uri

from .errors import WEB_BAD_URI
from .interface import BrowserDevice

__all__ = ["BrowserDevice", "build"]


def build(name: str, uri: str | DeviceUri, font_dirs: tuple[str, ...] = ()) -> BrowserDevice:
    """``font_dirs``: folders of fonts the pages may use besides the system's (the kiosk passes
    its own Noto Sans SC, so Chinese pages render on a terminal without CJK system fonts)."""
    parsed = check_uri(uri, {"chromium": {"headless", "fake_camera"}}, WEB_BAD_URI)
    from .chromium import Browser
    return Browser(name, parsed, font_dirs=tuple(font_dirs))
