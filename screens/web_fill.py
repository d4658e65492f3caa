# SPDX-License-Identifier: Apache-2.0
"""填入证件信息 on the web screen (kiosk/web/fill.py): the strip under the bar with 姓名 / 证件号码 /
住址 / 有效期限, each masked, while a text field of the page has the focus and the identity worker
holds the card; the outcome shows over the page's top for a few seconds."""
from __future__ import annotations

from kivy.clock import Clock

from kiosk.i18n import _


class FillSteps:
    """Mixed into WebScreen: needs ``ids.fill_*_btn``, ``fill_offered``, ``fill_note``, ``kiosk`` and
    ``_fit_page``."""

    def attach_fill(self) -> None:
        fill = self.kiosk.identity_fill
        if self.fill_bridge is None and fill is not None:
            from kiosk.ui_bridge import FillBridge
            self.fill_bridge = FillBridge(fill)
            self.fill_bridge.bind(offered=self._on_fill_offered, fields=self._on_fill_fields,
                                  message=self._on_fill_message)

    def _on_fill_offered(self, _bridge, offered: bool) -> None:
        self.fill_offered = offered
        Clock.schedule_once(lambda _dt: self._fit_page(), 0)

    def _on_fill_fields(self, _bridge, fields: dict) -> None:
        for name in ("name", "number", "address", "validity"):
            self.ids[f"fill_{name}_btn"].value = fields.get(name, "")

    def _on_fill_message(self, _bridge, message: str) -> None:
        """The outcome shows over the page's top for 5 s (the strip has no room for it in large text)."""
        self.fill_note = _(message) if message else ""
        Clock.unschedule(self._clear_fill_note)
        if message:
            Clock.schedule_once(self._clear_fill_note, 5)

    def _clear_fill_note(self, _dt=None) -> None:
        self.fill_note = ""

    def fill(self, field: str) -> None:
        """姓名 / 证件号码 / 住址 / 有效期限: the identity worker types it into the focused field."""
        if self.kiosk.identity_fill is not None:
            self.kiosk.identity_fill.fill(field)

