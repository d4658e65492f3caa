# SPDX-License-Identifier: Apache-2.0
"""Browse the catalogue: by life topic (服务主题), department (A–Z, paged), category or audience."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.utils import escape_markup

from kiosk import themes as themes_mod
from kiosk.browse_index import departments_az
from kiosk.i18n import N_, _

from .widgets import KioskScreen

COUNT = N_("{n} 项")


def items(count: int) -> str:
    """"12 项" / "12 items", unbreakable."""
    return _(COUNT).format(n=count).replace(" ", "\u00a0")


KINDS = {"theme": N_("按主题浏览"), "department": N_("按部门浏览"), "category": N_("按类别浏览"),
         "audience": N_("按服务对象浏览")}
GROUP_TITLES = {themes_mod.PERSONAL: N_("个人办事主题"), themes_mod.LEGAL: N_("法人办事主题")}
MUTED = "4a5261"


class BrowseScreen(KioskScreen):
    by = StringProperty("theme")
    group = StringProperty(themes_mod.PERSONAL)      # which theme list (个人/法人) when by == "theme"
    paged = BooleanProperty(False)
    page = NumericProperty(0)                        # 0-based, departments only
    pages = NumericProperty(1)
    cols = NumericProperty(2)

    def on_kv_post(self, _base):
        self._pager = self.ids.pager.__self__             # a strong reference: it leaves the tree
        self._pager.parent.remove_widget(self._pager)       # shown only when a list needs pages
        self._category_tab = self.ids.tab_category.__self__  # legal categories: for staff only
        self.app.theme.bind(large=lambda *_: self._render() if self.by in ("theme", "department") else None)

    def on_paged(self, _screen, paged: bool) -> None:
        box = self.ids.scroll.parent
        if paged and self._pager.parent is None:
            box.add_widget(self._pager)
        elif not paged and self._pager.parent is not None:
            box.remove_widget(self._pager)

    def show(self, by: str = "theme", group: str = themes_mod.PERSONAL, page: int = 0, **params) -> None:
        self.by = by if by in KINDS else "theme"
        self.group = group if group in themes_mod.GROUPS else themes_mod.PERSONAL
        self.page = page
        self.paged = False
        self.title = GROUP_TITLES[self.group] if self.by == "theme" else KINDS[self.by]
        self._show_category_tab(self.by == "category" or self._staff_view())
        self._render()

    def _staff_view(self) -> bool:
        from .assist_flow import controller
        return bool(controller(self.app).mode.active)

    def _show_category_tab(self, shown: bool) -> None:
        """按类别 (行政许可, 行政确认 … the law's words) is a tab for staff (assist mode) only;
        citizens browse by life topic, department and audience."""
        tab = self._category_tab
        tabs = self.ids.tab_department.parent
        if shown and tab.parent is None:
            tabs.add_widget(tab, index=tabs.children.index(self.ids.tab_department))
        elif not shown and tab.parent is not None:
            tabs.remove_widget(tab)

    def _render(self) -> None:
        grid = self.ids.groups
        grid.clear_widgets()
        if self.by == "theme":
            self._render_themes(grid)
        elif self.by == "department":
            self._render_departments(grid)
        else:
            groups = {"category": self.kiosk.catalogue.categories,
                      "audience": self.kiosk.catalogue.audiences}[self.by]()
            for name, count in groups:
                if count:
                    self._add_row(grid, "RowButton", f"{escape_markup(_(name))}   [color={MUTED}]{_(COUNT).format(n=count)}[/color]",
                                  name)
        self.ids.scroll.scroll_y = 1

    def _render_themes(self, grid) -> None:
        index = self.kiosk.themes
        rows = dict(index.groups()).get(self.group, []) if index else []
        small = int(self.app.theme.small)
        entries = [(themes_mod.key(self.group, name),
                    f"{escape_markup(name)}  [size={small}][color={MUTED}]{items(count)}[/color][/size]")
                   for name, count in rows]
        if not entries:                      # the hall's rules gave this group no theme
            self.cols = 1
            self.paged = False
            grid.add_widget(Factory.BodyLabel(
                text=_("暂无{themes}，请按部门查找或搜索事项。").format(themes=_(GROUP_TITLES[self.group]))))
            return
        self._render_pages(grid, "ThemeButton", entries, 3 if self.app.theme.large else 5)

    def _render_departments(self, grid) -> None:
        rows = departments_az(self.kiosk.catalogue, self.kiosk.config["catalogue.cache_dir"] or None)
        entries = [(name, f"{initial}\u00a0\u00a0{escape_markup(name)}   [color={MUTED}]{items(count)}[/color]")
                   for name, count, initial in rows]
        self._render_pages(grid, "DeptButton", entries, 2)

    def _pages(self, kind: str, entries: list[tuple[str, str]], cols: int) -> list[list[tuple[str, str, float]]]:
        """Entries cut into pages that fit between the tabs and the pager. Text wraps
        (never …): a long name makes its row taller and its page shorter."""
        from kivy.core.window import Window   # importing it opens the window: only once the app runs

        t = self.app.theme
        col_w = (Window.width - 2 * t.pad - (cols - 1) * t.gap) / cols
        heights = []
        for i in range(0, len(entries), cols):
            probes = [getattr(Factory, kind)(text=text, width=col_w) for _v, text in entries[i:i + cols]]
            for probe in probes:
                probe.texture_update()
            heights.append(max(p.height for p in probes))
        bar = t.button_h + 2 * t.pad                        # the tab row, and the pager when there are pages
        room = Window.height - t.nav_h - bar - t.pad
        if sum(heights) + t.gap * (len(heights) - 1) <= room:
            return [[(v, text, heights[i // cols]) for i, (v, text) in enumerate(entries)]]
        room -= bar
        pages: list[list[tuple[str, str, float]]] = [[]]
        used = 0.0
        for i in range(0, len(entries), cols):
            row = entries[i:i + cols]
            height = heights[i // cols]
            need = height + (t.gap if pages[-1] else 0)
            if pages[-1] and used + need > room:
                pages.append([])
                used, need = 0.0, height
            pages[-1].extend((value, text, height) for value, text in row)   # a row's cells equally tall
            used += need
        return pages

    def _render_pages(self, grid, kind: str, entries: list[tuple[str, str]], cols: int) -> None:
        self.cols = cols
        pages = self._pages(kind, entries, cols)
        self.pages = len(pages)
        self.page = min(max(0, self.page), self.pages - 1)
        self.paged = self.pages > 1
        for value, text, height in pages[self.page]:
            self._add_row(grid, kind, text, value).min_h = height

    def _add_row(self, grid, kind: str, text: str, value: str):
        row = getattr(Factory, kind)(text=text)
        row.value = value
        row.bind(on_release=lambda _btn, v=value: self.open_group(v))
        grid.add_widget(row)
        return row

    def switch(self, by: str, group: str = themes_mod.PERSONAL) -> None:
        self.session.replace("browse", by=by, group=group)

    def turn(self, step: int) -> None:
        target = min(max(0, self.page + step), self.pages - 1)
        if target != self.page:
            self.session.replace("browse", by=self.by, group=self.group, page=target)

    def open_group(self, value: str) -> None:
        self.session.go("list", by=self.by, value=value, page=0)

    def relabel(self) -> None:
        self._render()

    def wipe(self) -> None:
        self.ids.groups.clear_widgets()
