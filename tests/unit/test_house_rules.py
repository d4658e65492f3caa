# SPDX-License-Identifier: Apache-2.0
"""The house's rules are checks, run by the README's test command and so by CI (docs/architecture.md).

- layering: the import contracts in pyproject.toml ([tool.importlinter]) hold;
- lint: ruff's small rule set ([tool.ruff]) passes on every Python file of the project;
- types: mypy passes on the core, the drivers and the composition root ([tool.mypy]);
- the repository stands on its own: nothing reads the team's shared folder next to it.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_layering_contracts_hold():
    out = _run(str(BIN / "lint-imports"), "--no-cache")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout and "Contracts: 5 kept" in out.stdout


def test_the_layering_check_can_fail(tmp_path):
    """A screen importing a driver is reported: the contract is live, not a formality."""
    bad = ROOT / "screens" / "zz_layering_probe.py"
    bad.write_text("import drivers.base  # a probe written by tests/unit/test_house_rules.py\n")
    try:
        out = _run(str(BIN / "lint-imports"), "--no-cache")
    finally:
        bad.unlink()
    assert out.returncode != 0 and "screens.zz_layering_probe -> drivers.base" in out.stdout


def test_ruff_passes():
    out = _run(str(BIN / "ruff"), "check", "--no-cache", "ehall_kiosk", "ehall_common", "kiosk", "drivers", "screens",
               "helpdesk", "tests", "bench", "scripts")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_mypy_passes():
    out = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_nothing_reads_the_shared_folder():
    out = _run("git", "grep", "-n", "-I", "-E", r"\.\./shared|EHALL_SHARED|parents?\b.*['\"]shared['\"]", "--",
               "ehall_kiosk", "kiosk", "drivers", "screens", "helpdesk", "tests", "bench", "scripts",
               ":!tests/unit/test_house_rules.py")
    assert out.returncode == 1 and out.stdout == "", out.stdout    # 1: git grep found nothing


def test_importing_the_screens_opens_no_window():
    """Nothing does I/O at import: importing the app's screens must not create Kivy's window
    (a module that imports TextInput at the top does, at the default 800×600, before the app
    or the tests configure it)."""
    import subprocess
    import sys
    code = ("import os, sys; os.environ['KIVY_NO_ARGS'] = '1'; os.environ['SDL_VIDEODRIVER'] = 'offscreen'; "
            "import screens.app; print('kivy.core.window' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(ROOT))
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout + out.stderr
