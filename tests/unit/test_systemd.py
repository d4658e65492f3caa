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
    assert '"${EHALL_KIOSK_BIN:-/opt/ehall-kiosk/.venv/bin/ehall-kiosk}"' in session


@pytest.mark.parametrize("status, desktop", [(75, True), (0, False), (3, False)])
def test_kiosk_session_opens_the_desktop_only_after_exit_to_desktop(tmp_path, status, desktop):
    """退出到桌面 (the admin screen) ends the kiosk with 75: the session runs the desktop, then
    ends; 重启程序 (0) or a crash ends the session at once with the kiosk's status."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in {"matchbox-window-manager": "exit 0", "xset": "exit 0",
                       "kiosk": f"exit {status}", "desktop": f"touch {tmp_path / 'desktop-ran'}"}.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "EHALL_KIOSK_BIN": str(bin_dir / "kiosk"),
           "EHALL_DESKTOP": str(bin_dir / "desktop")}
    out = subprocess.run(["sh", str(ROOT / "scripts" / "kiosk-session")], env=env, timeout=30)
    assert (tmp_path / "desktop-ran").exists() is desktop
    assert out.returncode == (0 if desktop else status)
