# SPDX-License-Identifier: Apache-2.0
"""工单 submit → acknowledged by the hub, on loopback (issue 11's target: p50 ≤ 50 ms).

Run:  .venv/bin/python bench/bench_records.py [--orders N]

The real hub (aiohttp, the kiosk's token, the SQLAlchemy store on SQLite) runs in a subprocess;
the kiosk side is the one the screens use: RecordsService.submit_order (the order sealed and on
disk with synchronous=FULL) → the outbox's sender thread → http_sender → the hub's answer
(wait_sent). Baseline in the same run: the same order POSTed straight with requests (no outbox,
no disk, no thread hop). Also the time of the durable put alone.
"""
from __future__ import annotations

import argparse
import datetime as dt
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HUB = """
import sys
from aiohttp import web
from helpdesk.config import parse
from helpdesk.hub import Hub, make_app
from helpdesk.orders import OrderStore
cfg = parse({"db_path": sys.argv[1], "orders_url": sys.argv[2], "startup_grace_seconds": 0}, "bench")
web.run_app(make_app(Hub(cfg, orders=OrderStore(cfg.orders_url))), host="127.0.0.1", port=int(sys.argv[3]),
            print=None)
"""


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(label: str, xs: list[float]) -> None:
    print(f"{label:<44} p50 {statistics.median(xs):7.2f} ms   p95 {pct(xs, 95):7.2f} ms   (n={len(xs)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=200)
    args = ap.parse_args()
    import requests

    from helpdesk.kiosks import KioskRegistry
    from helpdesk.orders import upgrade
    from kiosk.records import Outbox, WorkCalendar, new_key
    from kiosk.records.outbox import http_sender
    from kiosk.records.service import RecordsService

    with tempfile.TemporaryDirectory() as tmp:
        db, orders_url, port = f"{tmp}/hub.sqlite3", f"sqlite:///{tmp}/orders.db", _free_port()
        upgrade(orders_url)
        token = KioskRegistry(db).add("BENCH-01")[0]
        hub = subprocess.Popen([sys.executable, "-c", HUB, db, orders_url, str(port)], cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    requests.get(base + "/healthz", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
            box = Outbox(Path(tmp) / "outbox.db", new_key())
            service = RecordsService(box, WorkCalendar(), "BENCH-01", base + "/orders/status",
                                     {"咨询": 5, "求助": 5, "投诉": 15, "建议": 15}, today=lambda: dt.date(2026, 12, 4))
            send = http_sender(base + "/api/records", "BENCH-01", token, on_answer=service.on_answer,
                               session=requests.Session())
            service.start(send, first_pause=0.05)
            acked, puts = [], []
            for n in range(args.orders):
                t0 = time.perf_counter()
                done = service.submit_order("咨询", f"第{n}个问题：社保卡怎么补办", "13912345678")
                t1 = time.perf_counter()
                sent = service.wait_sent(done.record_id, 10)
                t2 = time.perf_counter()
                assert sent is not None and sent.taken, "the hub did not take an order"
                puts.append((t1 - t0) * 1000)
                acked.append((t2 - t0) * 1000)
            service.stop()
            direct = []
            session = requests.Session()
            headers = {"Authorization": f"Bearer {token}", "X-Ehall-Terminal": "BENCH-01"}
            for n in range(args.orders):
                body = {"id": f"direct{n:026d}", "kind": "order", "phone": "13912345678",
                        "payload": {"category": "咨询", "description": f"第{n}个问题", "deadline": "2026-12-11"}}
                t0 = time.perf_counter()
                r = session.post(base + "/api/records", json=body, headers=headers, timeout=10)
                direct.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
        finally:
            hub.terminate()
            hub.wait(10)
    report("outbox put (sealed, synchronous=FULL)", puts)
    report("submit → acknowledged by the hub (outbox)", acked)
    report("baseline: POST straight to the hub", direct)


if __name__ == "__main__":
    main()
