# SPDX-License-Identifier: Apache-2.0
"""留电回拨 from the kiosk's AssistService to the real in-process hub on 127.0.0.1."""
from __future__ import annotations

import gc
import socket
import time

import pytest

from assist_testkit import HubThread, kiosk_config
from kiosk.assist import AssistService, CallbackError

PHONE = "13812345678"


@pytest.fixture
def hub(tmp_path):
    h = HubThread(tmp_path).start()
    yield h
    h.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_callback_reaches_the_helper_and_the_kiosk_forgets_it(hub):
    """GIVEN a logged-in helper and a kiosk whose service has not started WHEN the citizen leaves
    a number THEN the service links, the Future gives the hub's id, the helper sees the number
    with the terminal's name and the elder flag, and nothing on the service still holds it."""
    h = hub.helper()
    assert h.expect("callbacks")["open"] == []
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    try:
        t0 = time.monotonic()
        cid = s.request_callback(PHONE, large_text=True, reason="no_helper").result(8)
        assert isinstance(cid, int) and time.monotonic() - t0 < 3
        open_ = [h.expect("callback_changed")["callback"]]     # the hub sends changes
        assert [(c["callback_id"], c["phone"], c["terminal_id"], c["terminal_name"],
                 c["large_text"], c["reason"]) for c in open_] == [
            (cid, PHONE, "EHALL-T1", "东区 3 号机", True, "no_helper")]
        # a second one on the now-open link; a landline works too
        cid2 = s.request_callback("01012345678").result(5)
        assert cid2 != cid and h.expect("callback_changed")["callback"]["callback_id"] == cid2
        # the number is nowhere in the service's objects
        gc.collect()
        assert PHONE not in repr(vars(s)) and PHONE not in repr(vars(s._client))
        assert s._callbacks._waiters == [] and s.state == "idle"
        # the helper marks it done; the hub stores it done
        h.send(type="callback_done", callback_id=cid, note="已回电")
        assert h.expect("callback_updated")["status"] == "done"
    finally:
        s.stop()


def test_bad_number_fails_with_its_reason(hub):
    """GIVEN a number the hub would refuse WHEN sent THEN CallbackError('bad_phone') at once."""
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    try:
        with pytest.raises(CallbackError) as e:
            s.request_callback("12012345678").result(5)
        assert e.value.reason == "bad_phone"
    finally:
        s.stop()


@pytest.fixture
def no_local_check(monkeypatch):
    import kiosk.assist.callback as cb
    monkeypatch.setattr(cb, "valid_phone", lambda phone: True)


def test_hub_refusal_reaches_the_caller(hub, no_local_check):
    """GIVEN the kiosk's own check skipped WHEN the hub refuses the number THEN its code
    (bad_phone) is the Future's reason, and the link stays usable."""
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    try:
        with pytest.raises(CallbackError) as e:
            s.request_callback("1201234567x").result(5)
        assert e.value.reason == "bad_phone"
        assert isinstance(s.request_callback(PHONE).result(5), int)
    finally:
        s.stop()


def test_unreachable_hub_fails_within_seconds():
    """GIVEN no hub listening WHEN the citizen leaves a number THEN the Future fails with
    hub_unreachable within the deadline (4 s by default, 1.5 s here); with no hub configured it fails at once (unavailable)."""
    s = AssistService(kiosk_config(f"ws://127.0.0.1:{_free_port()}"), backoff_first_s=0.2,
                      callback_wait_s=1.5)
    try:
        t0 = time.monotonic()
        with pytest.raises(CallbackError) as e:
            s.request_callback(PHONE).result(10)
        assert e.value.reason == "hub_unreachable" and time.monotonic() - t0 < 3
    finally:
        s.stop()
    with pytest.raises(CallbackError) as e:
        AssistService(kiosk_config("")).request_callback(PHONE).result(1)
    assert e.value.reason == "unavailable"


def test_hub_gone_after_linking(hub):
    """GIVEN a linked kiosk WHEN the hub stops THEN a later call-back fails (hub_unreachable)."""
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.2, callback_wait_s=1.5)
    try:
        s.request_callback(PHONE).result(5)
        hub.stop_server()
        with pytest.raises(CallbackError) as e:
            s.request_callback(PHONE).result(10)
        assert e.value.reason in ("hub_unreachable", "hub_lost")
    finally:
        s.stop()
        hub.server = None


@pytest.mark.slow
def test_console_lists_the_number_and_marks_it_done(tmp_path):
    """GIVEN the real helper console in headless Chromium, logged in WHEN a kiosk leaves a
    number THEN the console's call-back list shows the terminal and the full number; 已回电
    with a note empties the list and the hub stores it done; logging out clears the list."""
    from browser_rig import CHROMIUM, FLAGS, need_browser
    need_browser()
    import os
    from playwright.sync_api import sync_playwright

    hub = HubThread(tmp_path).start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    home = tmp_path / "home"
    home.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k != "HOME"}, "HOME": str(home)}
    pw = sync_playwright().start()
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, bypass_csp=True, args=FLAGS, env=env)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.goto(hub.http + "/")
        page.fill("#login-name", "wangfang")
        page.fill("#login-password", "password-wangfang")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#desk-view", state="visible", timeout=10_000)
        assert page.text_content("#callback-count") == "0"
        cid = s.request_callback(PHONE, large_text=True, reason="timeout").result(8)
        row = page.wait_for_selector(f"#callback-rows tr[data-id='{cid}']", timeout=5_000)
        assert row.query_selector("td.phone").text_content() == PHONE
        assert "东区 3 号机（长者）" in row.text_content() and "等候超时" in row.text_content()
        row.query_selector("input.note").fill("已回电，明天来办")
        row.query_selector("button.done").click()
        page.wait_for_function("document.getElementById('callback-count').textContent === '0'",
                               timeout=5_000)
        rows = hub.run(_rows(hub))
        assert [(r["status"], r["handled_by"], r["note"]) for r in rows] == [
            ("done", "wangfang", "已回电，明天来办")]
        s.request_callback("13900000001").result(5)
        page.wait_for_selector("#callback-rows tr", timeout=5_000)
        page.click("#btn-logout")
        assert "13900000001" not in page.content()
        ctx.close()
    finally:
        s.stop()
        pw.stop()
        hub.close()


async def _rows(hub):
    return hub.hub.callbacks.store.all()
