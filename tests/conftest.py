# SPDX-License-Identifier: Apache-2.0
"""Shared test helpers (tests/waiting.py, ...) are importable from every test folder.

Temp-file guard: each pytest process runs with a temp folder of its own (``TMPDIR`` for
the process and every child it starts: kiosks, CLIs, browsers), with Kivy's home in it.
When the session ends, anything our code names with a prefix in ``OUR_PREFIXES`` still
in that folder fails the session (exit status 1, names listed); other programs' leftovers
are only listed. Then the folder goes. pytest's own ``tmp_path`` folders stay where pytest
keeps and prunes them (``PYTEST_DEBUG_TEMPROOT``, the temp dir the session started with).

Skip guard: ``scripts/run-tests`` installs everything the suite needs, so a skipped test
means something is missing and a failure could hide behind it. Any skip fails the session
and is listed, unless ``EHALL_ALLOW_SKIPS=1`` (a developer's partial machine).
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# The names our code gives temp files and folders (mkdtemp/mkstemp prefixes): idr-sim- (ID-card
# reader simulator), ehall-* (A4 simulator spool, A4 fonts and jobs, the kiosk's Kivy home, the
# test cupsd, this file's session folder), kivy-home- (this file), bench-* (bench/).
OUR_PREFIXES = ("idr-sim-", "ehall-", "kivy-home-", "bench-")
# python-escpos' capabilities cache: one folder per user, reused by every run (by design).
NOT_LEAKS = ("ehall-escpos-",)
_ENV = ("TMPDIR", "KIVY_HOME", "PYTEST_DEBUG_TEMPROOT")
_state = pytest.StashKey[dict]()


def leftovers(folder: str, ignore: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(ours, others): the entries of ``folder`` with and without one of our prefixes."""
    names = sorted(n for n in os.listdir(folder) if n not in ignore and not n.startswith(NOT_LEAKS))
    ours = [n for n in names if n.startswith(OUR_PREFIXES)]
    return ours, [n for n in names if n not in ours]


def pytest_configure(config):
    if hasattr(config, "workerinput"):   # a pytest-xdist worker: it inherited the controller's TMPDIR,
        # which the controller checks once every worker has ended; Kivy's home is the worker's own
        # (Kivy makes its folders at import without a lock: two workers at once would collide)
        home = os.path.join(os.environ["KIVY_HOME"], config.workerinput["workerid"])
        os.makedirs(home, exist_ok=True)
        os.environ["KIVY_HOME"] = home
        return
    saved = {name: os.environ.get(name) for name in _ENV}
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
    folder = tempfile.mkdtemp(prefix="ehall-pytest-")
    os.chmod(folder, 0o711)   # like /tmp for other users (the test cupsd runs its filters as lp), not listable
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = None                   # gettempdir() reads TMPDIR again
    kivy_home = tempfile.mkdtemp(prefix="kivy-home-")
    os.environ["KIVY_HOME"] = kivy_home       # Kivy reads it at import (tests/ui/conftest.py)
    config.stash[_state] = {"saved": saved, "folder": folder, "kivy_home": os.path.basename(kivy_home),
                            "ours": [], "others": []}


def pytest_sessionfinish(session, exitstatus):
    """After every fixture's teardown, before atexit: what a test or fixture did not clean up."""
    state = session.config.stash.get(_state, None)
    if state is None:
        return
    state["ours"], state["others"] = leftovers(state["folder"], ignore=(state["kivy_home"],))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    state["skipped"] = [] if os.environ.get("EHALL_ALLOW_SKIPS") == "1" else [r.nodeid for r in skipped]
    if (state["ours"] or state["skipped"]) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state = config.stash.get(_state, None)
    if state is None:
        return
    if state["ours"]:
        terminalreporter.section("temp files left behind", sep="=", red=True, bold=True)
        terminalreporter.line("A test, fixture or the code under test did not remove these (session FAILED):",
                              red=True)
        for name in state["ours"]:
            terminalreporter.line(f"  {name}", red=True)
    if state.get("skipped"):
        terminalreporter.section("skipped tests", sep="=", red=True, bold=True)
        terminalreporter.line("The test command installs all the suite needs; a skip may hide a failure "
                              "(session FAILED; EHALL_ALLOW_SKIPS=1 allows skips on a partial machine):", red=True)
        for nodeid in state["skipped"]:
            terminalreporter.line(f"  {nodeid}", red=True)
    if state["others"]:
        terminalreporter.line("temp entries left by other programs (not ours, removed with the session's "
                              f"temp folder): {', '.join(state['others'])}", yellow=True)


def pytest_unconfigure(config):
    state = config.stash.get(_state, None)
    if state is None:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if state["ours"] and reporter is not None:   # after pytest's "N passed" line, the last word
        reporter.write_sep("=", f"FAILED: {len(state['ours'])} temp entries left behind (listed above)",
                           red=True, bold=True)
    shutil.rmtree(state["folder"], ignore_errors=True)
    for name, value in state["saved"].items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    tempfile.tempdir = None
