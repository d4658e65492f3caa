# SPDX-License-Identifier: Apache-2.0
"""Browse the catalogue by department, category or audience, with counts."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.utils import escape_markup

from .widgets import KioskScreen

KINDS = {"department": "按部门", "category": "按类别", "audience": "按服务对象"}


class BrowseScreen(KioskScreen):
    by = StringProperty("department")

    def show(self, by: str = "department", **params) -> None:
        self.by = by if by in KINDS else "department"
        self.title = "按部门浏览" if self.by == "department" else KINDS[self.by] + "浏览"
        groups = {"department": self.kiosk.catalogue.departments,
                  "category": self.kiosk.catalogue.categories,
                  "audience": self.kiosk.catalogue.audiences}[self.by]()
        grid = self.ids.groups
        grid.clear_widgets()
        for name, count in groups:
            if not count:
                continue
            row = Factory.RowButton(text=f"{escape_markup(name)}   [color=4a5261]{count} 项[/color]")
            row.bind(on_release=lambda _btn, value=name: self.open_group(value))
            grid.add_widget(row)
        self.ids.scroll.scroll_y = 1

    def switch(self, by: str) -> None:
        self.session.replace("browse", by=by)

    def open_group(self, value: str) -> None:
        self.session.go("list", by=self.by, value=value, page=0)

    def wipe(self) -> None:
        self.ids.groups.clear_widgets()
