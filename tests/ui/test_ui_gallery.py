# SPDX-License-Identifier: Apache-2.0
"""The README's gallery: the screens a citizen meets, in normal and large-text mode, each
checked for text that fits before it is saved (docs/screenshots/ is copied from these)."""
import pytest

from ui_kit import overflowing

SHOTS = [("home", "home", {}), ("help-desk", "help", {}), ("item", "item", {"id": "SI-0049"}),
         ("item-no-guide", "item", {"id": "SI-0050"}),
         ("list", "list", {"by": "audience", "value": "个人", "page": 0}),
         ("browse", "browse", {"by": "department"}), ("qr", "qr", {"id": "SI-0001"}),
         ("identity-consent-card", "consent", {})]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_gallery(ui, large):
    ui.kiosk.session.set_large_text(large)
    for name, screen, params in SHOTS:
        if screen == "home":
            ui.kiosk.session.home()
        else:
            ui.kiosk.session.go(screen, **params)
        ui.frames(3)
        assert ui.app.manager.current == screen
        assert not overflowing(ui.screen), name
        ui.screenshot(("large-" if large else "") + name)
