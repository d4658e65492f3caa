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
