# SPDX-License-Identifier: Apache-2.0
"""Shared test helpers (tests/waiting.py, ...) are importable from every test folder."""
import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
