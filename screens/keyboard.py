# SPDX-License-Identifier: Apache-2.0
"""The kiosk keyboard with its input method: one component wherever a citizen types.

:class:`KioskKeyboard` is Kivy's docked VKeyboard (the window shows it under any focused
TextInput) with, above the keys, the input method's bar: the mode switch 拼音 / 手写 / 123 / ABC
(the current mode filled in blue) and the candidates, paged with 上页 / 下页; a tap commits one.
In 手写 mode a writing pad takes the letter keys' place: each finished stroke refreshes the
candidates. The state (letters, strokes, candidates, 联想) is kiosk/input/ime.py's Composer;
this module draws it and applies its edits to the focused field.

Captions are dark on white (≥ 7:1 from the pixels, tests/ui/test_ui_keyboard_look.py) and
everything grows in large-text mode.
"""
from __future__ import annotations

import time
import weakref

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Line
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.vkeyboard import VKeyboard
from kivy.uix.widget import Widget

from kiosk import i18n
from kiosk.i18n import N_, _
from kiosk.input.engines import shared
from kiosk.input.ime import Composer, Kind, Mode

from .keyboard_ime import InputMethodKeys
from .theme import HERE

LAYOUTS = {Mode.PINYIN: str(HERE / "keyboard_zh.json"), Mode.LATIN: str(HERE / "keyboard_abc.json"),
           Mode.DIGITS: str(HERE / "keyboard_123.json"), Mode.HANDWRITING: str(HERE / "keyboard_hand.json")}
# the layouts' Chinese captions (keyboard_*.json), drawn in the session's language
CAPTIONS = (N_("删除"), N_("清空"), N_("搜索"), N_("空格"), N_("大写"))
# the enter key's caption is the field's (KioskInput.enter_caption); the layouts say 搜索
ENTER_CAPTIONS = (N_("搜索"), N_("确定"), N_("下一步"), N_("换行"), N_("查询"), N_("提问"))
ENTER_KEY = "搜索"
HINTS = {Mode.PINYIN: N_("输入拼音或首字母，点选汉字"), Mode.HANDWRITING: N_("在下方白框里写一个字，点选汉字"),
         Mode.DIGITS: "", Mode.LATIN: ""}
PAGE_MAX = 10           # candidates on one page of the bar, at most
CAND_PAD = 5            # a candidate's side padding, in keyboard units


class ModeButton(Button):
    mode = StringProperty("")
    active = BooleanProperty(False)


class CandidateButton(Button):
    index = NumericProperty(0)


class CandidateBar(BoxLayout):
    """The mode switch, the current page of candidates (or a hint) and the paging keys."""

    keyboard = ObjectProperty(None, allownone=True)
    hint = StringProperty("")
    page = NumericProperty(0)
    pages = NumericProperty(0)
    # the session's language: the keyboard outlives an app (one Window), so its kv follows this
    # property (set by KioskKeyboard.relabel_all) rather than the app that built it
    language = StringProperty("zh")
    _starts: list[int] = []

    @staticmethod
    def tr(msgid: str, _language: str = "") -> str:
        """kv: ``root.tr('拼音', root.language)``, evaluated again when the language changes."""
        return _(msgid)

    def show(self) -> None:
        """Redraws the candidates from the keyboard's composer, from the first page."""
        self.language = i18n.current()
        self.page = 0
        self._paginate()
        self._draw()

    def turn(self, step: int) -> None:
        if 0 <= self.page + step < self.pages:
            self.page += step
            self._draw()

    def _widths(self, font: float) -> list[float]:
        return [max(len(c), 1.6) * font + 2 * CAND_PAD for c in self.keyboard.composer.candidates]

    def _paginate(self) -> None:
        kb = self.keyboard
        room = max(self.ids.cands.width, 1)
        starts, used, count = [0], 0.0, 0
        for i, w in enumerate(self._widths(kb.cand_font)):
            if count and (used + w > room or count >= PAGE_MAX):
                starts.append(i)
                used, count = 0.0, 0
            used += w + self.ids.cands.spacing
            count += 1
        self._starts = starts
        self.pages = len(starts) if kb.composer.candidates else 0

    def _draw(self) -> None:
        kb = self.keyboard
        box = self.ids.cands
        box.clear_widgets()
        cands = kb.composer.candidates
        for btn in self.__dict__.get("_pool", ()):
            btn.text = ""                       # what the last citizen typed stays nowhere
        if not cands:
            mode = kb.composer.mode
            waiting = (mode in (Mode.PINYIN, Mode.HANDWRITING) and not kb.composer.ready)
            self.hint = _("输入法准备中…") if waiting else _(HINTS[mode])
            if kb.composer.ready and mode is Mode.HANDWRITING and kb.composer.strokes:
                self.hint = _("没有认出，请再写清楚些") if kb.engines.handwriting else _("手写暂不可用，请用拼音")
            hint = Label(text=self.hint, font_size=kb.small_font, color=_text(), halign="left", valign="middle")
            hint.bind(width=lambda label, w: setattr(label, "text_size", (w, None)))   # wraps inside itself
            box.add_widget(hint)
            return
        start = self._starts[self.page]
        end = self._starts[self.page + 1] if self.page + 1 < len(self._starts) else len(cands)
        widths = self._widths(kb.cand_font)
        for slot, i in enumerate(range(start, end)):
            btn = self._button(slot)
            btn.text, btn.index, btn.font_size, btn.width, btn.bold = (cands[i], i, kb.cand_font,
                                                                      widths[i], i == 0)
            box.add_widget(btn)

    def _button(self, slot: int) -> CandidateButton:
        """The candidate buttons are made once and reused (making them per key costs more than
        the lookup)."""
        pool = self.__dict__.setdefault("_pool", [])
        while len(pool) <= slot:
            btn = CandidateButton(size_hint_x=None)
            btn.bind(on_release=lambda b: self.keyboard.choose(b.index))
            pool.append(btn)
        return pool[slot]


def _text():
    from .theme import TEXT
    return TEXT


class WritingPad(Widget):
    """Where the finger writes one character: a square with a 田字格 guide; the ink stays until
    a candidate is chosen or 重写 is tapped. Strokes go to the composer in the square's
    coordinates, top-left origin, as zinnia wants them."""

    keyboard = ObjectProperty(None, allownone=True)
    square = NumericProperty(0)         # the guide square's side

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ink: list = []
        self._points: list[tuple[float, float]] = []

    def clear_ink(self) -> None:
        for instruction in self._ink:
            self.canvas.after.remove(instruction)
        self._ink = []

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if super().on_touch_down(touch):          # 重写
            return True
        touch.grab(self)
        self._points = [touch.pos]
        with self.canvas.after:
            color = Color(*_text())
            line = Line(points=list(touch.pos), width=3.5, cap="round", joint="round")
        self._ink += [color, line]
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        self._points.append(touch.pos)
        self._ink[-1].points = self._ink[-1].points + list(touch.pos)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        if tuple(touch.pos) != tuple(self._points[-1]):
            self._points.append(touch.pos)
        left = self.center_x - self.square / 2
        top = self.center_y + self.square / 2
        stroke = [(x - left, top - y) for x, y in self._points]
        self._points = []
        if self.keyboard is not None:
            self.keyboard.stroke_done(stroke, self.square)
        return True


class KioskKeyboard(InputMethodKeys, VKeyboard):
    """The docked keyboard and its input method. A touch anywhere on it, margins included,
    keeps the field focused (Kivy would otherwise unfocus on a margin tap). The size set
    (normal or large text) is applied each time the (reused) keyboard is put on the window."""

    large = None
    _app = None
    _waiting = None
    last_key_ms = 0.0        # a key's input-method work: lookup and bar redrawn (figures in the tests)
    bar_h = NumericProperty(0)
    cand_font = NumericProperty(18)
    small_font = NumericProperty(14)
    mode_name = StringProperty(Mode.PINYIN.value)
    _instances: list["KioskKeyboard"] = []
    _before_forced: Mode | None = None       # the mode a field's own mode (ime_mode) replaced

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.engines = shared()
        self.composer = Composer(self.engines)
        self.bar = CandidateBar(keyboard=self)
        self.pad = WritingPad(keyboard=self)
        KioskKeyboard._instances.append(self)
        self._waiting = Clock.schedule_interval(self._engines_loaded, 0.1)
        if self.start_mode() is not Mode.PINYIN:
            self.set_mode(self.start_mode())

    @staticmethod
    def start_mode() -> Mode:
        """拼音 in Chinese; ABC in English (a visitor types Latin letters; 拼音 stays one tap away)."""
        return Mode.PINYIN if i18n.current() == i18n.SOURCE else Mode.LATIN

    @classmethod
    def reset_all(cls) -> None:
        """The session ended: every keyboard forgets letters, strokes and candidates, back to its
        start mode (拼音, or ABC where the kiosk starts in English)."""
        for kb in cls._instances:
            kb.set_mode(cls.start_mode())
            kb._before_forced = None
        shared().close_handwriting()        # the 手写 model's 26 MB until the next citizen writes

    @classmethod
    def relabel_all(cls) -> None:
        """The language changed: captions and the bar's hint in the new one; a keyboard in the
        other language's start mode (拼音 / ABC) takes this one's (a field's own mode stays)."""
        start = cls.start_mode()
        for kb in cls._instances:
            if kb._before_forced is None and kb.composer.mode in (Mode.PINYIN, Mode.LATIN) \
                    and kb.composer.mode is not start:
                kb.set_mode(start)              # its new layout draws its keys, in this language
            else:
                kb.draw_keys()
            kb.bar.show()                       # its language, its hint
            kb.pad.ids.rewrite.text = _("重写")

    def _prefer_hall_words(self, app) -> None:
        """The catalogue's words come first among the candidates (bj: 保健 before 北京)."""
        catalogue = getattr(getattr(app, "kiosk", None), "catalogue", None)
        if catalogue is None:
            return
        items = list(catalogue.items)
        self.engines.prefer(catalogue.digest,
                            lambda: [t for i in items for t in (i.name, *getattr(i, "keywords", ()))])
        if self._waiting is not None:
            self._waiting.cancel()
        self._waiting = Clock.schedule_interval(self._engines_loaded, 0.1)

    def _engines_loaded(self, _dt):
        if self.composer.ready:
            self.bar.show()
            return False
        return None

    # -- placement and size ---------------------------------------------------------
    def on_parent(self, _widget, parent) -> None:
        if parent is not None:
            app = App.get_running_app()
            if self._app is None or app is not self._app():   # a new app (the kiosk restarted): from the start
                self._app = weakref.ref(app) if app is not None else None
                self.set_mode(self.start_mode())
                self._before_forced = None
                self._field_mode(self.target)       # the field's own mode (ime_mode) still holds
                self._prefer_hall_words(app)
            self.apply_mode()
        self.composer.end()
        self.bar.show()

    def on_target(self, _kb, target) -> None:
        self._caption_enter()                   # 搜索 / 确定 / 下一步 …: what enter does in this field
        self._field_mode(target)
        self.composer.end()
        self.pad.clear_ink()
        self.bar.show()

    def _field_mode(self, target) -> None:
        """A field may ask for its mode (``ime_mode``: a phone number's 123); the mode chosen
        before comes back on the next field that asks for none."""
        wanted = getattr(target, "ime_mode", None) if target is not None else None
        if wanted:
            if self._before_forced is None:
                self._before_forced = self.composer.mode
            self.set_mode(Mode(wanted))
        elif target is not None and self._before_forced is not None:
            self.set_mode(self._before_forced)
            self._before_forced = None

    def apply_mode(self) -> None:
        from .theme import KEYBOARD_BAR, KEYBOARD_FONT, KEYBOARD_KEYS, KEYBOARD_SMALL_FONT, keyboard_size
        app = App.get_running_app()
        large = bool(app is not None and app.theme is not None and app.theme.large)
        if large == self.large:
            return
        self.large = large
        self.size = keyboard_size(large)
        keys, bar = KEYBOARD_KEYS[large], KEYBOARD_BAR[large]
        self.margin_hint = [(bar + .005 * keys) / self.height, .01, .005 * keys / self.height, .01]
        self.bar_h = bar
        self.font_size = self.cand_font = KEYBOARD_FONT[large]
        self.small_font = KEYBOARD_SMALL_FONT[large]
        if self.layout in self.available_layouts:    # else its first load draws with these
            self.refresh(True)
        if self.docked and self.get_parent_window() is not None:
            self.setup_mode_dock()

    def refresh(self, force=False):
        super().refresh(force)
        self._place_children()

    def _place_children(self) -> None:
        """The bar above the keys and, in 手写 mode, the pad over the 'pad' keys (refresh
        clears every child: they are put back each time)."""
        for child in (self.bar, self.pad):
            if child.parent is not None:
                child.parent.remove_widget(child)
        gap = self.width * .01
        self.bar.size = (self.width - 2 * gap, self.bar_h)
        self.bar.pos = (gap, self.height - self.bar_h - gap * .5)
        self.add_widget(self.bar)
        rects = self._pad_rects()
        if rects:
            x0 = min(p[0] for p, _s in rects)
            y0 = min(p[1] for p, _s in rects)
            x1 = max(p[0] + s[0] for p, s in rects)
            y1 = max(p[1] + s[1] for p, s in rects)
            self.pad.pos, self.pad.size = (x0, y0), (x1 - x0, y1 - y0)
            self.pad.square = min(x1 - x0, y1 - y0) - 4
            self.add_widget(self.pad)
        Clock.schedule_once(lambda _dt: self.bar.show(), 0)

    def _pad_rects(self):
        layout = self.available_layouts.get(self.layout) or {}
        out = []
        for line in range(1, layout.get("rows", 0) + 1):
            keys = layout.get(f"{self.layout_mode}_{line}", [])
            for key, geo in zip(keys, self.layout_geometry.get(f"LINE_{line}", [])):
                if key[2] == "pad":
                    out.append(geo)
        return out

    def _enter_caption(self) -> str:
        caption = getattr(self.target, "enter_caption", "") if self.target is not None else ""
        return caption if caption in ENTER_CAPTIONS else "确定"

    def _caption_enter(self) -> None:
        caption = self._enter_caption()
        for child in self.children:
            if isinstance(child, Label) and getattr(child, "enter_key", False):
                child.text = _(caption)

    def draw_keys(self) -> None:
        super().draw_keys()
        from .theme import TEXT
        for child in self.children:
            if isinstance(child, Label):
                child.color = TEXT
                if child.text == ENTER_KEY:
                    child.enter_key = True          # its caption is the field's (_caption_enter)
                child.text = _(child.text)          # 删除 / Delete … (the layout keeps the msgid)
        self._caption_enter()

    # -- modes -----------------------------------------------------------------------
    def set_mode(self, mode: Mode | str) -> None:
        mode = Mode(mode)
        self.composer.set_mode(mode)
        self.pad.clear_ink()
        self.mode_name = mode.value
        self.have_capslock = self.have_shift = False
        if self.layout != LAYOUTS[mode]:
            self.layout = LAYOUTS[mode]
        self.bar.show()

    # -- touches ---------------------------------------------------------------------
    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        FocusBehavior.ignored_touch.append(touch)
        if self.pad.parent is self:
            touch.push()
            touch.apply_transform_2d(self.to_local)
            taken = self.pad.collide_point(*touch.pos) and self.pad.dispatch("on_touch_down", touch)
            touch.pop()
            if taken:
                return True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if touch.grab_current is self and touch.grab_exclusive_class is not None and \
                touch in FocusBehavior.ignored_touch:
            # A key's touch is grabbed exclusively (Kivy's VKeyboard), so its end goes to the
            # keyboard alone and the window never takes it out of ignored_touch (where on_touch_down
            # put it): out here, or every key tapped all day stays in that list (issue 18)
            FocusBehavior.ignored_touch.remove(touch)
        return super().on_touch_up(touch)

    def process_key_on(self, touch):
        if not touch:
            return
        key = self.get_key_at_pos(*self.to_local(*touch.pos))
        if not key:
            return
        _caption, internal, special, _width = key[0]
        if special == "pad":
            return
        started = time.perf_counter()
        handled = self._ime_key(internal, special)
        self.last_key_ms = (time.perf_counter() - started) * 1000
        if handled:
            touch.ud[self.uid] = {"key": key, "ime": True}
            self.active_keys[touch.uid] = key[1]
            self.refresh_active_keys_layer()
            return
        super().process_key_on(touch)

    def process_key_up(self, touch):
        ud = touch.ud.get(self.uid)
        if ud and ud.get("ime"):
            self.active_keys.pop(touch.uid, None)
            self.refresh_active_keys_layer()
            return
        super().process_key_up(touch)

    @property
    def kind(self) -> Kind:
        return self.composer.kind
