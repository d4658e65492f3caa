# SPDX-License-Identifier: Apache-2.0
"""Memory that grows with every citizen, counted rather than timed (issue 18): 100 sessions through
Kivy's input path, then the live widgets, screens, textures and listeners must number what they
did after the first 10. A leak of one object per session fails it; bytes and timing play no part."""
import gc
from collections import Counter

from conftest import button


def _counts(ui) -> Counter:
    from kivy.graphics.texture import Texture
    from kivy.uix.screenmanager import Screen
    from kivy.uix.widget import Widget

    gc.collect()
    c: Counter = Counter()
    for obj in gc.get_objects():
        try:
            kind = ("screens" if isinstance(obj, Screen) else "widgets" if isinstance(obj, Widget)
                    else "textures" if isinstance(obj, Texture) else None)
        except ReferenceError:             # a dead weak proxy in the heap
            continue
        if kind:
            c[kind] += 1
    session = ui.kiosk.session
    c["session listeners"] = len(session._observers)
    c["session wipers"] = len(session._wipers)
    for name, device in ui.kiosk.devices.items():
        c[f"{name} listeners"] = len(device._listeners)
    return c


def _session(ui, n: int) -> None:
    """One citizen: 办事指南 → types h, x → opens the first result → 首页; large text on and off
    every 5th; every 10th walks away and the idle timeout ends the session."""
    home = ui.screen
    if n % 5 == 0:
        ui.tap(home.ids.tile_large)
    ui.tap(home.ids.tile_search)
    for key in "hx":
        ui.tap_key(key)
    rows = list(reversed(ui.screen.ids.results.children))
    ui.tap(rows[0])
    assert ui.app.manager.current == "item"
    if n % 10 == 9:
        ui.idle_for(ui.kiosk.config["ui.idle_seconds"])             # the countdown shows
        ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)    # and runs out: the session ends
    else:
        ui.tap(button(ui.screen, "首页"))
        if n % 5 == 0:
            ui.tap(ui.screen.ids.tile_large)
    assert ui.app.manager.current == "home"


def test_a_hundred_sessions_leave_no_more_objects_than_ten(ui):
    for n in range(10):
        _session(ui, n)
    after_ten = _counts(ui)
    for n in range(10, 100):
        _session(ui, n)
    after_hundred = _counts(ui)
    grown = {k: (after_ten[k], after_hundred[k]) for k in after_hundred | after_ten
             if after_hundred[k] > after_ten[k]}
    assert not grown, f"grew over 90 sessions (after 10, after 100): {grown}"
