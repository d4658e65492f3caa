# SPDX-License-Identifier: Apache-2.0
"""The real helper console in headless Chromium with the hub's CSP enforced (no bypass):
it works without any inline script or eval, a reason named ``constructor`` is shown as
itself (own-property lookups), and 退出登录 ends the session on the hub."""
from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

from assist_testkit import HubThread  # noqa: E402


def _sessions(db: str) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM sessions WHERE name = 'wangfang'").fetchone()[0]


@pytest.mark.slow
def test_console_under_csp_own_properties_and_server_side_logout(tmp_path):
    from browser_rig import CHROMIUM, FLAGS, need_browser
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    hub = HubThread(tmp_path).start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {**{k: v for k, v in os.environ.items() if k != "HOME"}, "HOME": str(home),
           "XDG_RUNTIME_DIR": str(runtime)}
    pw = sync_playwright().start()
    violations: list[str] = []
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            env=env)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(hub.http + "/")
        page.fill("#login-name", "wangfang")
        page.fill("#login-password", "password-wangfang")
        page.click("#login-form button[type=submit]")
        expect(page.locator("#who")).to_have_text("王芳", timeout=10_000)
        expect(page.locator("#desk-view")).to_be_visible()
        assert _sessions(hub.cfg.db_path) == 1

        async def odd_reason() -> None:
            hub.hub.helpers["wangfang"].send({"type": "ring_cancelled", "request_id": "x",
                                              "reason": "constructor"})
        hub.run(odd_reason())
        expect(page.locator("#notice")).to_have_text("constructor")
        page.click("#btn-logout")
        expect(page.locator("#login-view")).to_be_visible()
        deadline = time.monotonic() + 10
        while _sessions(hub.cfg.db_path) and time.monotonic() < deadline:
            time.sleep(0.05)                       # the logout request is on its way
        assert _sessions(hub.cfg.db_path) == 0     # revoked on the hub, not only in the tab
        assert violations == []
        ctx.close()
    finally:
        pw.stop()
        hub.close()
