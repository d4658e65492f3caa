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
    def goto(self, url: str, timeout: float = 30.0) -> None: ...

    @abc.abstractmethod
    def end_session(self) -> None: ...

    def devtools_page(self) -> str | None:
        """The shown page's own DevTools address for another local client (the identity worker's
        填入证件信息), or None where the backend has none."""
        return None

    # the page as the kiosk draws it: frames out, the citizen's taps and keys in (view pixels)
    @abc.abstractmethod
    def show(self, on_frame: Callable[[bytes, int, int], None], on_focus: Callable[[bool, str], None],
             width: int, height: int, on_ask: Callable[[str, str], None] | None = None,
             on_document: Callable[[str, str, bytes], None] | None = None) -> None: ...

    @abc.abstractmethod
    def answer(self, accept: bool) -> None: ...

    @abc.abstractmethod
    def give_file(self, name: str, mime: str, data: bytes) -> None: ...

    @abc.abstractmethod
    def tap(self, x: float, y: float) -> None: ...

    @abc.abstractmethod
    def scroll(self, x: float, y: float, dx: float, dy: float) -> None: ...

    @abc.abstractmethod
    def type_text(self, text: str) -> None: ...

    @abc.abstractmethod
    def press(self, key: str) -> None: ...

    @abc.abstractmethod
    def zoom(self, percent: int) -> None: ...

    @abc.abstractmethod
    def resize(self, width: int, height: int) -> None: ...

    @abc.abstractmethod
    def back(self) -> None: ...
