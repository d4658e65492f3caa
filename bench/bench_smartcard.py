# SPDX-License-Identifier: Apache-2.0
"""Smart-card figures through a real pcscd + vpcd (prints numbers; not a test).

    .venv/bin/python bench/bench_smartcard.py [--rounds 20] [--poll 0.25]

1. virtual card connected to vpcd → ``card_inserted`` (ATR, UID, SSC read done): includes
   pcscd's presence poll of the vpcd reader (pcsc-lite polls readers without event support
   every 400 ms), so expect 0–0.4 s plus the APDUs.
2. card disconnected → ``card_removed``.
3. pcscd restarted → driver READY again (its poll, pcscd's start-up and the vpcd listener).
Needs the Debian packages pcscd and vsmartcard-vpcd, and no other pcscd running.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "smartcard")]

from sc_helpers import EventLog, wait_state  # noqa: E402
from sc_vpcd import Pcscd, VpcdCard, foreign_pcscd, tools_missing  # noqa: E402

from drivers.base import DeviceState  # noqa: E402
from drivers.smartcard import open_smartcard  # noqa: E402
from drivers.smartcard import simulator as S  # noqa: E402


def _stats(name: str, xs: list[float]) -> None:
    xs = sorted(x * 1000 for x in xs)
    print(f"{name:34} n={len(xs):3}  median {statistics.median(xs):7.1f} ms  "
          f"p90 {xs[int(0.9 * (len(xs) - 1))]:7.1f} ms  max {xs[-1]:7.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--poll", type=float, default=0.25)
    args = ap.parse_args()
    why = tools_missing() or (f"another pcscd (pid {foreign_pcscd()}) is running" if foreign_pcscd() else None)
    if why:
        print(f"skipped: {why}")
        return 1
    workdir = tempfile.TemporaryDirectory(prefix="bench-pcscd-")
    daemon = Pcscd(Path(workdir.name)).start()
    card = VpcdCard(daemon.port)
    reader = open_smartcard("smartcard", "pcsc://Virtual", poll=args.poll)
    log = EventLog()
    reader.subscribe(log)
    ins, rem, restart = [], [], []
    try:
        for i in range(args.rounds):
            m = log.mark()
            t0 = time.monotonic()
            card.insert(S.profile("ssc" if i % 2 else "badge"))
            e = log.wait("card_inserted", after=m, timeout=5)
            ins.append(e.at - t0)
            m = log.mark()
            t0 = time.monotonic()
            card.remove()
            e = log.wait("card_removed", after=m, timeout=5)
            rem.append(e.at - t0)
            time.sleep(0.05)
        for _ in range(max(3, args.rounds // 5)):
            t0 = time.monotonic()
            daemon.restart()
            time.sleep(0.05)
            wait_state(reader, DeviceState.READY, 10)
            m = log.mark()
            card.insert(S.profile("badge"))
            log.wait("card_inserted", after=m, timeout=10)
            restart.append(time.monotonic() - t0)
            card.remove()
            log.wait("card_removed", after=m, timeout=5)
    finally:
        reader.close()
        card.remove()
        daemon.stop()
        workdir.cleanup()
    print(f"pcscd + vpcd, driver poll {args.poll} s, pid {os.getpid()}")
    _stats("insert -> card_inserted", ins)
    _stats("remove -> card_removed", rem)
    _stats("pcscd restart -> next card read", restart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
