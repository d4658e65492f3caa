# SPDX-License-Identifier: Apache-2.0
"""python-escpos's import leaves no empty temp folder behind (one per kiosk start, before)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_escpos_leaves_only_our_pickle_cache(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    code = ("from drivers.receipt_printer._escpos import escpos\n"
            "assert escpos().printer.Network\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"ehall-escpos-{os.getuid()}"]
