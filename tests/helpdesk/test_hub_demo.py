# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk --demo``: the real command starts a hub on 127.0.0.1 whose demo helper can log
in (and a wrong password cannot), and writes a kiosk config that the kiosk accepts and whose token
the hub knows."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(port: int, name: str, password: str) -> tuple[int, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/login", method="POST",
                                 data=json.dumps({"name": name, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def demo_hub(tmp_path):
    port = _free_port()
    folder = tmp_path / "demo"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("EHALL_HELPDESK_CONFIG", None)
    proc = subprocess.Popen([sys.executable, "-m", "helpdesk.cli", "--demo", "--demo-dir", str(folder),
                             "--port", str(port)], cwd=str(ROOT), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    banner = []
    for line in proc.stdout:                       # the banner comes before the hub serves
        banner.append(line)
        if "Ctrl+C" in line:
            break
    deadline = time.monotonic() + 30
    while True:                                    # then wait until it answers
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break
        except OSError:
            assert proc.poll() is None, "".join(banner) + proc.stdout.read()
            assert time.monotonic() < deadline, "the demo hub did not answer"
            time.sleep(0.05)                   # polling a port that is not open yet
    yield port, folder, "".join(banner)
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()


def test_demo_hub_has_a_helper_who_can_log_in(demo_hub):
    port, folder, banner = demo_hub
    assert "helper: demo" in banner and "password: demo-helper" in banner and "kiosk-demo.toml" in banner
    status, body = _login(port, "demo", "demo-helper")
    assert status == 200 and body["token"]
    status, body = _login(port, "demo", "wrong-password")
    assert status == 401 and "token" not in body


def test_demo_hub_writes_a_kiosk_config_the_kiosk_accepts(demo_hub):
    from helpdesk.kiosks import KioskRegistry
    from kiosk import config

    port, folder, _banner = demo_hub
    cfg = config.load(folder / "kiosk-demo.toml").simulated()
    assert cfg["assist.hub_url"] == f"ws://127.0.0.1:{port}" and cfg["hall.terminal_id"] == "EHALL-DEMO"
    token = Path(cfg["assist.hub_token_file"]).read_text(encoding="utf-8").strip()
    registry = KioskRegistry(str(folder / "helpdesk.sqlite3"))
    assert [k.terminal_id for k in registry.list()] == ["EHALL-DEMO"]
    assert registry.verify("EHALL-DEMO", token).ok
