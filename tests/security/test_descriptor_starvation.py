# SPDX-License-Identifier: Apache-2.0
"""The issue's starvation attack against the hub as installed: ``ehall-helpdesk`` in its
own process with only 400 file descriptors, 400 idle WebSocket upgrades from one other
address (127.0.0.2), and 300 plain TCP connections that never send a byte from another
(127.0.0.3). The issue saw a kiosk's hello and a helper's login both time out
that way (under a 400-descriptor limit); here the cap holds at 50, the other 350 get 429
with one log line, and a helper and a kiosk are welcomed."""
from __future__ import annotations

import asyncio
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
IDLE = 400
WAIT_S = 20.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(cfg: Path, *args: str, stdin: str = "") -> str:
    out = subprocess.run([sys.executable, "-m", "helpdesk.cli", "--config", str(cfg), *args],
                         input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (400, 400))   # as in the issue


def test_idle_sockets_cannot_starve_a_hub_with_few_descriptors(tmp_path):
    port = _port()
    cfg = tmp_path / "helpdesk.toml"
    cfg.write_text(f'port = {port}\ndb_path = "{tmp_path / "hub.sqlite3"}"\n'
                   "connections_per_address = 50\nstartup_grace_seconds = 0\n"
                   "identify_seconds = 300\n")      # here the cap alone must hold
    _cli(cfg, "helpers", "add", "wangfang", "--password-stdin", stdin="password-wangfang\n")
    token = re.search(r'hub_token = "([^"]+)"', _cli(cfg, "kiosks", "add", "EHALL-01")).group(1)
    hub = subprocess.Popen([sys.executable, "-m", "helpdesk.cli", "--config", str(cfg)],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, preexec_fn=_few_descriptors)
    base = f"http://127.0.0.1:{port}"

    async def go() -> dict:
        async with aiohttp.ClientSession() as http:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + WAIT_S
            while True:                                    # the hub is up
                try:
                    async with http.get(f"{base}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError as exc:
                    if loop.time() > deadline or hub.poll() is not None:
                        raise AssertionError("hub did not start") from exc
                    await asyncio.sleep(0.05)
            attacker = aiohttp.ClientSession(connector=aiohttp.TCPConnector(
                limit=0, local_addr=("127.0.0.2", 0)))
            async with attacker:
                async def idle(i):
                    try:
                        return await attacker.ws_connect(f"{base}/ws/{'kiosk' if i % 2 else 'helper'}")
                    except aiohttp.WSServerHandshakeError as e:
                        return e.status
                    except aiohttp.ClientError as e:
                        return type(e).__name__
                got = await asyncio.gather(*(idle(i) for i in range(IDLE)))
                opened = [g for g in got if not isinstance(g, (int, str))]
                # and 300 plain TCP connections from 127.0.0.3 that never send a byte
                silent = []
                for _ in range(300):
                    s = socket.socket()
                    s.bind(("127.0.0.3", 0))
                    s.setblocking(False)
                    try:
                        s.connect(("127.0.0.1", port))
                    except BlockingIOError:
                        pass
                    silent.append(s)
                t0 = loop.time()
                async with http.post(f"{base}/api/login", json={
                        "name": "wangfang", "password": "password-wangfang"}) as r:
                    assert r.status == 200
                    helper_token = (await r.json())["token"]
                async with http.ws_connect(f"{base}/ws/helper") as ws:
                    await ws.send_json({"type": "login", "token": helper_token})
                    assert (await ws.receive_json(timeout=WAIT_S))["type"] == "welcome"
                async with http.ws_connect(f"{base}/ws/kiosk", headers={
                        "Authorization": f"Bearer {token}"}) as ws:
                    await ws.send_json({"type": "hello", "terminal_id": "EHALL-01"})
                    assert (await ws.receive_json(timeout=WAIT_S))["type"] == "welcome"
                took = loop.time() - t0
                for ws in opened:
                    await ws.close()
                for s in silent:
                    s.close()
                return {"opened": len(opened), "refused": got.count(429), "took": took,
                        "dropped": sum(isinstance(g, str) for g in got)}
    try:
        result = asyncio.run(asyncio.wait_for(go(), 120))
    finally:
        hub.terminate()
        _, err = hub.communicate(timeout=30)
    print(f"{result['opened']} idle open, {result['refused']} refused (429), "
          f"{result['dropped']} dropped before HTTP; helper and kiosk "
          f"admitted in {result['took'] * 1000:.0f} ms")
    # 50 WebSockets open; past 110 TCP connections (2 × 50 + 10) the rest are dropped
    # before HTTP; in between, HTTP 429
    assert result["opened"] == 50 and result["refused"] + result["dropped"] == IDLE - 50
    assert result["refused"] >= 1 and result["dropped"] >= 1
    lines = [ln for ln in err.splitlines() if "from 127.0.0.2" in ln]
    assert sum("HTTP 429" in ln for ln in lines) == 1           # one line each
    assert sum("dropped at once" in ln for ln in lines) == 1
    silent = [ln for ln in err.splitlines() if "from 127.0.0.3" in ln]
    assert len(silent) == 1 and "dropped at once" in silent[0]
    assert err.count("out of system resource") <= 1


def test_a_connection_that_sends_nothing_is_closed(tmp_path):
    """The installed hub closes a plain TCP connection that sends nothing within
    identify_seconds; one that sends a request in time is answered."""
    port = _port()
    cfg = tmp_path / "helpdesk.toml"
    cfg.write_text(f'port = {port}\ndb_path = "{tmp_path / "hub.sqlite3"}"\n'
                   "identify_seconds = 0.5\n")
    hub = subprocess.Popen([sys.executable, "-m", "helpdesk.cli", "--config", str(cfg)],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
                break
            except OSError:
                assert time.monotonic() < deadline and hub.poll() is None, "hub did not start"
                time.sleep(0.05)
        s.settimeout(WAIT_S)
        try:
            assert s.recv(1) == b""                      # closed by the hub, not by us
        except ConnectionResetError:
            pass
        s.close()
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as ok:
            ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert ok.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        hub.terminate()
        _, err = hub.communicate(timeout=30)
    assert err.count("nothing sent within 0.5 s") == 1
