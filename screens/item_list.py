# SPDX-License-Identifier: Apache-2.0
"""A paged list of service items (one life topic, department, category or audience)."""
from __future__ import annotations

from collections import Counter

from kivy.factory import Factory
from kivy.properties import NumericProperty
from kivy.utils import escape_markup

from kiosk import themes as themes_mod
from kiosk.catalogue import shown_name
from kiosk.i18n import N_, _

from .widgets import KioskScreen

FILTERS = ("theme", "department", "category", "audience")
OTHER_CATEGORY = N_("其他事项")           # as Catalogue.categories() names items without one


class ItemListScreen(KioskScreen):
    page = NumericProperty(0)        # 0-based
    pages = NumericProperty(1)
    total = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._params: dict = {}
        self._items: list = []

    def on_kv_post(self, _base):
        self._filter_bar = self.ids.filter_bar.__self__    # a strong reference: it leaves the tree
        self._filter_bar.parent.remove_widget(self._filter_bar)
        self.app.theme.bind(large=lambda *_: self.show(**self._route) if self._params else None)

    def show(self, by: str = "department", value: str = "", page: int = 0, category: str | None = None,
             **params) -> None:
        by = by if by in FILTERS else "department"
        self._params = {"by": by, "value": value}
        self._route = {**self._params, "page": page, "category": category}
        if by == "theme":
            items = self.kiosk.themes.items(value) if self.kiosk.themes else []
            label = themes_mod.split(value)[1] or value
        else:
            items = self.kiosk.catalogue.filter(**{by: value})
            label = _(value) if by == "audience" else value     # 个人 / 法人 are the kiosk's words
        self._show_filters(by, value, items, category)
        if category is not None:
            items = [i for i in items if (i.category or OTHER_CATEGORY) == category]
        self._items = items
        self.total = len(items)
        if category is None:
            self.title = _("{label}（共 {n} 项）").format(label=label, n=self.total)
        else:
            self.title = _("{label}·{category}（{n} 项）").format(label=label, category=_(category), n=self.total)
        self.page = page
        self._render()

    def _show_filters(self, by: str, value: str, items: list, chosen: str | None) -> None:
        """A theme's list can be narrowed by legal category (行政许可, 公共服务 …) when it has several."""
        counts = Counter(i.category or OTHER_CATEGORY for i in items)
        bar, chips = self._filter_bar, self.ids.filters
        chips.clear_widgets()
        # large text keeps the rows for the list itself: no filter bar there
        wanted = by == "theme" and len(counts) > 1 and not self.app.theme.large
        box = self.ids.rows.parent
        if wanted and bar.parent is None:
            box.add_widget(bar, index=len(box.children) - 1)          # under the top bar
        elif not wanted and bar.parent is not None:
            box.remove_widget(bar)
        if not wanted:
            return
        for cat, count in [(None, len(items))] + sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            label = _("全部") if cat is None else escape_markup(_(cat))
            chip = Factory.FilterChip(text=f"{label}\u00a0{count}")
            chip.selected = cat == chosen                # after the kv rule's default
            chip.bind(on_release=lambda _c, c=cat: self.session.replace("list", page=0, category=c, **self._params))
            chips.add_widget(chip)

    def _render(self) -> None:
        from kivy.core.window import Window
        size = min(self.app.theme.page_size(self.kiosk.config["ui.page_size"], Window.height), self._rows_that_fit())
        self.pages = max(1, -(-self.total // size))
        self.page = min(max(0, self.page), self.pages - 1)
        rows = self.ids.rows
        rows.clear_widgets()
        for item in self._items[self.page * size:(self.page + 1) * size]:
            row = Factory.RowButton(text=escape_markup(shown_name(item)))
            row.bind(on_release=lambda _b, item_id=item.id: self.session.go("item", id=item_id))
            rows.add_widget(row)

    def _rows_that_fit(self) -> int:
        """Rows that fit between the top bar and the pager (large mode: 4 at 800 px, not 5)."""
        from kivy.core.window import Window   # importing it opens the window: only once the app runs

        t = self.app.theme
        room = Window.height - t.nav_h - (t.button_h + 2 * t.pad) - 2 * t.pad + t.gap * .75
        if self._filter_bar.parent is not None:
            room -= self._filter_bar.height
        return max(3, int(room // (t.row_h + t.gap * .75)))

    def turn(self, step: int) -> None:
        target = min(max(0, self.page + step), self.pages - 1)
        if target != self.page:
            self.session.replace("list", page=target, **self._params)

    def relabel(self) -> None:
        if self._params:
            self.show(**self._route)

    def wipe(self) -> None:
        self._params, self._items = {}, []
        self.ids.filters.clear_widgets()
        self.page, self.pages, self.total = 0, 1, 0
        self.ids.rows.clear_widgets()
