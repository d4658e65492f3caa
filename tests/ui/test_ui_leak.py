# SPDX-License-Identifier: Apache-2.0
"""Memory that grows with every citizen, counted rather than timed (issue 18): 40 sessions through
Kivy's input path, then the live widgets, screens, textures, canvas instructions, the kiosk's own
objects and listeners must number what they did after the first 10. A leak of one object per session
fails it (30 more objects); the long run of hundreds of sessions, with RSS, is bench/bench_soak.py's; bytes and timing play no part: Kivy's caches' wall-clock timeouts are switched off for the
count, so only their bounds act. Every Kivy cache has a bound (screens/cache_budget.py) and stays
within it."""
import gc
from collections import Counter

import pytest

from ui_kit import button


def _counts(ui) -> Counter:
    from kivy.graphics.instructions import Instruction
    from kivy.graphics.texture import Texture
    from kivy.uix.screenmanager import Screen
    from kivy.uix.widget import Widget

    gc.collect()
    c: Counter = Counter()
    for obj in gc.get_objects():
        t = type(obj)                      # type(), not isinstance: weak proxies are not objects
        kind = ("screens" if issubclass(t, Screen) else "widgets" if issubclass(t, Widget)
                else "textures" if issubclass(t, Texture)
                else "canvas instructions" if issubclass(t, Instruction) else None)
        module = getattr(t, "__module__", None)
        module = module if isinstance(module, str) else ""   # some extension types have a descriptor here
        if kind:
            c[kind] += 1
        if module.startswith(("kiosk.", "screens.")) and kind not in ("screens", "widgets"):
            c[f"{module}.{type(obj).__name__}"] += 1      # the kiosk's own objects, by class
    from kivy.input.motionevent import MotionEvent
    from kivy.uix.behaviors import FocusBehavior

    c["touches"] = sum(issubclass(type(obj), MotionEvent) for obj in gc.get_objects())
    c["touches kept by FocusBehavior"] = len(FocusBehavior.ignored_touch)   # key taps stayed here
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


def _caches_within_bounds() -> dict:
    from kivy.cache import Cache

    from screens import cache_budget

    assert not cache_budget.unbounded(), f"Kivy caches without a limit: {cache_budget.unbounded()}"
    return {cat: (len(objs), Cache._categories[cat]["limit"]) for cat, objs in Cache._objects.items()
            if len(objs) > Cache._categories[cat]["limit"]}


def test_the_counts_see_a_leaked_widget_and_texture(ui):
    """The counter is not blind: one Label kept alive (with its texture) shows in the counts."""
    from kivy.uix.label import Label

    before = _counts(ui)
    kept = Label(text="政务e厅")
    kept.texture_update()
    after = _counts(ui)
    assert after["widgets"] == before["widgets"] + 1
    assert after["textures"] >= before["textures"] + 1
    assert after["canvas instructions"] > before["canvas instructions"]


@pytest.fixture
def caches_without_timeouts(ui):
    """Kivy's caches drop entries unused for 60 s of wall-clock time, and an image or a search line
    looked up again after that gets a new texture while a widget may still hold the old one: the
    count would depend on how fast the machine ran. Without the timeouts only the bounds act, and a
    cache that kept something per citizen would still show (its textures, up to its bound)."""
    from kivy.cache import Cache

    for category, spec in Cache._categories.items():
        spec["timeout"] = None
        for entry in Cache._objects.get(category, {}).values():
            entry["timeout"] = None
    yield
    from screens import cache_budget
    cache_budget.apply()                                   # the next app starts with Kivy's timeouts


def test_forty_sessions_leave_no_more_objects_than_ten(ui, caches_without_timeouts):
    for n in range(10):
        _session(ui, n)
    after_ten = _counts(ui)
    for n in range(10, 40):
        _session(ui, n)
    after_forty = _counts(ui)
    grown = {k: (after_ten[k], after_forty[k]) for k in after_forty | after_ten
             if after_forty[k] > after_ten[k]}
    assert not grown, f"grew over 30 sessions (after 10, after 40): {grown}"
    assert not _caches_within_bounds(), f"Kivy caches over their bound: {_caches_within_bounds()}"
