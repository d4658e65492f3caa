# SPDX-License-Identifier: Apache-2.0
"""Every button on every screen keeps readable colours in every state, measured from
the rendered pixels: pressed (held down), released after a real tap through Kivy's
input path, disabled, and all of it again after a session wipe."""
from kivy.uix.button import Button

from pixels import edge_contrast, frame, text_contrast, window_rect

ROUTES = [("home", {}), ("browse", {"by": "department"}), ("browse", {"by": "category"}),
          ("list", {"by": "department", "value": "行政审批服务局", "page": 0}),
          ("list", {"by": "audience", "value": "个人", "page": 2}),
          ("search", {}), ("item", {"id": "SI-0049"}), ("item", {"id": "SI-0050"}),
          ("qr", {"id": "SI-0049"}), ("consent", {}), ("identity_help", {}), ("help", {})]
TEXT_MIN, DISABLED_EDGE_MIN = 4.5, 3.0


def _show(ui, screen, params):
    ui.app.root.notice = ""
    if screen == "home":
        ui.kiosk.session.home()
    else:
        ui.kiosk.session.go(screen, **params)
    ui.frames(3)
    assert ui.app.manager.current == screen, (screen, ui.app.manager.current)
    if screen != "search":
        ui.screen.release_keyboard() if hasattr(ui.screen, "release_keyboard") else None


def _blocked(ui):
    kb = ui.keyboard()
    if kb is None or kb.parent is None:
        return None
    x0, y0 = kb.to_window(*kb.pos)
    return int(x0), int(y0), int(x0 + kb.width * kb.scale), int(y0 + kb.height * kb.scale)


def _shown(w):
    while w is not None and w is not w.parent:
        if w.opacity <= 0:
            return False
        w = w.parent
    return True


def _buttons(ui):
    """The screen's shown buttons with text, wholly on the window and not under the keyboard."""
    kb = _blocked(ui)
    w, h = ui.window.size
    out = []
    for b in ui.screen.walk(restrict=True):
        if not (isinstance(b, Button) and b.text and _shown(b) and b.get_root_window()):
            continue
        x0, y0, x1, y1 = window_rect(b)
        if x1 - x0 < b.width - 1 or y1 - y0 < b.height - 1 or x0 < 0 or y0 < 0 or x1 > w or y1 > h:
            continue                                  # scrolled partly out of view
        if kb and not (x1 <= kb[0] or x0 >= kb[2] or y1 <= kb[1] or y0 >= kb[3]):
            continue
        out.append(b)
    return out


def _measure(ui, b, state):
    ui.frames(2)
    img = frame(ui.window)
    rect = window_rect(b)
    ratio, fg, bg = text_contrast(img, rect)
    label = f"{ui.app.manager.current}: {b.text[:16]!r} {state}"
    if b.disabled:
        assert ratio >= TEXT_MIN, f"{label}: text {fg} on {bg} is {ratio:.2f}:1"
        edge = edge_contrast(img, rect)
        assert edge >= DISABLED_EDGE_MIN, f"{label}: control vs surroundings {edge:.2f}:1"
    else:
        assert ratio >= TEXT_MIN, f"{label}: text {fg} on {bg} is {ratio:.2f}:1"
    return ratio


def _tap_and_measure(ui, b, screen, params, large):
    from kivy.tests.common import UnitTestTouch
    x, y = b.to_window(*b.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    ui.wait_until(lambda: b.state == "down" or ui.app.manager.current != screen)
    if ui.app.manager.current == screen and b.get_root_window():
        _measure(ui, b, "pressed")
    touch.touch_up()
    ui.frames(2)
    if ui.app.ui.large_text != large:              # 大字模式 was the button
        ui.kiosk.session.set_large_text(large)
    if ui.app.manager.current != screen or ui.app.root.notice:
        _show(ui, screen, params)                 # back to where the button is
    if b.get_root_window() and b.state == "normal":
        _measure(ui, b, "released")


def _every_button_on_every_screen(ui, large=False):
    seen = 0
    ui.kiosk.session.set_large_text(large)
    for screen, params in ROUTES:
        _show(ui, screen, params)
        buttons = _buttons(ui)
        assert buttons, f"no buttons on {screen}"
        for b in buttons:
            _measure(ui, b, "disabled" if b.disabled else "normal")
        for b in buttons:
            if b.disabled or not b.get_root_window():
                continue
            _tap_and_measure(ui, b, screen, params, large)
            seen += 1
    return seen


def test_every_button_keeps_its_colours_pressed_after_a_tap_and_after_the_session_wipe(ui):
    """GIVEN each screen WHEN every button is pressed, released and the screen shown again
    THEN its text is ≥ 4.5:1 from the pixels in every state; disabled ones stand ≥ 3:1
    from their surroundings. AND WHEN that citizen's session is wiped (idle timeout)
    THEN the next citizen meets the same readable buttons, tapped again. (One walk serves
    both: the first citizen's walk is the whole first check.)"""
    assert _every_button_on_every_screen(ui) > 30
    ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
    ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)
    assert ui.kiosk.session.phase.value != "countdown" and ui.app.manager.current == "home"
    assert _every_button_on_every_screen(ui) > 30


def test_nav_buttons_stand_out_from_the_bar(ui):
    """GIVEN any screen with the blue bar THEN 返回 and 首页 differ ≥ 3:1 from the bar around them."""
    from ui_kit import button
    _show(ui, "item", {"id": "SI-0049"})
    img = frame(ui.window)
    for text in ("返回", "首页"):
        assert edge_contrast(img, window_rect(button(ui.screen, text))) >= 3.0
