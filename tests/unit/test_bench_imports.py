# SPDX-License-Identifier: Apache-2.0
"""Every benchmark still loads (its imports and helpers exist); running them is bench/'s job."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))

CHECK = """
import runpy, sys
module = runpy.run_path(sys.argv[1], run_name="bench_loaded")
assert callable(module.get("main")), sys.argv[1] + ": no main()"
"""


def test_every_bench_loads_without_running():
    assert len(BENCHES) >= 10
    # a fresh process each: a bench must not lean on another's (or the suite's) sys.path
    runs = {b.name: subprocess.Popen([sys.executable, "-c", CHECK, str(b)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for b in BENCHES}
    failed = {}
    for name, proc in runs.items():
        _out, err = proc.communicate(timeout=120)
        if proc.returncode:
            failed[name] = err[-1500:]
    assert not failed, failed
