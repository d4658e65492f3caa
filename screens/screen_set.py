# SPDX-License-Identifier: Apache-2.0
"""The app's screens by route name, built when first shown (issue 18, docs/memory.md).

Each screen is a widget tree of a few hundred to a few thousand objects; all 25 built at start
cost about 28 MB more than the five every citizen meets (home, browse, the list, search, an
item). So only those are built at start and kept; any other screen is built the first time it
is needed (about 10 ms; the staff keypad and the work-order form about 150 ms) and dropped when
the session ends, so a day of citizens costs what one session does.

- ``screens[name]`` returns the screen, building it first if needed (KeyError: no such screen);
- ``screens.get(name)`` returns it only if it is built (for code that refreshes a screen if
  it is there: a screen not built has nothing to refresh, and builds fresh);
- iterating, ``values()`` and ``items()`` build every screen (a test that walks them all);
  ``built()`` lists the ones that exist, for the app's own broadcasts (wipe, notice).
"""
from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

RESIDENT = ("home", "browse", "list", "search", "item")


class ScreenSet(Mapping):
    def __init__(self, manager: Any, classes: Mapping[str, type], resident=RESIDENT) -> None:
        self._manager, self._classes = manager, dict(classes)
        self.resident = tuple(name for name in resident if name in self._classes)
        self._built: dict[str, Any] = {}
        for name in self.resident:
            self[name]

    def __getitem__(self, name: str) -> Any:
        screen = self._built.get(name)
        if screen is None:
            screen = self._classes[name](name=name)
            self._built[name] = screen
            self._manager.add_widget(screen)
        return screen

    def get(self, name: str, default: Any = None) -> Any:   # type: ignore[override]
        return self._built.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def built(self) -> list[Any]:
        return list(self._built.values())

    def built_names(self) -> list[str]:
        return list(self._built)

    def drop_unused(self) -> list[str]:
        """After a session's wipe: every built screen that is neither resident nor showing goes
        (the next citizen who needs it gets a fresh one). Returns the names dropped."""
        dropped: list[str] = []
        gone: list[weakref.ref] = []
        for name, screen in list(self._built.items()):
            if name in self.resident or self._manager.current == name:
                continue
            let_go = getattr(screen, "dropped", None)   # a screen following a long-lived service
            if callable(let_go):                        # stops (else the service keeps it alive)
                let_go()
            self._manager.remove_widget(screen)
            if screen in self._manager.children:
                # Kivy's remove_widget leaves a screen that is not current on the window: the
                # switch's end takes the one it left off, and that one is the placeholder now
                self._manager.real_remove_widget(screen)
            del self._built[name]
            dropped.append(name)
            quiet(screen)
            gone.append(weakref.ref(screen))
        if dropped:
            # the transition keeps the last screens it showed (screen_out: the one just left) and
            # takes no None: it gets a bare placeholder (each switch sets both sides anew; the
            # screen showing would be removed from the window by the next switch's end)
            transition = getattr(self._manager, "transition", None)
            for side in ("screen_in", "screen_out"):
                shown = getattr(transition, side, None)
                if shown is not None and shown.name in dropped:
                    setattr(transition, side, _placeholder())
            forget_keyboard_targets()
            from kivy.clock import Clock        # and once more after the frame the drop lays out
            Clock.schedule_once(lambda _dt: [quiet(ref()) for ref in gone if ref() is not None])
        return dropped


_PLACEHOLDER: list[Any] = []


def _placeholder() -> Any:
    from kivy.uix.screenmanager import Screen

    if not _PLACEHOLDER:
        _PLACEHOLDER.append(Screen(name="_dropped"))
    return _PLACEHOLDER[0]


def quiet(screen: Any) -> None:
    """Stops what Kivy's clock still runs for a dropped screen's widgets, each of which keeps the
    whole screen alive until it ends, by real time: running animations (Kivy keeps every running
    Animation, and it its widgets) and the ScrollView's bar fade (0.5 s after a scroll or a
    layout, an Animation of 0.5 s more). A dropped 问一问 screen, with its question index, lived
    on up to a second after the session's end: past the trim that follows it (kiosk/memory.py),
    and into the soak's counts."""
    from kivy.animation import Animation

    for widget in screen.walk(restrict=True):
        Animation.cancel_all(widget)
        fade = getattr(widget, "_bind_inactive_bar_color_ev", None)    # kivy/uix/scrollview.py
        if fade is not None:
            fade.cancel()


def forget_keyboard_targets() -> None:
    """Kivy keeps its last text field after release, and a field keeps its whole screen alive
    through its parents: where a field is no longer on the window, it is forgotten. Kivy keeps it
    in three places: the window's keyboard request (``target``, ``callback``); the on-screen keys
    (``target``, and ``callback``: the field's ``_keyboard_released``, which Kivy's
    ``release_keyboard`` does not clear); and TextInput's ``_adjust_viewport``, whose
    ``kivy.clock.triggered`` wrapper keeps the last call's arguments (the field) in a list shared
    by the class (issue 18, eighth round: the last two kept a dropped 网上办事 or 问一问 screen alive
    until another field took the keyboard)."""
    from kivy.core.window import Window

    for keyboard in list(getattr(Window, "_keyboards", {}).values()):
        if _gone(getattr(keyboard, "target", None)):        # the window's keyboard request
            keyboard.target = keyboard.callback = None
        vkeyboard = getattr(keyboard, "widget", None)         # the on-screen keys
        if vkeyboard is not None and _gone(getattr(vkeyboard, "target", None)):
            vkeyboard.target = None
        if vkeyboard is not None and _gone(getattr(vkeyboard.callback, "__self__", None)):
            vkeyboard.callback = None
    _forget_viewport_call()


def _gone(widget: Any) -> bool:
    try:
        return widget is not None and widget.get_root_window() is None
    except ReferenceError:              # a weak proxy whose widget has died already
        return False


def _forget_viewport_call() -> bool:
    """Empties the arguments Kivy's ``triggered`` wrapper keeps of TextInput's last
    ``_adjust_viewport`` call when that field is gone; a call still pending for it is cancelled
    (a gone field has no viewport to adjust; left pending, it ran after the drop and kept the
    field, and 问一问's whole screen with its question index, until another field was adjusted:
    seen after a 问一问 then a video call). True when emptied; False otherwise, or when this
    Kivy has no such wrapper (nothing is kept then)."""
    from kivy.uix.textinput import TextInput

    fn = TextInput._adjust_viewport
    cells = dict(zip(getattr(fn.__code__, "co_freevars", ()), fn.__closure__ or ()))
    try:
        args, kwargs, trigger = (cells[name].cell_contents for name in ("_args", "_kwargs", "cb_trigger"))
    except (KeyError, ValueError):
        return False
    if not args or not _gone(args[0]):          # nothing kept, or a field still shown
        return False
    if trigger.is_triggered:
        trigger.cancel()
    args.clear()
    kwargs.clear()
    return True
