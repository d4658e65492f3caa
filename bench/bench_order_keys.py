# SPDX-License-Identifier: Apache-2.0
"""Work orders encrypted by default, and the key replaced (issue 11): what it costs.

Run:  .venv/bin/python bench/bench_order_keys.py [--orders 10000] [--timed 1000] [--photo-every 5]
                                                 [--lookups 300]

On SQLite in a temp folder, a plain and a sealed store get the same ``--timed`` orders (a
120-character description, a name and a phone; every 2nd a reply and a helper's note; a 30 kB
photo on every ``--photo-every``-th one), each submit timed; the sealed store is then filled up to
``--orders`` the same way but with ``synchronous = OFF`` (only to save the bench's time).

- plain (``orders_plaintext = true``), sealed (the default: one key), and the sealed one again
  after ``orders rotate-key`` (two keys: a lookup tries both keys' hashes);
- submit: ``OrderStore.submit_order``, what the hub's ``POST /api/records`` calls for an order
  (bench/bench_records.py times the whole HTTP path);
- status page: ``POST /orders/status`` with number and 查询码, the real handler (aiohttp, the
  store call in a thread) on a loopback port in this process; after the rotation once for orders
  still keyed with the old key (found by its hash, then keyed with the new one: a write) and once
  more for the same orders (keyed with the new key now);
- rotate-key: :func:`helpdesk.order_keys.rotate_key` on the ``--orders`` sealed orders (what
  ``ehall-helpdesk orders rotate-key`` runs after its checks: the key file rewritten, every sealed
  value sealed again in batches), then ``orders reseal`` again (nothing left to do).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from helpdesk.order_crypt import OrderCipher, keygen  # noqa: E402
from helpdesk.order_keys import reseal_report, rotate_key  # noqa: E402
from helpdesk.orders import OrderStore, upgrade  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_order_store import _photo  # noqa: E402 - the same noise JPEG as the order-store bench

NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone.utc)


def _ms(times: list[float]) -> str:
    q = statistics.quantiles(times, n=20)
    return f"p50 {statistics.median(times) * 1000:6.2f} ms  p95 {q[18] * 1000:6.2f} ms"


def fill(store: OrderStore, start: int, n: int, photo_every: int) -> tuple[list[float], list[tuple[str, str]]]:
    photo, submit, found = _photo(), [], []
    for i in range(start, n):
        rec = {"id": f"rec{i:06d}", "category": "求助", "description": "护照丢了，想问补办流程。" * 10,
               "phone": "13912345678", "name_masked": "张*三",
               "photos": [photo] if photo_every and i % photo_every == 0 else []}
        t = time.perf_counter()
        receipt = store.submit_order(rec, "EHALL-01", NOW + dt.timedelta(seconds=i))
        submit.append(time.perf_counter() - t)
        found.append((receipt.number, receipt.code or ""))
        if i % 2 == 0:
            store.act(receipt.id, "h01", "return", "已电话联系王女士，明早回访", NOW)
            store.act(receipt.id, "h01", "reply", "请带身份证到三号窗口补办护照", NOW)
    return submit, found


async def _pages(store: OrderStore, codes: list[tuple[str, str]]) -> list[float]:
    from aiohttp import ClientSession, web
    from helpdesk.status_page import StatusPage
    app = web.Application()
    StatusPage(store, time.monotonic, lambda request: "127.0.0.1").install(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]          # type: ignore[union-attr]
    took = []
    try:
        async with ClientSession() as http:
            for number, code in codes:
                t = time.perf_counter()
                async with http.post(f"http://127.0.0.1:{port}/orders/status",
                                     data={"number": number, "code": code}) as answer:
                    page = await answer.text()
                took.append(time.perf_counter() - t)
                assert answer.status == 200 and number in page, answer.status
    finally:
        await runner.cleanup()
    return took


def pages(store: OrderStore, codes: list[tuple[str, str]]) -> list[float]:
    return asyncio.run(_pages(store, codes))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10000, help="orders in the sealed store (the rotation's)")
    ap.add_argument("--timed", type=int, default=1000, help="orders submitted and timed in each store")
    ap.add_argument("--photo-every", type=int, default=5, help="a 30 kB photo on every Nth order (0: none)")
    ap.add_argument("--lookups", type=int, default=300, help="status-page lookups timed per case")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = keygen(folder / "orders.key")
        rows = []
        for name, cipher in (("plain (orders_plaintext = true)", None), ("sealed (default, one key)",
                                                                          OrderCipher.load(key))):
            url = f"sqlite:///{folder / ('sealed.db' if cipher else 'plain.db')}"
            upgrade(url)
            store = OrderStore(url, cipher=cipher)
            submit, codes = fill(store, 0, args.timed, args.photo_every)
            if cipher is not None and args.orders > args.timed:      # the rest for the rotation, faster
                fast = OrderStore(url, cipher=cipher)
                sa.event.listen(fast.engine, "connect", lambda c, _r: c.execute("PRAGMA synchronous = OFF"))
                fill(fast, args.timed, args.orders, args.photo_every)
                fast.engine.dispose()
            step = max(1, len(codes) // args.lookups)
            sample = codes[::step][:args.lookups]
            rows.append((name, _ms(submit), _ms(pages(store, sample))))
            if cipher is None:
                store.engine.dispose()
        size = os.path.getsize(folder / "sealed.db")
        t = time.perf_counter()
        said = rotate_key(key, store.engine)
        rotated = time.perf_counter() - t
        t = time.perf_counter()
        again = reseal_report(key, store.engine)
        resealed = time.perf_counter() - t
        old_keyed = pages(store, sample)             # keyed with the old key: found, then keyed anew
        new_keyed = pages(store, sample)             # the same codes again: the new key's hash
        store.engine.dispose()
    print(f"{args.timed} orders timed per store ({args.orders} in the sealed one: the rest filled without fsync), "
          f"a photo on every {args.photo_every or 'no'}th, every 2nd with a reply and a note; "
          f"sealed store {size / 1e6:.1f} MB")
    for name, submit_ms, page_ms in rows:
        print(f"{name:<34} submit {submit_ms}   status page {page_ms}")
    print(f"{'after rotate-key, old-key hash':<34} {'':<39}   status page {_ms(old_keyed)}")
    print(f"{'after rotate-key, new-key hash':<34} {'':<39}   status page {_ms(new_keyed)}")
    print(f"rotate-key: {rotated:.1f} s ({said[1]})")
    print(f"reseal again: {resealed:.2f} s ({again[0]})")


if __name__ == "__main__":
    main()
