# SPDX-License-Identifier: Apache-2.0
"""Core dumps are off for the kiosk's process: RLIMIT_CORE 0 and not dumpable, and LimitCORE=0 in the units."""
import configparser
from pathlib import Path

import pytest
from test_kiosk_shutdown import start_kiosk, wait_for_main_loop

ROOT = Path(__file__).resolve().parents[2]


def test_the_running_kiosk_writes_no_core_file(tmp_path):
    """GIVEN the real kiosk process (simulated devices) THEN its core limit is 0 (soft and hard), as the
    kernel reports it in /proc/PID/limits."""
    proc, _temp, log = start_kiosk(tmp_path)
    try:
        wait_for_main_loop(proc, log)
        limits = Path(f"/proc/{proc.pid}/limits").read_text()
        line = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
        assert line.split()[4:6] == ["0", "0"], line
        # (not dumpable is checked below through prctl(PR_GET_DUMPABLE) in a process of its own: seen
        # from outside it only shows as root-owned /proc/PID files, which says nothing when tests run as root)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize("unit", ["ehall-kiosk.service", "ehall-helpdesk.service"])
def test_units_set_limit_core_zero(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "systemd" / unit)
    assert parser["Service"]["LimitCORE"] == "0"


def test_no_core_dumps_in_this_process_reports_what_it_set():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "from kiosk.privacy import no_core_dumps; print(no_core_dumps())"],
                         cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "{'rlimit_core': (0, 0), 'dumpable': 0}", out.stderr
