# SPDX-License-Identifier: Apache-2.0
"""The issue's starvation attack against the hub as installed: ``ehall-helpdesk`` in its
own process with only 256 file descriptors, 400 idle WebSocket upgrades from one other
address (127.0.0.2). The issue saw a kiosk's hello and a helper's login both time out
that way (under a 400-descriptor limit); here the cap holds at 50, the other 350 get 429
with one log line, and a helper and a kiosk are welcomed."""
from __future__ import annotations

import asyncio
import re
import resource
import socket
import subprocess
import sys
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
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


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
                except aiohttp.ClientError:
                    if loop.time() > deadline or hub.poll() is not None:
                        raise AssertionError("hub did not start")
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
                return {"opened": len(opened), "refused": got.count(429), "took": took}
    try:
        result = asyncio.run(asyncio.wait_for(go(), 120))
    finally:
        hub.terminate()
        _, err = hub.communicate(timeout=30)
    print(f"{result['opened']} idle open, {result['refused']} refused (429); helper and kiosk "
          f"admitted in {result['took'] * 1000:.0f} ms")
    assert result["opened"] == 50 and result["refused"] == IDLE - 50
    lines = [ln for ln in err.splitlines() if "sockets from 127.0.0.2" in ln]
    assert len(lines) == 1 and "HTTP 429" in lines[0]           # one line for the address
    assert err.count("out of system resource") <= 1
