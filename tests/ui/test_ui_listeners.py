# SPDX-License-Identifier: Apache-2.0
"""Listeners that must not pile up over a day of citizens (issue 18, screens/kivy_listeners.py):
Kivy's ScrollView bound its bar colour again on every scroll or layout and unbound one only at the
fade, half a second later; the results list, laid out again as a citizen types, kept one more each
time. Counts, not bytes, and no timing: the layouts come faster than any fade here."""
from ui_kit import button


def _bar_listeners(scroll) -> int:
    return sum(1 for cb in scroll.get_property_observers("bar_color")
               if getattr(cb, "__func__", None) is type(scroll)._change_bar_color)


def test_a_list_laid_out_many_times_keeps_one_bar_listener(ui):
    from kivy.uix.scrollview import ScrollView

    ui.tap(ui.screen.ids.tile_search)
    scrolls = [w for w in ui.screen.walk() if isinstance(w, ScrollView)]
    assert scrolls
    for key in "hxsq":                                  # each key lays the results out again
        ui.tap_key(key)
    for scroll in scrolls:
        for _ in range(5):
            scroll.update_from_scroll()                 # five scrolls within the half second
        assert _bar_listeners(scroll) <= 1, _bar_listeners(scroll)
    ui.tap(button(ui.screen, "首页"))


def test_a_day_of_searches_adds_no_bar_listener(ui):
    from kivy.uix.scrollview import ScrollView

    def scrolls() -> list:
        return [w for screen in ui.app.screens.built() for w in screen.walk() if isinstance(w, ScrollView)]

    def total() -> int:
        return sum(_bar_listeners(w) for w in scrolls())

    counts = []
    for _citizen in range(6):
        ui.tap(ui.screen.ids.tile_search)
        for key in "hx":
            ui.tap_key(key)
        ui.tap(button(ui.screen, "首页"))
        ui.kiosk.session.end("finished")
        ui.frames(3)
        counts.append(total())
    # at most one each, whether its fade has come yet or not (no timing luck either way)
    assert max(counts) <= len(scrolls()), (counts, len(scrolls()))
