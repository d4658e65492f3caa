# SPDX-License-Identifier: Apache-2.0
"""工单 submit → the hub's answer with SMS notices on, against a slow gateway, and without them
(issue 11: a notice never holds up the request that caused it).

Run:  .venv/bin/python bench/bench_sms.py [--orders N] [--gateway-ms MS]

Two real hubs in subprocesses, one after the other, on SQLite: one without ``[sms]`` (the
baseline), one with ``[sms]`` pointing at a local gateway that takes ``--gateway-ms`` per text.
Each gets the same orders POSTed straight to /api/records (requests, one kiosk). For the hub with
SMS: how long after the last answer the gateway had every text.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_records import ROOT, _free_port, pct  # noqa: E402

HUB = """
import json, sys
from aiohttp import web
from helpdesk.config import parse
from helpdesk.hub import Hub, make_app
from helpdesk.orders import OrderStore
raw = {"db_path": sys.argv[1], "orders_url": sys.argv[2], "startup_grace_seconds": 0}
if sys.argv[4] != "-":
    raw["sms"] = json.loads(sys.argv[4])
cfg = parse(raw, "bench")
web.run_app(make_app(Hub(cfg, orders=OrderStore(cfg.orders_url))), host="127.0.0.1", port=int(sys.argv[3]),
            print=None)
"""


def gateway(delay_s: float):
    taken: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(delay_s)                 # a slow gateway (this is a benchmark, not a test)
            taken.append(time.perf_counter())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, taken


def run_hub(tmp: str, name: str, sms: dict | None, orders: int) -> tuple[list[float], float, subprocess.Popen]:
    """POSTs the orders; the answer times, when the last came, and the hub (still running)."""
    import requests

    from helpdesk.kiosks import KioskRegistry
    from helpdesk.orders import upgrade

    db, orders_url, port = f"{tmp}/{name}.sqlite3", f"sqlite:///{tmp}/{name}-orders.db", _free_port()
    upgrade(orders_url)
    token = KioskRegistry(db).add("BENCH-01")[0]
    hub = subprocess.Popen([sys.executable, "-c", HUB, db, orders_url, str(port),
                            json.dumps(sms) if sms else "-"], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}", "X-Ehall-Terminal": "BENCH-01"}
        times = []
        for n in range(orders):
            body = {"id": f"{name}{n:020d}", "kind": "order", "phone": "13912345678",
                    "payload": {"category": "咨询", "description": f"第{n}个问题", "deadline": "2026-12-11"}}
            t0 = time.perf_counter()
            r = session.post(base + "/api/records", json=body, headers=headers, timeout=30)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        return times, time.perf_counter(), hub
    except BaseException:
        stop(hub)
        raise


def stop(hub: subprocess.Popen) -> None:
    hub.terminate()
    hub.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100)
    ap.add_argument("--gateway-ms", type=float, default=200.0)
    args = ap.parse_args()
    server, taken = gateway(args.gateway_ms / 1000)
    url = f"http://127.0.0.1:{server.server_address[1]}/send"
    with tempfile.TemporaryDirectory() as tmp:
        off, _, hub = run_hub(tmp, "off", None, args.orders)
        stop(hub)
        on, last_answer, hub = run_hub(tmp, "on", {"enabled": True, "url": url, "timeout_seconds": 10,
                                                  "status_url": "https://h.example/orders/status"}, args.orders)
        try:
            limit = time.monotonic() + args.orders * (args.gateway_ms / 1000 + 0.5) + 30
            while len(taken) < args.orders and time.monotonic() < limit:
                time.sleep(0.05)
        finally:
            stop(hub)
    server.shutdown()
    for label, xs in (("POST /api/records, no [sms] (baseline)", off),
                      (f"POST /api/records, [sms] on, gateway {args.gateway_ms:.0f} ms", on)):
        print(f"{label:<48} p50 {statistics.median(xs):7.2f} ms   p95 {pct(xs, 95):7.2f} ms   (n={len(xs)})")
    print(f"texts the gateway took: {len(taken)} of {args.orders}; the last "
          f"{(max(taken) - last_answer):.1f} s after the last answer" if taken else "the gateway took no text")


if __name__ == "__main__":
    main()
