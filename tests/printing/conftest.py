# SPDX-License-Identifier: Apache-2.0
import sys
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # helper modules live next to this file
    sys.path.insert(0, str(Path(__file__).parent))

from prn_capture_printer import CapturePrinter  # noqa: E402


@pytest.fixture
def capture_printer():
    """GIVEN a TCP printer on 127.0.0.1 that records bytes and answers DLE EOT."""
    printer = CapturePrinter()
    yield printer
    printer.close()


@pytest.fixture(scope="session", autouse=True)
def _escpos_cache(tmp_path_factory):
    """Keep python-escpos' capabilities pickle in one folder for the session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos")))
    yield
    mp.undo()
