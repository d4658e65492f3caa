# SPDX-License-Identifier: Apache-2.0
"""ID-card reader figures (prints numbers; not a test).

    .venv/bin/python bench/bench_idcard.py [--rounds 20]

1. card on the reader → IdCard decoded (read_card) at 115200 baud over the pty:
   measured time vs. pure wire time (bytes × 10 / baud); target overhead ≤ 40 ms; rounds with
   the link's answer checks interleaved with rounds without (the baseline, same run); and a read
   whose select answer comes late (recovery: the select budget, then one retry).
2. card placed → ``card_inserted`` event with polling (adds the poll wait).
3. parser throughput on random and mutated frames (frames/s).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from drivers.base import DeviceError  # noqa: E402
from drivers.id_reader import answers  # noqa: E402
from drivers.id_reader import protocol as P  # noqa: E402
from drivers.id_reader.serial_backend import SerialIdCardReader  # noqa: E402
from drivers.id_reader.sim_cards import SimCard, demo_card  # noqa: E402
from drivers.id_reader.simulator import SimulatedIdReader  # noqa: E402
from drivers.id_reader.textblock import decode_card  # noqa: E402

BAUD = 115200


def ms(values):
    return f"median {statistics.median(values) * 1e3:6.1f} ms, min {min(values) * 1e3:6.1f}, max {max(values) * 1e3:6.1f}"


def bench_read(rounds: int) -> None:
    """Interleaved rounds with the link's answer checks (answers.fits) on and off: the baseline is
    the link as it was before it checked answers against their command, in the same run."""
    wire_bytes = 25 + 29 + 1305            # find + select + read base, request + answer (spec 8)
    wire = wire_bytes * 10 / BAUD
    times: dict[str, list[float]] = {"checked": [], "baseline": []}
    checked_fits = answers.fits
    with SimulatedIdReader(baud=BAUD) as sim:
        reader = SerialIdCardReader("bench", sim.path, BAUD, poll=False, read_addresses=False)
        reader.open()
        sim.place_card("resident")
        reader.read_card(1.0)              # warm up
        try:
            for i in range(2 * rounds):
                kind = "checked" if i % 2 else "baseline"
                answers.fits = checked_fits if kind == "checked" else (lambda *_: True)
                t0 = time.perf_counter()
                reader.read_card(2.0)
                times[kind].append(time.perf_counter() - t0)
        finally:
            answers.fits = checked_fits
        late = []
        for _ in range(max(3, rounds // 4)):
            sim.fail_next("late", command=P.SELECT_CARD)
            t0 = time.perf_counter()
            reader.read_card(3.0)
            late.append(time.perf_counter() - t0)
        reader.close()
    print(f"read_card at {BAUD} baud over a pty, {rounds} rounds each ({wire_bytes} bytes on the wire)")
    print(f"  wire time           {wire * 1e3:6.1f} ms")
    for kind, label in (("baseline", "baseline (no checks)"), ("checked", "answers checked")):
        over = [t - wire for t in times[kind]]
        print(f"  {label:22s}card → IdCard {ms(times[kind])}")
        print(f"  {'':22s}our overhead  {ms(over)}   (target ≤ 40 ms: "
              f"{'met' if statistics.median(over) <= 0.040 else 'MISSED'})")
    print(f"  checked − baseline  {(statistics.median(times['checked']) - statistics.median(times['baseline'])) * 1e3:+.1f} ms (medians)")
    print(f"  one late select answer (select budget {reader.timeouts['select'] * 1e3:.0f} ms, then a retry): {ms(late)}")


def bench_events(rounds: int) -> None:
    with SimulatedIdReader(baud=BAUD) as sim:
        reader = SerialIdCardReader("bench", sim.path, BAUD, poll_interval=0.25, removal_hold=0.05)
        got = threading.Event()
        reader.subscribe(lambda e: got.set() if e.kind in ("card_inserted", "card_removed") else None)
        reader.open()
        reader.wait_fresh_check(3)         # a card placed before the first probe would count as lying there
        times = []
        for i in range(rounds):
            time.sleep(random.uniform(0, 0.25))
            got.clear()
            t0 = time.perf_counter()
            sim.place_card("resident" if i % 2 else "hmt")
            got.wait(3)
            times.append(time.perf_counter() - t0)
            got.clear()
            sim.remove_card()
            got.wait(3)
        reader.close()
    print(f"card placed → card_inserted event, poll interval 250 ms, {rounds} rounds (includes find + address probe)")
    print(f"  {ms(times)}")


def bench_fuzz(count: int) -> None:
    rng = random.Random(1)
    good = P.build_response(0x90, P.build_base_message(SimCard.from_card(demo_card("resident")).text, bytes(1024)))
    frames = []
    for i in range(count):
        if i % 2:
            frames.append(rng.randbytes(rng.randrange(1400)))
        else:
            f = bytearray(good)
            for _ in range(rng.randrange(1, 4)):
                f[rng.randrange(len(f))] = rng.randrange(256)
            f[-1] = P.checksum(bytes(f[5:-1])) if i % 4 == 0 else f[-1]
            frames.append(bytes(f))
    codes: dict[str, int] = {}
    t0 = time.perf_counter()
    for f in frames:
        try:
            msg = P.parse_base_message(P.parse_response(f).expect().data)
            decode_card(msg.text, msg.photo)
            codes["decoded"] = codes.get("decoded", 0) + 1
        except DeviceError as exc:
            codes[exc.code] = codes.get(exc.code, 0) + 1
    elapsed = time.perf_counter() - t0
    print(f"parser on {count} random/mutated frames: {count / elapsed:,.0f} frames/s")
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items(), key=lambda kv: -kv[1])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--frames", type=int, default=50000)
    args = ap.parse_args()
    bench_read(args.rounds)
    bench_events(max(4, args.rounds // 2))
    bench_fuzz(args.frames)


if __name__ == "__main__":
    main()
