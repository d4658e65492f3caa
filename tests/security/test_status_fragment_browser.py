# SPDX-License-Identifier: Apache-2.0
"""The receipt's QR in a phone-sized Chromium under the hub's CSP: /orders/status#CODE with a
code the kiosk made (the hub holds only its hash) shows the order; the code never appears in a
requested address (it is POSTed), so no access log keeps it. The console's 待补充的问题 lists a
kiosk's masked question and 已补充 takes it off."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

from assist_testkit import HubThread  # noqa: E402

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)
SHOTS = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2] / "test-output" / "screenshots")


@pytest.mark.slow
def test_the_qr_fragment_shows_the_order_and_the_console_lists_questions(tmp_path):
    from browser_rig import CHROMIUM, FLAGS, need_browser
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    from ehall_common.order_code import code_hash, new_code
    from helpdesk.orders import OrderStore, upgrade
    from helpdesk.questions import take
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    code = new_code()
    receipt = store.submit_order({"id": "k" * 32, "category": "求助", "description": "护照丢了", "phone": "13912345678",
                                  "deadline": "2026-12-11", "code_hash": code_hash(code)}, "EHALL-01", NOW)
    assert receipt.code is None                                   # the hub never had the code
    take(store, {"id": "q" * 32, "question": "护照139****5678怎么补", "reason": "unsolved"}, "EHALL-01", NOW)
    hub = HubThread(tmp_path)
    hub.orders = store
    hub.start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    from drivers.browser.chromium import _fontconfig
    from pylopdf_fonts_zh_cn import sans_path
    fonts = _fontconfig(tmp_path, (str(Path(sans_path()).parent),))   # hanzi glyphs, as on a phone
    env = {**{k: v for k, v in os.environ.items() if k != "HOME"}, "HOME": str(home),
           "XDG_RUNTIME_DIR": str(runtime), "FONTCONFIG_FILE": str(fonts)}
    pw = sync_playwright().start()
    violations: list[str] = []
    requested: list[str] = []
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS, env=env,
            viewport={"width": 390, "height": 844}, locale="zh-CN")   # a Chinese phone (Accept-Language)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("request", lambda r: requested.append(r.url))
        page.goto(hub.http + f"/orders/status#{code}")
        expect(page.locator("#status")).to_have_text("已受理，等待分派", timeout=10_000)
        expect(page.locator("#deadline")).to_have_text("2026年12月11日前")
        assert "13912345678" not in page.content() and "护照丢了" not in page.content()
        assert requested and not [u for u in requested if code in u.split("#")[0]], requested
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "order-status-phone.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(hub.http + "/")
        page.fill("#login-name", "wangfang")
        page.fill("#login-password", "password-wangfang")
        page.click("#login-form button[type=submit]")
        expect(page.locator("#who")).to_have_text("王芳", timeout=10_000)
        page.click("#link-orders")
        rows = page.locator("#questions tbody tr")
        expect(rows).to_have_count(1, timeout=10_000)
        expect(rows.first).to_contain_text("护照139****5678怎么补")
        expect(rows.first).to_contain_text("EHALL-01")
        page.locator("#questions").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "console-questions.png"), full_page=True)
        rows.first.locator("button").click()
        expect(rows).to_have_count(0, timeout=10_000)
        assert violations == []
        ctx.close()
    finally:
        pw.stop()
        hub.close()
