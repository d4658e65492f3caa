# SPDX-License-Identifier: Apache-2.0
"""The admin screen's 运行日志 from journald (issue 12): what reading the kiosk unit's last 200
lines costs when the section is tapped (on the UI thread), from a journal file of ``--entries``
entries of which one in three is the kiosk unit's (written by systemd-journal-remote from export
entries, as tests/journal_kit.py does), against the process ring as the baseline in the same run.

    .venv/bin/python bench/bench_journal_log.py [--entries 60000] [--rounds 15]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from journal_kit import export_entry, journal_file  # noqa: E402

from kiosk.ops.admin_system import LogRing  # noqa: E402
from kiosk.ops.journal_log import JournalLog  # noqa: E402


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=60000)
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    ring = LogRing()
    for i in range(200):
        ring.ring.append(f"12:00:00 I kiosk: line {i}")
    with tempfile.TemporaryDirectory() as tmp:
        entries = [export_entry(i, f"line {i}: reader saw 370102199001011234",
                                unit="ehall-kiosk.service" if i % 3 == 0 else "other.service")
                   for i in range(a.entries)]
        path = journal_file(Path(tmp) / "kiosk.journal", entries)
        journal = JournalLog(ring, 200, files=[str(path)], env={})
        assert len(journal.view().lines) == 200
        for name, fn in (("journal", journal.view), ("ring (baseline)", JournalLog(ring, 200, env={}).view)):
            ts = timed(fn, a.rounds)
            print(f"{name:16} 200 lines: p50 {statistics.median(ts):.2f} ms, max {max(ts):.2f} ms")


if __name__ == "__main__":
    main()
