# SPDX-License-Identifier: Apache-2.0
"""A top bar's title beside its buttons (screens/widgets.py BarTitle): whole on one line when it
fits, on two smaller lines when it does not, and cut with … only past two lines. Large text's
wide buttons once left the 网上办事 bar 「网…事」."""
from kivy.metrics import dp

from ui_kit import overflowing


def _bar_title(screen):
    from screens.widgets import BarTitle
    found = [w for w in screen.walk(restrict=True) if isinstance(w, BarTitle)]
    assert len(found) == 1
    return found[0]


def test_a_long_list_title_in_large_text_is_shown_whole_at_a_smaller_size(ui):
    ui.tap(ui.screen.ids.tile_large)
    ui.kiosk.session.go("list", by="department", value="行政审批服务局", page=0)
    ui.frames(3)
    title = _bar_title(ui.screen)
    assert title.title.startswith("行政审批服务局（共")
    assert title.text.replace("\n", "") == title.title                 # nothing cut
    title.texture_update()
    assert title.font_size == ui.app.theme.small >= dp(30)               # too long for the title size
    assert 1 <= len(title._label._cached_lines) <= 2
    assert not overflowing(title.parent)
    ui.screenshot("bar-title-large-list")


def test_a_title_too_long_for_two_lines_ends_with_an_ellipsis_and_fits(ui):
    ui.tap(ui.screen.ids.tile_large)
    ui.kiosk.session.go("list", by="department", value="行政审批服务局", page=0)
    ui.frames(3)
    title = _bar_title(ui.screen)
    long = "因私出入境中介机构资格认定及其他与出境入境管理有关的各项许可事项的申请办理"
    title.title = long
    ui.frames(2)
    lines = title.text.split("\n")
    assert len(lines) == 2 and lines[1].endswith("…")
    title.texture_update()
    assert len(title._label._cached_lines) == 2
    assert long.startswith(title.text.replace("\n", "")[:-1])            # the start of the name, kept
    assert not overflowing(title.parent)


def test_a_short_title_stays_on_one_line_at_the_title_size(ui):
    ui.kiosk.session.go("browse", by="department")
    ui.frames(3)
    title = _bar_title(ui.screen)
    assert title.text == title.title and "\n" not in title.text
    assert title.font_size == ui.app.theme.title
