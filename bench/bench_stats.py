# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics (issue 12 part 5): what counting costs the kiosk, and what storing and
reading them costs the hub.

* **kiosk**: ``--searches`` searches through ``Kiosk.search`` on the bundled catalogue, each
  followed by opening its first result (a session route change), with the statistics' feed
  subscribed and, as the baseline in the same run, without it: p50/p95 per search+open.
* **hub, store**: ``--kiosks`` terminals each send ``--days`` days (50 top and 50 zero-result
  queries a day) to ``StatsStore.put`` on SQLite: p50/p95 per put (one day of one terminal).
* **hub, read**: what ``GET /api/stats`` does for 30 days of all terminals (rows, summary, the
  top 20 and zero-result 20 queries), against one terminal's 30 days as the baseline.

    .venv/bin/python bench/bench_stats.py [--searches 400] [--kiosks 200] [--days 30]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = ["低保", "社保", "医保", "公积金", "身份证", "户口", "护照", "营业执照", "不动产", "残疾",
           "养老", "退休", "居住证", "驾驶证", "出生", "结婚", "dibao", "shebao", "yibao", "gongjijin"]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def kiosk_side(searches: int) -> None:
    from kiosk import config
    from kiosk.core import Kiosk
    from kiosk.ops.stats import HallCounter
    from kiosk.ops.stats_feed import StatsFeed

    kiosk = Kiosk.build(config.load())
    kiosk.search("低保")                       # warm

    def run(n: int) -> list[float]:
        out = []
        for i in range(n):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            kiosk.session.go("search")
            hits = kiosk.search(q).hits
            if hits:
                kiosk.session.go("item", id=hits[0].item.id)
            out.append(time.perf_counter() - t)
            if i % 5 == 4:
                kiosk.session.end("finished")
        return out
    base = run(searches)
    counter = HallCounter()
    feed = StatsFeed(kiosk, counter).start()
    fed = run(searches)
    feed.stop()
    print(f"kiosk: search + open, {searches} each: without statistics p50 {1e3 * pct(base, 50):.3f} ms, "
          f"p95 {1e3 * pct(base, 95):.3f} ms; with p50 {1e3 * pct(fed, 50):.3f} ms, p95 {1e3 * pct(fed, 95):.3f} ms "
          f"(counted: {counter.days()[0]['searches']} searches, {counter.days()[0]['sessions']} sessions)")


def hub_side(kiosks: int, days: int) -> None:
    from helpdesk.orders import OrderStore, upgrade
    from helpdesk.stats import StatsStore, parse_days
    from helpdesk.stats_api import TOP, summary

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/orders.db"
        upgrade(url)
        store = StatsStore(OrderStore(url).engine)
        today = dt.date.today()
        puts = []
        for d in range(days):
            on = today - dt.timedelta(days=days - 1 - d)
            for k in range(kiosks):
                msg = {"days": [{"day": on.isoformat(), "rev": 100, "sessions": 40 + k % 7, "searches": 80,
                                 "zero_searches": 9, "calls": 3, "calls_answered": 2, "call_wait_s": 90,
                                 "ratings": {"5": 4, "2": 1}, "call_outcomes": {"answered": 2, "timeout": 1},
                                 "queries": [[f"查询{(k + i) % 80}", 50 - i] for i in range(50)],
                                 "zero_queries": [[f"没有{(k + i) % 60}", 10] for i in range(50)]}]}
                parsed = parse_days(msg, today)
                t = time.perf_counter()
                store.put(f"EHALL-{k:03d}", parsed)
                puts.append(time.perf_counter() - t)
        print(f"hub store (SQLite): {len(puts)} puts of one terminal-day: p50 {1e3 * pct(puts, 50):.2f} ms, "
              f"p95 {1e3 * pct(puts, 95):.2f} ms")
        start = today - dt.timedelta(days=29)

        def read(terminal: str | None) -> float:
            t = time.perf_counter()
            summary(store.days(start, today, terminal), start, today)
            store.top_queries(start, today, False, terminal, TOP)
            store.top_queries(start, today, True, terminal, TOP)
            return time.perf_counter() - t
        one = [read("EHALL-001") for _ in range(5)]
        every = [read(None) for _ in range(5)]
        print(f"hub read, 30 days: one terminal median {1e3 * statistics.median(one):.1f} ms; "
              f"all {kiosks} terminals median {1e3 * statistics.median(every):.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--searches", type=int, default=400)
    ap.add_argument("--kiosks", type=int, default=200)
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args()
    kiosk_side(args.searches)
    hub_side(args.kiosks, args.days)


if __name__ == "__main__":
    main()
