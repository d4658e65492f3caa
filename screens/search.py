# SPDX-License-Identifier: Apache-2.0
"""Search with the docked on-screen keyboard: results update on every key.

The first SHOWN results are listed; a 更多结果 row at the end adds SHOWN more.
Scrolling the results by hand hides the keyboard, so the list gets the whole
screen; a tap on the field brings the keyboard back.

In large mode the keyboard takes half the screen: while it is up the screen is
compact (one-line result rows 68 px high, the count beside a lower field), so
three results show above it, not one.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk import i18n
from kiosk.i18n import N_, _

from .theme import HIGHLIGHT_MARKUP, keyboard_size
from .widgets import KioskScreen, RowButton

SHOWN = 30      # rows built per key press, and per tap on 更多结果; the count above says how many matched
HINT = N_("请用下方键盘输入事项名称或拼音首字母，例如“食品经营”输入 spjy。")


def marked(spans) -> str:
    """(text, matched) runs as Kivy markup, matched characters in colour and underlined."""
    parts = []
    for text, matched in spans:
        text = escape_markup(text)
        parts.append(f"[color={HIGHLIGHT_MARKUP}][u]{text}[/u][/color]" if matched else text)
    return "".join(parts)


def highlight(hit) -> str:
    """The item's name as Kivy markup, matched characters in colour and underlined."""
    return marked(hit.spans())


def via_line(hit) -> str:
    """The keyword a hit was found through, as markup: （搜索词：营业执照）, matched part marked."""
    return _("（搜索词：{keyword}）").format(keyword=marked(hit.via_spans()))


class ViaRow(ButtonBehavior, BoxLayout):
    """A result found through a keyword (俗称): the name, and under it, smaller, the keyword
    (compact: on the same line, after the name)."""

    name_text = StringProperty("")
    via_text = StringProperty("")
    compact = BooleanProperty(False)
    via_h = NumericProperty(30)       # the keyword line's height (not compact)


class ResultRow(RowButton):
    """A result found by its name: up to two lines, one when compact."""

    compact = BooleanProperty(False)


COMPACT_ROW = 62      # dp: a one-line result row while the keyboard is up in large mode (≥ 60 dp to tap, issue 13)
COMPACT_FIELD = 72    # dp: the search field then (its 42 px text still fits)


def result_name(hit, markup: bool = True) -> str:
    """The result's name (kiosk/catalogue.py shown_name): the Chinese name with its matched
    characters marked; in English the item's English name, or the marked Chinese name followed
    by "(Chinese name)"."""
    item = hit.item
    if i18n.current() == i18n.SOURCE:
        return highlight(hit) if markup else escape_markup(item.name)
    if item.name_en:
        found_by_it = hit.via == item.name_en and markup
        return marked(hit.via_spans()) if found_by_it else escape_markup(item.name_en)
    return _("{name}（中文名称）").format(name=highlight(hit) if markup else escape_markup(item.name))


def result_row(hit):
    if hit.via and not (hit.via == hit.item.name_en and i18n.current() != i18n.SOURCE):
        return ViaRow(name_text=result_name(hit, markup=False), via_text=via_line(hit))
    return ResultRow(text=result_name(hit))


class SearchScreen(KioskScreen):
    status = StringProperty(HINT)
    total = NumericProperty(0)
    no_result = BooleanProperty(False)
    keyboard_height = NumericProperty(0)
    listed = NumericProperty(0)         # results on the list now
    compact = BooleanProperty(False)    # large mode with the keyboard up (see the module's doc)
    counted = BooleanProperty(False)    # compact with results: the count shows beside the field
    count_text = StringProperty("")
    _more = None                        # the 更多结果 row, made on first need

    def show(self, **params) -> None:
        from kivy.core.window import Window

        self.title = N_("办事指南 · 查找事项")
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        self.fit()
        field = self.ids.field
        if field.text != self.session.search_text:
            field.text = self.session.search_text
        self.update(field.text)

    def fit(self) -> None:
        """Compact while the keyboard is up in large mode (the field has the focus): sizes are
        set here, from the running app's theme (see search.kv)."""
        app = self.app
        if app is None or app.theme is None or getattr(app, "stopping", False):
            return      # a re-layout while the app stops would run kv rules that read `app`
        theme = app.theme
        self.compact = compact = bool(theme.large and self.ids.field.focus)
        self.counted = compact and self.total > 0
        self.ids.field.height = dp(COMPACT_FIELD) if compact else theme.button_h + dp(8)
        self.ids.middle.padding = [theme.pad, dp(8) if compact else theme.pad, theme.pad, 0]
        self.ids.middle.spacing = dp(4) if compact else theme.gap * .5
        self.ids.results.spacing = dp(4) if compact else theme.gap * .5
        self.ids.field_row.spacing = theme.gap if self.counted else 0
        for row in self.ids.results.children:
            self.shape(row, theme)

    def shape(self, row, theme) -> None:
        """A result row's height: one line while compact, else the theme's row (+ keyword line)."""
        if not isinstance(row, (ResultRow, ViaRow)):
            return
        row.compact = self.compact
        if isinstance(row, ViaRow):
            row.via_h = theme.small * 1.5
            row.height = dp(COMPACT_ROW) if self.compact else theme.row_h + row.via_h
        else:
            row.height = dp(COMPACT_ROW) if self.compact else theme.row_h

    def on_total(self, _screen, total) -> None:
        self.count_text = _("找到 {n} 项").format(n=total)
        self.counted = self.compact and total > 0
        if "field_row" in self.ids and self.app is not None:
            self.ids.field_row.spacing = self.app.theme.gap if self.counted else 0

    def on_enter(self, *args) -> None:
        self.focus_input()

    def on_pre_leave(self, *args) -> None:
        self.release_keyboard()

    def focus_input(self) -> None:
        self.ids.field.focus = True

    def release_keyboard(self) -> None:
        if "field" in self.ids:
            self.ids.field.focus = False

    def update(self, text: str) -> None:
        self.session.search_text = text
        box = self.ids.results
        box.clear_widgets()
        self.listed = 0
        self.ids.scroll.scroll_y = 1
        if not text.strip():
            self.total, self.no_result, self.status = 0, False, _(HINT)
            return
        self._list(text, SHOWN)

    def _list(self, text: str, upto: int):
        """Lists results up to ``upto`` (the rows already listed stay); returns the first new row."""
        results = self.kiosk.search(text, limit=upto)
        self.total = results.total
        self.no_result = results.total == 0
        if self.no_result:
            help_word = _("呼叫帮办") if self.app.assist_ready else _("找工作人员")
            self.status = _("没有找到与“{text}”相关的事项。请换个词，或按主题、按部门查找；"
                            "需要帮助请点右上角的“{help}”。").format(text=text.strip(), help=help_word)
            return None
        box = self.ids.results
        if self._more is not None and self._more.parent is not None:
            self._more.parent.remove_widget(self._more)
        first = None
        for hit in results.hits[self.listed:]:
            row = result_row(hit)
            self.shape(row, self.app.theme)
            row.bind(on_release=lambda _b, item_id=hit.item.id: self.session.go("item", id=item_id))
            box.add_widget(row)
            first = first or row
        self.listed = len(results.hits)
        if results.total > self.listed:
            self.status = _("找到 {n} 项，已列出 {listed} 项，最相关的在最前面：").format(n=results.total,
                                                                               listed=self.listed)
        else:
            self.status = _("找到 {n} 项，最相关的在最前面：").format(n=results.total)
        if results.instead:                  # their words found nothing; another reading of them did
            self.status = _("没有找到“{text}”。下面是“{instead}”的 {n} 项结果：").format(
                text=text.strip(), instead=results.instead, n=results.total)
        if results.total > self.listed:
            if self._more is None:
                self._more = Factory.MoreButton()
                self._more.bind(on_release=lambda _b: self.more())
            more = self._more
            more.text = _("更多结果（还有 {n} 项）").format(n=results.total - self.listed)
            box.add_widget(more)
        return first

    def browse(self, by: str) -> None:
        """The no-result ways on: the life topics (personal) or the departments."""
        self.session.go("browse", by=by, group="个人")

    def more(self) -> None:
        """更多结果: the next SHOWN results below the ones listed; the first of them is scrolled into view."""
        first = self._list(self.ids.field.text, self.listed + SHOWN)
        if first is not None:
            Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(first, padding=0, animate=False), 0)

    # -- the keyboard steps aside while the citizen scrolls the results ------------
    def on_scroll_moved(self, scroll, touch) -> None:
        """A finger moves on the list: once Kivy has taken it as a scroll (not a
        tap), the keyboard goes and the list gets the whole screen."""
        mode = touch.ud.get(scroll._get_uid(), {}).get("mode")
        if mode == "scroll" and self.ids.field.focus:
            self.release_keyboard()

    def submit(self) -> None:
        """The 搜索 key: hide the keyboard so the results get the whole screen."""
        self.release_keyboard()

    def relabel(self) -> None:
        self.on_total(self, self.total)
        self.update(self.ids.field.text)

    def wipe(self) -> None:
        self.release_keyboard()
        self.ids.field.text = ""
        self.ids.results.clear_widgets()
        self.listed = 0
        self.total, self.no_result, self.status = 0, False, _(HINT)
