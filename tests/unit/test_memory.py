# SPDX-License-Identifier: Apache-2.0
"""Memory given back at each session's end (issue 18, docs/memory.md): counted in resident kB and in
calls, never timed."""
import pytest

from kiosk import memory
from kiosk.session import HOME, Session


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def test_after_end_runs_once_after_the_wipe_with_the_session_already_home():
    seen = []
    session = Session(60, 20, clock=Clock(), after_end=lambda: seen.append(
        ("after", session.route, session.search_text, session.ended_count)))
    session.on_wipe(lambda: seen.append(("wipe",)))
    session.go("search")
    session.search_text = "hx"
    session.end("finished")
    assert seen == [("wipe",), ("after", HOME, "", 1)]


def test_a_failing_after_end_step_does_not_stop_the_session_ending(caplog):
    def boom():
        raise RuntimeError("no trim today")

    session = Session(60, 20, clock=Clock(), after_end=boom)
    session.go("search")
    session.end("timeout")
    assert session.route == HOME and session.ended_count == 1
    assert "after-end step failed" in caplog.text


def test_the_kiosk_releases_memory_when_a_session_ends():
    from kiosk import config as config_mod
    from kiosk.core import Kiosk

    kiosk = Kiosk.build(config_mod.load())
    assert kiosk.session.after_end is memory.release


@pytest.mark.skipif(not memory.can_trim(), reason="no glibc malloc_trim on this system (musl, macOS)")
def test_release_hands_freed_heap_memory_back():
    """50 MB in 64 kB blocks (malloc's heap, under its mmap threshold), freed below one block that
    stays: free() alone cannot shrink the heap past the live block, release() must."""
    blocks = [bytearray(64 * 1024) for _ in range(800)]
    for b in blocks:
        b[::4096] = b"\x01" * len(b[::4096])      # touch every page: resident
    pin = bytearray(64 * 1024)
    pin[0] = 1
    del blocks
    before = memory.resident_kb()
    memory.release()
    after = memory.resident_kb()
    assert before - after >= 40 * 1024, (before, after)
    assert pin[0] == 1


def test_the_registered_native_frees_run_between_the_collection_and_the_trim(monkeypatch):
    """The UI's deferred GL deletes (screens/app.py) must free the driver's memory before the trim,
    or it stays in malloc's heap until the next citizen's end."""
    order = []
    monkeypatch.setattr(memory.gc, "collect", lambda *a: order.append("collect"))
    monkeypatch.setattr(memory, "_TRIM", lambda pad: order.append("trim"))
    monkeypatch.setattr(memory, "_NATIVE_FREES", [])

    def gl_deletes():
        order.append("native")

    memory.free_natively_before_trim(gl_deletes)
    memory.free_natively_before_trim(gl_deletes)        # registered once, however often asked
    memory.release()
    assert order == ["collect", "native", "trim"]


ARENAS = r'''
import ctypes, os, sys, threading
sys.path.insert(0, os.getcwd())
from kiosk import memory
if sys.argv[1] == "one":
    assert memory.one_arena()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]

def work():
    libc.free(libc.malloc(4096))
threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
fp = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
print(open(sys.argv[2]).read().count("<heap nr="))
'''


def test_one_arena_keeps_every_thread_in_malloc_s_main_arena(tmp_path):
    """GIVEN three threads that each allocate (glibc gives each thread an arena of its own, up to
    8 per core) WHEN the process called one_arena first THEN malloc_info lists one arena; without
    it, more (the kiosk calls it at its start: docs/memory.md, tenth round)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    counts = {}
    for mode in ("one", "default"):
        out = subprocess.run([sys.executable, "-c", ARENAS, mode, str(tmp_path / f"{mode}.xml")], cwd=root, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        counts[mode] = int(out.stdout.strip())
    assert counts["one"] == 1 and counts["default"] > 1, counts
