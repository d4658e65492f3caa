# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk print guide ITEM --a4 --printer cups://QUEUE`` as an admin runs it (a subprocess)."""
import os
import subprocess
import sys
import time
from pathlib import Path

from a4_pdftools import fonts, text

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    env = dict(os.environ, XDG_CACHE_HOME=str(ROOT / "test-output" / "cache"))
    return subprocess.run([sys.executable, "-m", "ehall_kiosk", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_a4_cli_prints_the_guide_through_cups(queue):
    """GIVEN a CUPS queue WHEN the admin prints a guide on A4 THEN exit 0, one job, the item's text in it."""
    name, spool, uri = queue
    out = run("print", "guide", "SI-0015", "--a4", "--printer", uri)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "A4 guide for SI-0015" in out.stdout and "PRINTED job" in out.stdout
    assert "error policy retry-job" in out.stdout and "Noto Sans SC subset embedded" in out.stdout
    deadline = time.monotonic() + 5
    while not list(spool.glob("job-*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    (job,) = spool.glob("job-*.pdf")
    pdf = job.read_bytes()
    assert "户口迁入" in text(pdf) and all(f["emb"] == "yes" for f in fonts(pdf))


def test_a4_cli_simulator_test_page_and_coded_failures(cupsd):
    """GIVEN the simulator, a wrong queue WHEN the admin prints THEN 0 with the PDF's path / 1 with the code."""
    sim = run("print", "guide", "SI-0015", "--a4", "--printer", "sim://")
    assert sim.returncode == 0 and "simulator wrote" in sim.stdout, sim.stdout + sim.stderr
    wrong = run("print", "test", "--printer", f"cups://NoSuchQueue?server={cupsd.sock}")
    assert wrong.returncode == 1 and "A4_QUEUE_UNKNOWN" in wrong.stdout
    assert "Traceback" not in wrong.stderr


def test_a4_cli_device_self_test(queue):
    name, spool, uri = queue
    out = run("devices", "test", "a4_printer", "--uri", uri)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "state ready" in out.stdout
