# SPDX-License-Identifier: Apache-2.0
"""What the UI tests look at on a screen: the shown labels, text that overflows its widget, a
button by its text, and the window's size. A module of its own, imported as ``from ui_kit import
…``: ``from conftest import …`` picked up whichever conftest.py came first on sys.path (tests/a4's
when it ran before), so a test passed or failed by the order the folders ran in."""
from __future__ import annotations

WIN_W, WIN_H = 1280, 800


def visible_labels(widget):
    """Every Label (Buttons included) under widget that is shown and has text."""
    from kivy.uix.label import Label
    out = []
    for w in widget.walk(restrict=True):
        if isinstance(w, Label) and w.text and w.opacity > 0 and w.width > 1 and w.height > 1:
            out.append(w)
    return out


def overflowing(widget, tolerance=2):
    """Labels whose rendered text is larger than the widget that shows it."""
    bad = []
    for lab in visible_labels(widget):
        lab.texture_update()
        tw, th = lab.texture_size
        if tw > lab.width + tolerance or th > lab.height + tolerance:
            bad.append((lab.text[:40], (tw, th), tuple(lab.size)))
    return bad


def button(widget, text):
    """The shown Button under widget whose text is exactly text (e.g. 返回, 首页)."""
    from kivy.uix.button import Button
    found = [w for w in widget.walk(restrict=True) if isinstance(w, Button) and w.text == text]
    assert found, f"no button {text!r}"
    return found[0]


def ready_keyboard(ui):
    """The docked kiosk keyboard once it is up and its input method has loaded (the field that
    raised it has focus); two frames drawn."""
    ui.wait_until(lambda: ui.keyboard() is not None and ui.keyboard().parent is not None)
    vk = ui.keyboard()
    ui.wait_until(lambda: vk.composer.ready, timeout=30)
    ui.frames(2)
    return vk


def enter_key_text(vk):
    """The caption drawn on the keyboard's enter key (found by the layout's ``enter`` key)."""
    from kivy.uix.label import Label
    layout = vk.available_layouts[vk.layout]
    for line in range(1, layout["rows"] + 1):
        keys = layout[f"{vk.layout_mode}_{line}"]
        for key, (pos, size) in zip(keys, vk.layout_geometry[f"LINE_{line}"]):
            if key[2] == "enter":
                shown = [c.text for c in vk.children if isinstance(c, Label)
                         and pos[0] <= c.center_x <= pos[0] + size[0] and pos[1] <= c.center_y <= pos[1] + size[1]]
                assert len(shown) == 1, shown
                return shown[0]
    raise AssertionError("no enter key")

