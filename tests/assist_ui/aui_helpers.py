# SPDX-License-Identifier: Apache-2.0
"""Helpers the assist UI tests import (a unique module name: ``conftest`` may be another folder's)."""
import importlib.util
import sys
from pathlib import Path

PIN_W01 = "135790"


def ui_harness():
    """tests/ui/conftest.py, loaded once under its own name."""
    name = "ehall_tests_ui_harness"
    if name not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "ui" / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


overflowing = ui_harness().overflowing
visible_labels = ui_harness().visible_labels
