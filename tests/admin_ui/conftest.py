# SPDX-License-Identifier: Apache-2.0
"""The UI harness of tests/ui (one Kivy window, a fresh app per test, fake clock) for the admin
screen, plus staff PINs (cheap scrypt cost) and a local audit log per test."""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for helper_dir in (HERE, HERE.parent / "assist_ui", HERE.parent / "printing", HERE.parent / "a4"):
    if str(helper_dir) not in sys.path:
        sys.path.insert(0, str(helper_dir))

from aui_helpers import ui_harness  # noqa: E402

harness = ui_harness()
kivy_window = harness.kivy_window
kiosk_cache = harness.kiosk_cache
make_ui = harness.make_ui
overflowing, visible_labels, button = harness.overflowing, harness.visible_labels, harness.button

PIN_ADMIN, PIN_HELPER = "24680", "13579"


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if "tests/admin_ui/" in path and "unit" not in path:
            item.add_marker(pytest.mark.ui)


@pytest.fixture
def admin_ui(make_ui, tmp_path):
    """GIVEN the app with an admin (A01) and a helper (W01), PINs hashed, the audit log in tmp."""
    from kiosk.assist_mode import hash_pin

    def make(**overrides):
        drv = make_ui(**{"admin.pins": [f"A01:{hash_pin(PIN_ADMIN, log2_n=4)}"],
                         "assist.staff_pins": [f"W01:{hash_pin(PIN_HELPER, log2_n=4)}"],
                         "admin.audit_log": str(tmp_path / "admin-audit.log"), **overrides})
        drv.audit_path = tmp_path / "admin-audit.log"
        return drv
    return make
