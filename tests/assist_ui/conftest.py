# SPDX-License-Identifier: Apache-2.0
"""The UI harness of tests/ui (one Kivy window, a fresh app per test, fake clock),
plus the assist controller with a fake AssistService (fake_assist.py)."""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))          # fake_assist


from aui_helpers import PIN_W01, ui_harness  # noqa: E402

harness = ui_harness()
kivy_window = harness.kivy_window
kiosk_cache = harness.kiosk_cache
make_ui = harness.make_ui
ui = harness.ui
overflowing, visible_labels, button = harness.overflowing, harness.visible_labels, harness.button


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if "tests/assist_ui/" in path and "unit" not in path:
            item.add_marker(pytest.mark.ui)


@pytest.fixture
def assist_ui(make_ui):
    """GIVEN the app with a fake assist service attached (home refreshed: 呼叫帮办 enabled)."""
    from fake_assist import FakeAssistService

    from screens import assist_flow

    drv = make_ui()
    drv.service = FakeAssistService()
    drv.ctl = assist_flow.attach(drv.app, service=drv.service)
    drv.kiosk.session.home()
    drv.frames(2)
    return drv



@pytest.fixture
def staff_ui(make_ui):
    """GIVEN the app with two helpers' PIN hashes (cheap scrypt cost) and no assist service."""
    from kiosk.assist_mode import hash_pin
    from screens import assist_flow

    pins = [f"W01:{hash_pin(PIN_W01, log2_n=4)}", f"W02:{hash_pin('2468', log2_n=4)}"]
    drv = make_ui(**{"assist.staff_pins": pins})
    drv.ctl = assist_flow.controller(drv.app)
    return drv
