# SPDX-License-Identifier: Apache-2.0
"""The kiosk browser as a device: READY (no session), BUSY (a citizen's page is open),
ABSENT (no Chromium), FAULT (the renderer crashed). One session at a time."""
from __future__ import annotations

import abc
from typing import Any, Callable

from drivers.base import Device

Check = Callable[[str], Any]      # url -> None (allowed) or an object with .host and .reason


class BrowserDevice(Device, abc.ABC):
    kind = "browser"

    def capabilities(self) -> dict:
        return {"fresh_profile_per_session": True, "navigation_guard": True, "popups_in_same_view": True}

    @abc.abstractmethod
    def start_session(self, check: Check, width: int = 1280, height: int = 800) -> None: ...

    @abc.abstractmethod
    def goto(self, url: str) -> None: ...

    @abc.abstractmethod
    def end_session(self) -> None: ...
