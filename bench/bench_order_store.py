# SPDX-License-Identifier: Apache-2.0
"""Work orders at rest on the hub (issue 11): what encryption and the retention sweep cost.

Run:  .venv/bin/python bench/bench_order_store.py [--orders N]

On SQLite in a temp folder, the same N orders (a 120-character description, one 30 kB photo)
are submitted to a plain store (the baseline, same run) and to one with ``order_key_file``
(phone, name, description and photo sealed with Fernet, the 查询码 hash keyed); then the 查询码
lookup and a helper's view of one order are timed on both, and finally the retention sweep
deletes the N closed orders (with their photos, audit rows and notices) in one run.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from helpdesk.order_crypt import OrderCipher, keygen  # noqa: E402
from helpdesk.orders import OrderStore, upgrade  # noqa: E402
from helpdesk.retention import sweep  # noqa: E402

NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def _photo() -> str:
    out = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(out, "JPEG", quality=90)
    return base64.b64encode(out.getvalue()).decode()


def _ms(times: list[float]) -> str:
    q = statistics.quantiles(times, n=20)
    return f"p50 {statistics.median(times) * 1000:.2f} ms, p95 {q[18] * 1000:.2f} ms"


def run(folder: Path, n: int, cipher: OrderCipher | None) -> dict[str, object]:
    url = f"sqlite:///{folder / ('sealed.db' if cipher else 'plain.db')}"
    upgrade(url)
    store = OrderStore(url, cipher=cipher)
    from helpdesk.orders_console import OrdersConsole
    from helpdesk.accounts import Accounts
    console = OrdersConsole(store, Accounts(str(folder / "hub.sqlite3")))
    photo, submit, codes = _photo(), [], []
    for i in range(n):
        rec = {"id": f"rec{i:06d}", "category": "求助", "description": "护照丢了，想问补办流程。" * 10,
               "phone": "13912345678", "name_masked": "张*三", "photos": [photo]}
        t = time.perf_counter()
        receipt = store.submit_order(rec, "EHALL-01", NOW)
        submit.append(time.perf_counter() - t)
        codes.append((receipt.id, receipt.code))
    lookup, view = [], []
    for order_id, code in codes[:200]:
        t = time.perf_counter()
        store.status(code)
        lookup.append(time.perf_counter() - t)
        t = time.perf_counter()
        console.one(order_id)
        view.append(time.perf_counter() - t)
    for order_id, _code in codes:
        store.act(order_id, "h01", "close", "", NOW + dt.timedelta(days=1))
    t = time.perf_counter()
    result = sweep(store, 730, NOW + dt.timedelta(days=800))
    took = time.perf_counter() - t
    store.engine.dispose()
    return {"submit": _ms(submit), "lookup": _ms(lookup), "view": _ms(view),
            "sweep": f"{result.orders} orders in {took:.2f} s ({took / max(1, result.orders) * 1000:.2f} ms each)"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cipher = OrderCipher.load(keygen(folder / "orders.key"))
        for name, c in (("plain (baseline)", None), ("sealed (order_key_file)", cipher)):
            figures = run(folder, args.orders, c)
            print(f"{name}: submit {figures['submit']}; 查询码 lookup {figures['lookup']}; "
                  f"helper's view {figures['view']}; retention sweep {figures['sweep']}")


if __name__ == "__main__":
    main()
