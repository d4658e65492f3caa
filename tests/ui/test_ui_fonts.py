# SPDX-License-Identifier: Apache-2.0
"""One open font per size the text is drawn at (issue 18; screens/cache_budget.py, docs/memory.md).

Kivy's SDL2 text keeps an open SDL_ttf font (about 1.1 MB for Noto Sans SC) per font id. The id
had the size as written and the bold flag, so 20 and 20.0, or a bold label, held another copy of
the same font. Counted here by what the process has open: each open font holds the font file open.
"""
import os


def _open_copies(path: str) -> int:
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            n += os.readlink(f"/proc/self/fd/{fd}") == path
        except OSError:
            continue
    return n


def _drawn(**options):
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text="办事指南", **options)
    label.refresh()
    return label


def test_sizes_as_written_and_bold_share_one_open_font(kivy_window):
    from pylopdf_fonts_zh_cn import sans_path

    from screens import cache_budget
    from screens.app import register_fonts

    register_fonts()
    cache_budget.share_open_fonts()
    path = str(sans_path())
    before = _open_copies(path)
    plain = _drawn(font_size=37)
    same = [_drawn(font_size=37.0), _drawn(font_size=37.4), _drawn(font_size=37, bold=True)]
    assert _open_copies(path) == before + 1, "37, 37.0, 37.4 and bold 37 opened more than one font"
    for other in same:                         # and nothing drawn changes: the same pixels
        assert other.texture.size == plain.texture.size
        assert other.texture.pixels == plain.texture.pixels
    _drawn(font_size=39)
    assert _open_copies(path) == before + 2, "a new size did not open a font: the count sees nothing"
