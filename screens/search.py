# SPDX-License-Identifier: Apache-2.0
"""Search with the docked on-screen keyboard: results update on every key."""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from .theme import HIGHLIGHT_MARKUP, keyboard_size
from .widgets import KioskScreen

SHOWN = 30      # rows built per key press; the count above says how many matched
HINT = "请用下方键盘输入事项名称或拼音首字母，例如“食品经营”输入 spjy。"


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
    return f"（搜索词：{marked(hit.via_spans())}）"


class ViaRow(ButtonBehavior, BoxLayout):
    """A result found through a keyword (俗称): the name, and under it, smaller, the keyword."""

    name_text = StringProperty("")
    via_text = StringProperty("")


def result_row(hit):
    if hit.via:
        return ViaRow(name_text=escape_markup(hit.item.name), via_text=via_line(hit))
    return Factory.RowButton(text=highlight(hit))


class SearchScreen(KioskScreen):
    status = StringProperty(HINT)
    total = NumericProperty(0)
    no_result = BooleanProperty(False)
    keyboard_height = NumericProperty(0)

    def show(self, **params) -> None:
        from kivy.core.window import Window

        self.title = "办事指南 · 查找事项"
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        field = self.ids.field
        if field.text != self.session.search_text:
            field.text = self.session.search_text
        self.update(field.text)

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
        self.ids.scroll.scroll_y = 1
        if not text.strip():
            self.total, self.no_result, self.status = 0, False, HINT
            return
        results = self.kiosk.search(text, limit=SHOWN)
        self.total = results.total
        self.no_result = results.total == 0
        if self.no_result:
            self.status = f"没有找到与“{text.strip()}”相关的事项。"
            return
        more = f"，显示前 {SHOWN} 项" if results.total > SHOWN else ""
        self.status = f"找到 {results.total} 项{more}，最相关的在最前面："
        for hit in results.hits:
            row = result_row(hit)
            row.bind(on_release=lambda _b, item_id=hit.item.id: self.session.go("item", id=item_id))
            box.add_widget(row)

    def submit(self) -> None:
        """The 搜索 key: hide the keyboard so the results get the whole screen."""
        self.release_keyboard()

    def wipe(self) -> None:
        self.release_keyboard()
        self.ids.field.text = ""
        self.ids.results.clear_widgets()
        self.total, self.no_result, self.status = 0, False, HINT
