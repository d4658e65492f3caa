# SPDX-License-Identifier: Apache-2.0
"""The helper's toolbar (协助模式) exists only while a helper is signed in (issue 18, docs/memory.md):
a kiosk with the assist service attached holds none (it was built with the controller: 13 widgets and
their label textures all day, for a mode a helper may never use); the mode builds it and its end lets
it go. Counts of live objects, no timing."""
import gc

from kivy.tests.common import UnitTestTouch

from aui_helpers import PIN_W01


def _toolbars() -> int:
    from screens.assist_toolbar import HelperToolbar

    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is HelperToolbar)


def _sign_in(ui):
    label = ui.screen.ids.terminal_label          # the terminal id held 3 s opens the PIN pad
    touch = UnitTestTouch(*label.to_window(*label.center))
    touch.touch_down()
    ui.frames(1)
    ui.clock.advance(3.0)
    ui.frames(3)
    touch.touch_up()
    ui.frames(2)
    assert ui.app.manager.current == "staff_pin"
    for digit in PIN_W01:
        ui.tap(ui.screen.ids.pad.keys[digit])
    ui.tap(ui.screen.ids.ok_btn)


def test_no_toolbar_with_the_service_attached(assist_ui):
    assert assist_ui.ctl.service is not None
    assert _toolbars() == 0


def test_the_toolbar_is_built_for_assist_mode_and_goes_with_it(staff_ui):
    ui = staff_ui
    assert _toolbars() == 0
    for _helper_visit in range(2):
        _sign_in(ui)
        assert ui.ctl.mode.active
        bar = ui.ctl.toolbar
        assert bar.parent is ui.app.root and "W01" in bar.ids.who.text
        ui.tap(bar.ids.item_btn)                  # a panel opened, then the mode ends
        ui.tap(bar.ids.exit_btn)
        ui.frames(2)
        assert not ui.ctl.mode.active
        del bar
        assert _toolbars() == 0
