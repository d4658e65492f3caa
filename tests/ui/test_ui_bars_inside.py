# SPDX-License-Identifier: Apache-2.0
"""No screen overflows, in either mode: every screen's top bar (NavBar) and bottom bars lie
inside the window, on every screen with the longest lists the catalogue gives."""
import pytest

ROUTES = [("home", {}), ("browse", {"by": "department"}), ("browse", {"by": "category"}),
          ("list", {"by": "audience", "value": "个人", "page": 0}),
          ("list", {"by": "audience", "value": "法人", "page": 0}),
          ("list", {"by": "department", "value": "行政审批服务局", "page": 0}),
          ("search", {}), ("item", {"id": "SI-0049"}), ("item", {"id": "SI-0050"}),
          ("item", {"id": "SI-0001"}), ("qr", {"id": "SI-0001"}), ("consent", {}),
          ("identity_help", {}), ("help", {})]


def _bars(screen):
    """The screen's top-level bands: the children of its outer vertical BoxLayout."""
    outer = screen.children[0]
    return [w for w in outer.children if w.height > 0 and w.opacity > 0]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_every_screen_fits_the_window(ui, large):
    """GIVEN each screen in normal and large mode THEN each band of its layout (top bar,
    content, bottom bar) is inside the window and the top bar sits at the top."""
    ui.kiosk.session.set_large_text(large)
    w, h = ui.window.size
    for screen, params in ROUTES:
        if screen == "home":
            ui.kiosk.session.home()
        else:
            ui.kiosk.session.go(screen, **params)
        ui.frames(3)
        assert ui.app.manager.current == screen
        for band in _bars(ui.screen):
            x0, y0 = band.to_window(band.x, band.y)
            x1, y1 = band.to_window(band.right, band.top)
            assert x0 >= -1 and y0 >= -1 and x1 <= w + 1 and y1 <= h + 1, \
                f"{screen} {params} large={large}: {type(band).__name__} at {(x0, y0, x1, y1)}"
        if screen != "home":
            nav = ui.screen.children[0].children[-1]
            assert abs(nav.to_window(nav.x, nav.top)[1] - h) <= 1, f"{screen}: top bar not at the top"


HELP_WORDS = ("找工作人员", "呼叫帮办")


def _help_buttons(screen):
    """The help buttons a citizen sees: shown, sized, and drawn (not under another screen)."""
    from kivy.uix.button import Button
    return [b for b in screen.walk(restrict=True) if isinstance(b, Button) and b.text.split("\n")[0] in HELP_WORDS
            and b.opacity > 0 and b.width > 1 and b.height > 1 and not b.disabled
            and all(p.opacity > 0 for p in _ancestors(b))]


def _ancestors(widget):
    out, p = [], widget.parent
    while p is not None and p is not p.parent:
        out.append(p)
        p = p.parent
    return out


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_every_screen_has_one_help_button(ui, large):
    """GIVEN each citizen screen in normal and large mode THEN exactly one help button
    (找工作人员 without a hub) is on it: never none, never two that look the same."""
    ui.kiosk.session.set_large_text(large)
    for screen, params in ROUTES:
        if screen in ("home", "help"):
            continue                         # home: the help tile; help: the desk itself
        ui.kiosk.session.go(screen, **params)
        ui.frames(3)
        helps = _help_buttons(ui.screen)
        assert len(helps) == 1, (screen, params, [(h.text, h.size) for h in helps])
