# SPDX-License-Identifier: Apache-2.0
"""The systemd unit passes ``systemd-analyze verify`` (skipped without systemd)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "ehall-helpdesk.service"
EXEC = "/opt/ehall-kiosk/.venv/bin/ehall-helpdesk"


def test_unit_runs_the_hub_as_its_own_user():
    text = UNIT.read_text(encoding="utf-8")
    assert "User=ehall-helpdesk" in text and "Restart=on-failure" in text
    assert f"ExecStart={EXEC} --config /etc/ehall-helpdesk/helpdesk.toml" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd not installed")
def test_unit_verifies(tmp_path):
    """verify also checks that ExecStart exists, which it does only on an installed
    hall server; so the same unit is verified with ExecStart pointing at a stub."""
    stub = tmp_path / "ehall-helpdesk"
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(EXEC, str(stub)), encoding="utf-8")
    res = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                         text=True, timeout=60)
    problems = [line for line in (res.stdout + res.stderr).splitlines()
                if UNIT.name in line and "not found" not in line]
    assert res.returncode == 0 and not problems, res.stdout + res.stderr
