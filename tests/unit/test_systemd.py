# SPDX-License-Identifier: Apache-2.0
"""The systemd units pass `systemd-analyze verify` against the real install layout."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "systemd").glob("*.service"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_verifies(unit, tmp_path):
    # The units name /opt/ehall-kiosk, where docs/deployment.md installs the checkout;
    # point them at this checkout so verify checks the very files that would run.
    text = unit.read_text(encoding="utf-8").replace("/opt/ehall-kiosk", str(ROOT))
    copy = tmp_path / unit.name
    copy.write_text(text, encoding="utf-8")
    out = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    problems = [line for line in out.stderr.splitlines() if unit.name in line]
    assert out.returncode == 0 and not problems, out.stderr


def test_kiosk_unit_restarts_and_runs_the_kiosk_session():
    text = (ROOT / "systemd" / "ehall-kiosk.service").read_text(encoding="utf-8")
    assert "Restart=always" in text and "scripts/kiosk-session" in text
    session = (ROOT / "scripts" / "kiosk-session").read_text(encoding="utf-8")
    assert "matchbox-window-manager -use_titlebar no" in session
    assert session.rstrip().endswith("/opt/ehall-kiosk/.venv/bin/ehall-kiosk")
