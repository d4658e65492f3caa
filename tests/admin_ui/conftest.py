# SPDX-License-Identifier: Apache-2.0
"""The UI harness of tests/ui (one Kivy window, a fresh app per test, fake clock) for the admin
screen, plus staff PINs (cheap scrypt cost) and a local audit log per test."""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# helper modules with unique names, appended (never in front: another folder's ``conftest`` must
# not be shadowed for the tests that import from their own)
for helper_dir in (HERE, HERE.parent / "assist_ui", HERE.parent / "printing", HERE.parent / "a4"):
    if str(helper_dir) not in sys.path:
        sys.path.append(str(helper_dir))

from adm_helpers import PIN_ADMIN, PIN_HELPER  # noqa: E402
from aui_helpers import ui_harness  # noqa: E402

harness = ui_harness()
kivy_window = harness.kivy_window
kiosk_cache = harness.kiosk_cache
make_ui = harness.make_ui
overflowing, visible_labels, button = harness.overflowing, harness.visible_labels, harness.button


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if "tests/admin_ui/" in path and "unit" not in path:
            item.add_marker(pytest.mark.ui)


@pytest.fixture
def admin_ui(make_ui, tmp_path):
    """GIVEN the app with an admin (A01) and a helper (W01), PINs hashed, the audit log in tmp."""
    from kiosk.assist_mode import hash_pin

    def make(simulate=False, **overrides):
        drv = make_ui(simulate=simulate, **{"admin.pins": [f"A01:{hash_pin(PIN_ADMIN, log2_n=4)}"],
                         "assist.staff_pins": [f"W01:{hash_pin(PIN_HELPER, log2_n=4)}"],
                         "admin.audit_log": str(tmp_path / "admin-audit.log"), **overrides})
        drv.audit_path = tmp_path / "admin-audit.log"
        return drv
    return make


@pytest.fixture
def logind():
    """GIVEN a private D-Bus daemon with a fake logind on it (adm_logind.py)."""
    from adm_logind import FakeLogind, PrivateBus

    bus = PrivateBus().start()
    fake = FakeLogind(bus.address)
    fake.address = bus.address
    yield fake
    fake.close()
    bus.stop()


@pytest.fixture
def capture_printer():
    """GIVEN a TCP receipt printer on 127.0.0.1 that records bytes (tests/printing)."""
    from prn_capture_printer import CapturePrinter

    printer = CapturePrinter()
    yield printer
    printer.close()


@pytest.fixture(scope="session")
def cupsd():
    """GIVEN a private cupsd (tests/a4), started once per session."""
    import shutil

    from a4_cupsd import PrivateCupsd

    if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
        pytest.fail("cupsd/lpadmin missing: install the Debian packages in scripts/apt-packages.txt")
    daemon = PrivateCupsd().start()
    yield daemon
    daemon.stop()
