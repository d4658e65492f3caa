# SPDX-License-Identifier: Apache-2.0
"""The helper toolbar of assist mode (协助模式): an overlay at the bottom of every screen.

Actions: end the citizen's session, large text on/off, open any item by its
number, device status, 退出协助模式. The controller logs each one with the
helper's id before doing it.
"""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import _

from . import assist_keypad  # noqa: F401 - NumPad for the kv

MAX_MATCHES = 4


def match_items(items, digits: str, limit: int = MAX_MATCHES) -> list:
    """Items whose id contains the typed digits, shortest id first (SI-0049 for "49")."""
    if not digits:
        return []
    found = [item for item in items if digits in item.id]
    found.sort(key=lambda item: (len(item.id), item.id))
    return found[:limit]


class HelperToolbar(BoxLayout):
    ctl = ObjectProperty(None)
    helper = StringProperty("")
    panel = StringProperty("")          # "", "item" or "devices"
    status_text = StringProperty("")
    panel_height = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._panel = None

    def _set_panel(self, name: str, widget=None) -> None:
        if self._panel is not None:
            self._panel.unbind(height=self._panel_resized)
            self.remove_widget(self._panel)
        self._panel, self.panel = widget, name
        self.panel_height = widget.height if widget is not None else 0
        if widget is not None:
            widget.bind(height=self._panel_resized)
            self.add_widget(widget, index=1)          # above the bar

    def _panel_resized(self, _widget, height) -> None:
        self.panel_height = height

    def refresh(self, ctl) -> None:
        self.helper = ctl.mode.helper_id or ""
        if not ctl.mode.active:
            self.close_panel()

    # -- actions ---------------------------------------------------------------
    def end_session(self) -> None:
        self.close_panel()
        self.ctl.helper_action("end_session")

    def toggle_large_text(self) -> None:
        self.ctl.helper_action("large_text")

    def exit_mode(self) -> None:
        self.close_panel()
        self.ctl.helper_action("exit")

    def show_devices(self) -> None:
        if self.panel == "devices":
            self.close_panel()
            return
        self.ctl.helper_action("device_status")
        lines = self.ctl.device_status()
        self.status_text = "\n".join(lines) if lines else _("本机没有接入设备状态（设备服务未启动）。")
        panel = Factory.StatusPanel()
        panel.text = self.status_text
        self._set_panel("devices", panel)

    def show_item_search(self) -> None:
        if self.panel == "item":
            self.close_panel()
            return
        self.ctl.mode.touch()
        panel = Factory.ItemPanel()
        panel.ids.pad.bind(text=lambda _pad, digits: self.on_digits(digits))
        self._set_panel("item", panel)

    def close_panel(self) -> None:
        if self.panel:
            self._set_panel("")

    def on_digits(self, digits: str) -> None:
        box = self._panel.ids.results
        box.clear_widgets()
        if self.ctl is None:
            return
        self.ctl.mode.touch()
        for item in match_items(self.ctl.app.kiosk.catalogue.items, digits):
            row = Factory.RowButton(text=f"{item.id}  {item.name}")
            row.bind(on_release=lambda _b, item_id=item.id: self.open_item(item_id))
            box.add_widget(row)

    def open_item(self, item_id: str) -> None:
        self.close_panel()
        self.ctl.helper_action("open_item", item=item_id)
