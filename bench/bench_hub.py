# SPDX-License-Identifier: Apache-2.0
"""Request-to-ring latency of the helpdesk hub over loopback WebSockets.

18 helpers and 200 kiosks connect to a hub running in a child process on
127.0.0.1. Helpers auto-accept each ring and hang up at once, so the queue
drains. Two figures:

* ``free``: kiosks ask in waves of 18 while every helper is free; time from the
  kiosk's ``request`` to the helper's ``ring`` (the hub's own dispatch path).
* ``burst``: all 200 kiosks ask at once; time to the kiosk's first answer
  (``ringing`` or ``queued``), and to the ring for the 18 served at once.

Kiosks are registered first (as ``ehall-helpdesk kiosks add`` does, same scrypt
cost) and connect with their tokens; the time until all of them are admitted (as
after a hub restart) is printed too.

``--hostile N``: meanwhile three attackers run in another process:

* N loops on 127.0.0.2 open kiosk sockets with a wrong token for a registered terminal,
  as a broken or hostile device would (``kiosk_unauthorized``, then ``kiosk_throttled``);
* a login burst from 127.0.0.3: N × 5 parallel wrong passwords for h00, again and again
  (429 after 5; the figures count how many were really checked);
* idle sockets from 127.0.0.4: up to ``--idle 300`` WebSocket upgrades that never say
  hello, reopened when the hub closes them (cap per address, 10 s deadline).

Under attack the bench also measures **admission**: a fresh helper login (HTTP login,
then the console socket's welcome) and a fresh kiosk hello, 10 of each, and prints the
hub's RSS (VmRSS and its peak VmHWM) at the end.

    .venv/bin/python bench/bench_hub.py [--kiosks 200] [--helpers 18] [--inprocess] [--hostile 8]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup(db: str, helpers: int, kiosks: int) -> tuple[dict, dict]:
    from helpdesk.accounts import Accounts
    from helpdesk.kiosks import KioskRegistry
    acc = Accounts(db, scrypt_n=2 ** 4)
    tokens = {}
    for i in range(helpers):
        name = f"h{i:02d}"
        acc.add(name, "password-" + name)
        tokens[name] = acc.login(name, "password-" + name)
    acc.add("spare", "password-spare")         # logs in under attack (admission figures)
    registry = KioskRegistry(db)
    kiosk_tokens = {f"K{i:03d}": registry.add(f"K{i:03d}")[0] for i in range(kiosks)}
    return tokens, kiosk_tokens, registry.add("X001")[0]


def _make_app(db: str):
    from helpdesk.config import parse
    from helpdesk.hub import Hub, make_app
    cfg = parse({"db_path": db, "max_wait_seconds": 3600, "startup_grace_seconds": 0,
                 "connections_per_address": 400})  # genuine kiosks all share 127.0.0.1 here
    return make_app(Hub(cfg))


def _serve(db: str, port: int) -> None:
    from aiohttp import web
    web.run_app(_make_app(db), host="127.0.0.1", port=port, print=None, handle_signals=True)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(label: str, xs: list[float]) -> None:
    ms = [x * 1000 for x in xs]
    print(f"{label:<34} n={len(ms):4d}  p50={pct(ms, 50):7.2f} ms  p95={pct(ms, 95):7.2f} ms"
          f"  max={max(ms):7.2f} ms  mean={statistics.mean(ms):6.2f} ms")


async def hostile(base: str, terminal_id: str, loops: int, stop, ready, codes: dict) -> None:
    """``loops`` sockets at a time from 127.0.0.2, each with a wrong token, until ``stop``."""
    conn = aiohttp.TCPConnector(limit=0, local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(connector=conn) as http:
        async def one() -> None:
            while not stop.is_set():
                try:
                    async with http.ws_connect(f"{base}/ws/kiosk", headers={
                            "Authorization": "Bearer " + "x" * 43}) as ws:
                        await ws.send_json({"type": "hello", "terminal_id": terminal_id})
                        async for msg in ws:
                            code = json.loads(msg.data).get("code", "?")
                            codes[code] = codes.get(code, 0) + 1
                            ready.set()
                except aiohttp.ClientError:
                    codes["connect_failed"] = codes.get("connect_failed", 0) + 1
        await asyncio.gather(*(one() for _ in range(loops)))


async def login_burst(base: str, loops: int, stop, codes: dict) -> None:
    """Bursts of ``loops`` × 5 parallel wrong passwords for h00 from 127.0.0.3."""
    conn = aiohttp.TCPConnector(limit=0, local_addr=("127.0.0.3", 0))
    async with aiohttp.ClientSession(connector=conn) as http:
        async def guess(i: int) -> None:
            try:
                async with http.post(f"{base}/api/login",
                                     json={"name": "h00", "password": f"guess-{i}"}) as r:
                    codes[f"login_{r.status}"] = codes.get(f"login_{r.status}", 0) + 1
            except aiohttp.ClientError:
                codes["login_failed"] = codes.get("login_failed", 0) + 1
        n = 0
        while not stop.is_set():
            await asyncio.gather(*(guess(n + i) for i in range(loops * 5)))
            n += loops * 5


async def idle_sockets(base: str, count: int, stop, codes: dict) -> None:
    """Up to ``count`` WebSocket upgrades from 127.0.0.4 that never identify."""
    conn = aiohttp.TCPConnector(limit=0, local_addr=("127.0.0.4", 0))
    async with aiohttp.ClientSession(connector=conn) as http:
        async def one(i: int) -> None:
            path = "/ws/kiosk" if i % 2 else "/ws/helper"
            while not stop.is_set():
                try:
                    async with http.ws_connect(f"{base}{path}") as ws:
                        codes["idle_open"] = codes.get("idle_open", 0) + 1
                        async for _msg in ws:
                            pass
                        codes["idle_closed_by_hub"] = codes.get("idle_closed_by_hub", 0) + 1
                except aiohttp.WSServerHandshakeError as e:
                    codes[f"idle_{e.status}"] = codes.get(f"idle_{e.status}", 0) + 1
                    await asyncio.sleep(1)              # the attacker retries every second
                except aiohttp.ClientError:
                    codes["idle_failed"] = codes.get("idle_failed", 0) + 1
                    await asyncio.sleep(1)
        await asyncio.gather(*(one(i) for i in range(count)))


def _hostile(base: str, terminal_id: str, loops: int, idle: int, stop, ready, out) -> None:
    """The attackers: their own process, so they do not slow the genuine clients."""
    codes: dict[str, int] = {}
    t0 = time.perf_counter()

    async def all_three() -> None:
        await asyncio.gather(hostile(base, terminal_id, loops, stop, ready, codes),
                             login_burst(base, loops, stop, codes),
                             idle_sockets(base, idle, stop, codes))
    asyncio.run(all_three())
    out.put((codes, time.perf_counter() - t0))


async def admission(base: str, http, helper: str, password: str, kiosk: str,
                    kiosk_token: str, n: int = 10) -> None:
    """A fresh helper login (HTTP + console welcome) and a fresh kiosk hello, ``n`` times."""
    helper_t, kiosk_t = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        async with http.post(f"{base}/api/login", json={"name": helper,
                                                         "password": password}) as r:
            if r.status != 200:
                raise SystemExit(f"helper {helper} could not log in under attack: {r.status}")
            token = (await r.json())["token"]
        async with http.ws_connect(f"{base}/ws/helper") as ws:
            await ws.send_json({"type": "login", "token": token})
            if (await ws.receive_json(timeout=30))["type"] != "welcome":
                raise SystemExit("helper console refused under attack")
            helper_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        async with http.ws_connect(f"{base}/ws/kiosk", headers={
                "Authorization": f"Bearer {kiosk_token}"}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": kiosk})
            if (await ws.receive_json(timeout=30))["type"] != "welcome":
                raise SystemExit("kiosk refused under attack")
            kiosk_t.append(time.perf_counter() - t0)
    report("admit: helper login -> welcome", helper_t)
    report("admit: kiosk hello -> welcome", kiosk_t)


async def run(base: str, tokens: dict[str, str], kiosk_tokens: dict[str, str],
              hostile_loops: int = 0, idle_n: int = 300, hub_pid: int | None = None,
              spare: str = "") -> None:
    n_kiosks = len(kiosk_tokens)
    sent: dict[str, float] = {}
    ring_lat: dict[str, float] = {}
    first_lat: dict[str, float] = {}
    idle = asyncio.Event()
    # limit=0: the default pool (100) would block the 101st WebSocket forever
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        async def helper(name: str) -> None:
            ws = await http.ws_connect(f"{base}/ws/helper")
            await ws.send_json({"type": "login", "token": tokens[name]})
            await ws.send_json({"type": "presence", "state": "available"})
            async for msg in ws:
                m = json.loads(msg.data)
                if m["type"] == "ring":
                    ring_lat[m["terminal_id"]] = time.perf_counter() - sent[m["terminal_id"]]
                    await ws.send_json({"type": "accept", "request_id": m["request_id"]})
                elif m["type"] == "connected":
                    await ws.send_json({"type": "hangup"})
                elif m["type"] == "presence" and m["state"] == "available":
                    idle.set()

        kiosk_ws, welcomed, refused = {}, set(), {}

        async def kiosk(tid: str) -> None:
            auth = {"Authorization": f"Bearer {kiosk_tokens[tid]}"}
            ws = kiosk_ws[tid] = await http.ws_connect(f"{base}/ws/kiosk", headers=auth)
            await ws.send_json({"type": "hello", "terminal_id": tid})
            async for msg in ws:
                m = json.loads(msg.data)
                if m["type"] == "welcome":
                    welcomed.add(tid)
                elif m["type"] == "error":
                    refused[tid] = m.get("code")
                if m["type"] in ("ringing", "queued") and tid in sent and tid not in first_lat:
                    first_lat[tid] = time.perf_counter() - sent[tid]

        tasks = [asyncio.ensure_future(helper(n)) for n in tokens]
        kiosks = list(kiosk_tokens)
        if hostile_loops:            # already at it when the kiosks come
            ctx = multiprocessing.get_context("spawn")
            stop, ready, out = ctx.Event(), ctx.Event(), ctx.Queue()
            bad = ctx.Process(target=_hostile,
                              args=(base, kiosks[0], hostile_loops, idle_n, stop, ready, out))
            bad.start()
            if not await asyncio.to_thread(ready.wait, 30):
                raise SystemExit("the attackers did not start")
        t0 = time.perf_counter()
        tasks += [asyncio.ensure_future(kiosk(t)) for t in kiosks]
        deadline = time.monotonic() + 120
        while len(welcomed) < n_kiosks:
            if refused or time.monotonic() > deadline:
                raise SystemExit(f"{len(welcomed)} of {n_kiosks} kiosks admitted; refused: {refused}")
            await asyncio.sleep(0.01)
        print(f"admit: all {n_kiosks} kiosks connected and token-checked in "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms")

        status_auth = {"Authorization": f"Bearer {next(iter(tokens.values()))}"}

        async def settle(expect: set[str]) -> None:
            while not expect <= ring_lat.keys():
                await asyncio.sleep(0.005)
            while True:          # every helper back to available
                h = await (await http.get(f"{base}/api/status", headers=status_auth)).json()
                if h["helpers"].get("available", 0) == len(tokens) and not h["in_call"]:
                    return
                await asyncio.sleep(0.005)

        await settle(set())
        # free: waves of len(helpers) while everyone is free
        for start in range(0, n_kiosks, len(tokens)):
            wave = kiosks[start:start + len(tokens)]
            for tid in wave:
                sent[tid] = time.perf_counter()
                await kiosk_ws[tid].send_json({"type": "request", "terminal_id": tid})
            await settle(set(wave))
        report("free: request -> helper ring", [ring_lat[t] for t in kiosks])
        # burst: everyone at once
        sent.clear(); ring_lat.clear(); first_lat.clear()
        t0 = time.perf_counter()
        for tid in kiosks:
            sent[tid] = time.perf_counter()
            await kiosk_ws[tid].send_json({"type": "request", "terminal_id": tid})
        await settle(set(kiosks))
        drained = time.perf_counter() - t0
        report("burst: request -> ringing/queued", list(first_lat.values()))
        report(f"burst: first {len(tokens)} rings", sorted(ring_lat.values())[:len(tokens)])
        print(f"burst: all {n_kiosks} served (accept + hang-up) in {drained * 1000:.0f} ms")
        if spare:
            await admission(base, http, "spare", "password-spare", "X001", spare)
        _rss(hub_pid)
        if hostile_loops:
            stop.set()
            codes, took = out.get(timeout=30)
            bad.join(10)
            print(f"hostile: {hostile_loops} loops from 127.0.0.2, {sum(codes.values())} answers "
                  f"in {took:.1f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))
        for t in tasks:
            t.cancel()


def _rss(pid: int | None) -> None:
    if pid is None:
        return
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    print(f"hub RSS: {fields['VmRSS'].strip()} (peak {fields['VmHWM'].strip()})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiosks", type=int, default=200)
    ap.add_argument("--helpers", type=int, default=18)
    ap.add_argument("--hostile", type=int, default=0, metavar="N",
                    help="attackers meanwhile: N loops of wrong-token kiosk sockets (127.0.0.2), "
                         "N x 5 parallel wrong logins (127.0.0.3), --idle idle sockets (127.0.0.4)")
    ap.add_argument("--idle", type=int, default=300, help="idle sockets with --hostile")
    ap.add_argument("--inprocess", action="store_true",
                    help="run the hub on the clients' event loop instead of a child process")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        tokens, kiosk_tokens, spare = _setup(db, args.helpers, args.kiosks)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"hub: {'in-process' if args.inprocess else 'child process'} on {base}, "
              f"{args.helpers} helpers, {args.kiosks} kiosks")
        if args.inprocess:
            asyncio.run(_inprocess(db, port, base, tokens, kiosk_tokens, args.hostile, args.idle,
                                   spare))
            return
        proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(db, port))
        proc.start()
        try:
            asyncio.run(_wait_up(base))
            asyncio.run(run(base, tokens, kiosk_tokens, args.hostile, args.idle, proc.pid, spare))
        finally:
            proc.terminate()
            proc.join(10)


async def _wait_up(base: str) -> None:
    deadline = time.monotonic() + 20
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                await http.get(f"{base}/healthz")
                return
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    raise SystemExit("hub did not start within 20 s")


async def _inprocess(db: str, port: int, base: str, tokens: dict, kiosk_tokens: dict,
                     hostile_loops: int = 0, idle: int = 300, spare: str = "") -> None:
    from aiohttp import web
    runner = web.AppRunner(_make_app(db))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await run(base, tokens, kiosk_tokens, hostile_loops, idle, os.getpid(), spare)
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    main()
