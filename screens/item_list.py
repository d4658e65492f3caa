# SPDX-License-Identifier: Apache-2.0
"""A paged list of service items (one department, category or audience)."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import NumericProperty
from kivy.utils import escape_markup

from .widgets import KioskScreen

FILTERS = ("department", "category", "audience")


class ItemListScreen(KioskScreen):
    page = NumericProperty(0)        # 0-based
    pages = NumericProperty(1)
    total = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._params: dict = {}
        self._items: list = []

    def on_kv_post(self, _base):
        self.app.theme.bind(large=lambda *_: self._render() if self._params else None)

    def show(self, by: str = "department", value: str = "", page: int = 0, **params) -> None:
        by = by if by in FILTERS else "department"
        self._params = {"by": by, "value": value}
        self._items = self.kiosk.catalogue.filter(**{by: value})
        self.total = len(self._items)
        self.title = f"{value}（共 {self.total} 项）"
        self.page = page
        self._render()

    def _render(self) -> None:
        from kivy.core.window import Window
        size = self.app.theme.page_size(self.kiosk.config["ui.page_size"], Window.height)
        self.pages = max(1, -(-self.total // size))
        self.page = min(max(0, self.page), self.pages - 1)
        rows = self.ids.rows
        rows.clear_widgets()
        for item in self._items[self.page * size:(self.page + 1) * size]:
            row = Factory.RowButton(text=escape_markup(item.name))
            row.bind(on_release=lambda _b, item_id=item.id: self.session.go("item", id=item_id))
            rows.add_widget(row)

    def turn(self, step: int) -> None:
        target = min(max(0, self.page + step), self.pages - 1)
        if target != self.page:
            self.session.replace("list", page=target, **self._params)

    def wipe(self) -> None:
        self._params, self._items = {}, []
        self.page, self.pages, self.total = 0, 1, 0
        self.ids.rows.clear_widgets()
