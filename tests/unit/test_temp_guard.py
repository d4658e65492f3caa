# SPDX-License-Identifier: Apache-2.0
"""The temp-file guard of tests/conftest.py, on a session of its own (a pytest subprocess)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

LEAKY = '''
import os, subprocess, sys, tempfile

def test_leaves_things_behind():
    tempfile.mkdtemp(prefix="idr-sim-")                        # this process
    subprocess.run([sys.executable, "-c",                       # a child: it inherits TMPDIR
                    "import tempfile; tempfile.mkstemp(prefix='ehall-a4-font-')"], check=True)
    tempfile.mkdtemp(prefix="pulse-")                           # not ours: listed, not a failure
'''

CLEAN = '''
import os, tempfile

def test_cleans_up():
    with tempfile.TemporaryDirectory(prefix="idr-sim-"):
        pass
    # another program's file with our prefix, outside this session's temp folder
    os.mkdir(os.path.join(os.path.dirname(tempfile.gettempdir()), "idr-sim-another-program"))
'''


def run_session(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Runs ``body`` as a test file under a copy of tests/conftest.py, with a temp dir of its own (the
    suite's is shared by its workers, whose files come and go meanwhile); returns the run and what
    it left in that temp dir (the inner session's folder's parent)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")   # not the repo's addopts
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_inner.py").write_text(body, encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "TMPDIR": str(temp)})
    return out, sorted(os.listdir(temp))


def test_a_session_that_leaves_our_temp_files_fails_and_names_them(tmp_path):
    """GIVEN a test that leaves an idr-sim- folder, a child's ehall-a4-font- file and a pulse- folder
    WHEN its session ends THEN exit status 1 with ours named, pulse- only listed; nothing stays."""
    out, left = run_session(tmp_path, LEAKY)
    assert out.returncode == 1 and "1 passed" in out.stdout, out.stdout + out.stderr
    report = out.stdout.split("temp files left behind", 1)[1]
    named = [line.strip() for line in report.splitlines() if line.startswith("  ")]
    assert [n.split("-")[:2] for n in named] == [["ehall", "a4"], ["idr", "sim"]], out.stdout
    assert "left by other programs" in report and "pulse-" in report.split("left by other programs")[1]
    assert left == []                                  # the session's temp folder went, leftovers and all


def test_a_clean_session_passes_whatever_other_programs_do(tmp_path):
    """GIVEN a test that cleans up while another program leaves a folder with our prefix in the
    shared temp dir WHEN the session ends THEN exit status 0: only the session's own folder counts."""
    out, left = run_session(tmp_path, CLEAN)
    assert out.returncode == 0 and "1 passed" in out.stdout, out.stdout + out.stderr
    assert "temp files left behind" not in out.stdout
    assert left == ["idr-sim-another-program"]
