# SPDX-License-Identifier: Apache-2.0
"""Screens built on first use and dropped after the session (screens/screen_set.py, issue 18): the
five every citizen meets are built at start; 问一问 is built when a citizen opens it, works through
the input path, and after the session it is dropped: each citizen's 问一问 screen is gone once their
session has ended, the text field they typed in too (Kivy's TextInput kept the last one, and its
screen, until another field moved its cursor: screens/screen_set.py)."""
import gc
import weakref

from screens.screen_set import RESIDENT
from ui_kit import button

CITIZENS = 6


def test_a_screen_is_built_when_needed_and_dropped_with_the_session(ui):
    assert sorted(ui.app.screens.built_names()) == sorted(RESIDENT)
    assert ui.app.screens.get("ask") is None and "ask" in ui.app.screens      # known, not built
    fresh = 0
    for citizen in range(CITIZENS):
        ui.tap(ui.screen.ids.tile_ask)
        assert ui.app.manager.current == "ask" and "ask" in ui.app.screens.built_names()
        # a mark, not id(): a freed screen's address is often the next one's
        fresh += not hasattr(ui.screen, "_test_citizen")
        ui.screen._test_citizen = citizen
        screen = weakref.ref(ui.screen)
        ui.tap_key("h")                               # the on-screen keyboard targets its field
        ui.frames(2)
        assert ui.keyboard() is not None and ui.keyboard().target is not None
        ui.tap(button(ui.screen, "首页"))
        ui.kiosk.session.end("finished")              # the session ends (as 结束办理 does)
        ui.frames(3)
        assert ui.app.manager.current == "home"
        assert sorted(ui.app.screens.built_names()) == sorted(RESIDENT)
        gc.collect()
        assert screen() is None, "the dropped 问一问 screen is still alive"
    assert fresh == CITIZENS                                 # each citizen got a fresh screen
    ui.tap(ui.screen.ids.tile_ask)                    # the session ends ON the screen (结束办理 there):
    ui.kiosk.session.end("finished")                  # the switch home and the drop come together
    ui.frames(3)
    assert [c.name for c in ui.app.manager.children] == ["home"], "a dropped screen still drawn"


def test_a_field_refreshed_after_its_screen_was_dropped_keeps_nothing_alive(ui):
    """The session's end can refresh a field after its screen was dropped (its text or font set
    in the same frame: the refresh runs on the next one and moves the cursor); Kivy's TextInput
    kept the last field whose cursor moved in a list shared by the class, and with it the whole
    dropped 问一问 screen (seen in the soak after a 问一问 then a video call). Each field now keeps
    its own (screens/search_input.py)."""
    ui.tap(ui.screen.ids.tile_ask)
    screen = weakref.ref(ui.screen)
    held = next(w for w in ui.screen.walk() if w.__class__.__name__ == "QuestionInput")
    field = weakref.ref(held)
    ui.tap_key("h")
    ui.tap(button(ui.screen, "首页"))
    ui.kiosk.session.end("finished")
    ui.frames(3)
    assert "ask" not in ui.app.screens.built_names()
    held.text = "x"                                  # refreshed after the drop: its cursor moves
    held.font_size += 1
    del held
    ui.frames(4)
    gc.collect()
    assert screen() is None, "the dropped 问一问 screen is still alive"
    assert field() is None


def test_a_scroll_bar_fading_when_the_screen_is_dropped_keeps_nothing_alive(ui):
    """A ScrollView fades its bar 0.5 s after a scroll or a layout, by an Animation of 0.5 s, and
    Kivy keeps a running animation and its widget: a 问一问 screen dropped then lived on for up
    to a second, by real time, past the session's end and its trim. The drop stops both
    (screens/screen_set.py quiet): here the bar is fading and about to fade again."""
    from kivy.animation import Animation
    from kivy.uix.scrollview import ScrollView

    ui.tap(ui.screen.ids.tile_ask)
    screen = weakref.ref(ui.screen)
    bar = next(w for w in ui.screen.walk() if isinstance(w, ScrollView))
    bar.update_from_scroll()                      # about to fade (its 0.5 s trigger is pending)
    bar._bind_inactive_bar_color()                # and fading now (the animation runs)
    assert bar._bind_inactive_bar_color_ev.is_triggered
    assert any(bar in [e["widget"] for e in a._widgets.values()] for a in Animation._instances)
    del bar
    ui.kiosk.session.end("finished")
    ui.frames(4)
    assert "ask" not in ui.app.screens.built_names()
    gc.collect()
    assert screen() is None, "the dropped 问一问 screen is still alive"


def test_memory_is_given_back_once_the_citizens_screens_are_gone(ui, monkeypatch):
    """The trim at a session's end (kiosk/memory.py) runs after the app has dropped the session's
    screens, drawn home and done Kivy's pending GL deletes, not before (docs/memory.md: a trim before
    them left 10-17 MB in malloc's heap); once per session, with the core's own step taken over by
    the app."""
    from kivy.graphics.context import get_context

    from kiosk import memory

    built_at_trim = []
    monkeypatch.setattr(memory, "_TRIM", lambda pad: built_at_trim.append(
        sorted(ui.app.screens.built_names()) if ui.app.manager.current == "home" else "not home"))
    assert ui.kiosk.session.after_end is None            # the app runs it (its _after_wipe)
    assert get_context().gl_dealloc in memory._NATIVE_FREES
    for citizen in range(3):
        ui.tap(ui.screen.ids.tile_ask)
        assert "ask" in ui.app.screens.built_names()
        ui.tap(button(ui.screen, "首页"))
        ui.kiosk.session.end("finished")
        ui.frames(3)
        assert built_at_trim == [sorted(RESIDENT)] * (citizen + 1)
