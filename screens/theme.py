# SPDX-License-Identifier: Apache-2.0
"""Sizes and colours of the kiosk, in one place.

Two size sets: normal and large text (适老化). kv binds to ``app.theme.*``,
so switching the set re-lays out every screen. Colours are RGBA tuples;
:data:`PAIRS` lists every text/background pair the screens use, and the
tests check each one against WCAG's 4.5:1.
"""
from __future__ import annotations

from pathlib import Path

from kivy.event import EventDispatcher
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty

HERE = Path(__file__).resolve().parent
KEYBOARD_LAYOUT = str(HERE / "keyboard_zh.json")     # 拼音; the other modes: keyboard_{abc,123,hand}.json
KEYBOARD_KEYS = {False: 176, True: 186}     # the key rows' part of the keyboard (large-text mode: taller keys)
KEYBOARD_BAR = {False: 36, True: 35}        # the input method's bar above the keys (modes, candidates)
KEYBOARD_SIZE = (700, KEYBOARD_KEYS[False] + KEYBOARD_BAR[False])  # docked: scaled to the window width
KEYBOARD_SIZE_LARGE = (700, KEYBOARD_KEYS[True] + KEYBOARD_BAR[True])
KEYBOARD_FONT = {False: 18, True: 21}   # key captions and candidates, before the dock's scale (×1.83 at 1280 px)
KEYBOARD_SMALL_FONT = {False: 14, True: 16}   # the mode switch and paging captions
KEY_IMAGE = "atlas://data/images/defaulttheme/textinput"             # white, a thin grey edge
KEY_IMAGE_DOWN = "atlas://data/images/defaulttheme/textinput_active"  # white, a blue edge


def keyboard_size(large: bool) -> tuple[int, int]:
    return KEYBOARD_SIZE_LARGE if large else KEYBOARD_SIZE


def hex_rgba(code: str) -> tuple[float, float, float, float]:
    code = code.lstrip("#")
    return tuple(int(code[i:i + 2], 16) / 255 for i in (0, 2, 4)) + (1.0,)  # type: ignore[return-value]


BG = hex_rgba("#F3F5F8")            # screen background
SURFACE = hex_rgba("#FFFFFF")       # list rows, cards
TEXT = hex_rgba("#1A1F29")          # body text
TEXT_MUTED = hex_rgba("#4A5261")    # secondary text (still ≥ 4.5:1 on BG and SURFACE)
PRIMARY = hex_rgba("#0B4F9C")       # bars and main buttons (白字)
PRIMARY_DOWN = hex_rgba("#083A73")
ON_PRIMARY = hex_rgba("#FFFFFF")
ACCENT = hex_rgba("#B3261E")        # highlighted search characters, warnings
TILE_OFF = hex_rgba("#D9DDE3")      # an unavailable tile (呼叫帮办 暂未开通)
TEXT_OFF = hex_rgba("#3A4150")
HELP = hex_rgba("#FFD666")          # the help button (呼叫帮办 / 找工作人员): amber, dark text
OVERLAY = hex_rgba("#10243F")       # the countdown's full-screen backdrop
HIGHLIGHT_MARKUP = "b3261e"

PAIRS = {
    "body on background": (TEXT, BG),
    "body on surface": (TEXT, SURFACE),
    "muted on background": (TEXT_MUTED, BG),
    "muted on surface": (TEXT_MUTED, SURFACE),
    "button text on primary": (ON_PRIMARY, PRIMARY),
    "button text on primary pressed": (ON_PRIMARY, PRIMARY_DOWN),
    "highlight on surface": (ACCENT, SURFACE),
    "unavailable tile": (TEXT_OFF, TILE_OFF),
    "countdown text": (ON_PRIMARY, OVERLAY),
    "help button": (TEXT, HELP),
    "nav button": (PRIMARY, SURFACE),
}


def _luminance(rgba) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


NORMAL = dict(small=20, body=24, title=32, hero=40, button_h=64, nav_h=76, row_h=64,
              key_w=190, pad=16, gap=12)
LARGE = dict(small=30, body=34, title=42, hero=52, button_h=88, nav_h=100, row_h=104,
             key_w=260, pad=20, gap=16)


class Theme(EventDispatcher):
    """The live size set; every value is in pixels (already through dp())."""

    large = BooleanProperty(False)
    small = NumericProperty(0)
    body = NumericProperty(0)
    title = NumericProperty(0)
    hero = NumericProperty(0)
    button_h = NumericProperty(0)
    nav_h = NumericProperty(0)
    row_h = NumericProperty(0)
    key_w = NumericProperty(0)
    pad = NumericProperty(0)
    gap = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.apply(False)

    def apply(self, large: bool) -> None:
        for key, value in (LARGE if large else NORMAL).items():
            setattr(self, key, dp(value))
        self.large = bool(large)

    def page_size(self, configured: int, height: float | None = None) -> int:
        """List rows per page: fewer, taller rows in large-text mode, and never more than fit
        in ``height`` (the window's) under the top bar and above the pager."""
        rows = max(3, configured * 5 // 8) if self.large else configured
        if height:
            free = height - self.nav_h - (self.button_h + 2 * self.pad) - 2 * self.pad
            rows = min(rows, max(1, int((free + self.gap * .75) // (self.row_h + self.gap * .75))))
        return rows
