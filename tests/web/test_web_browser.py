# SPDX-License-Identifier: Apache-2.0
"""The kiosk browser on real Chromium: the allowlist holds for links, redirects, popups and file:,
a refused page says so, and a session's end leaves nothing for the next citizen."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal import browser, click, pages, portal, wait_for  # noqa: E402,F401 - fixtures

from drivers import registry  # noqa: E402
from drivers.base import DeviceState  # noqa: E402
from kiosk.web import Allowlist  # noqa: E402


def _text(browser) -> str:
    return browser.evaluate("document.body.innerText")


def test_the_allowlist_holds_for_links_redirects_popups_and_files(browser, portal):
    allow = Allowlist(["http://127.0.0.1"])
    browser.start_session(allow.check)
    browser.goto(portal.url)
    assert "测试政务网" in _text(browser)
    for link in ("away", "redirect"):
        browser.goto(portal.url)
        click(browser, f"#{link}")
        wait_for(lambda: "此网站不在本机可访问范围内" in _text(browser))
        assert "localhost" in _text(browser)
    assert ("localhost", "/elsewhere") not in portal.seen               # the other host got nothing
    assert browser.refused.count("localhost") == 2
    browser.goto(portal.url)
    click(browser, "#blank")                                            # target=_blank: same view
    wait_for(lambda: browser.evaluate("location.pathname") == "/guide")
    assert "护照办理指南" in _text(browser) and len(pages(browser)) == 1
    browser.goto(portal.url)
    click(browser, "#file")
    assert "测试政务网" in _text(browser)                                  # file: goes nowhere
    browser.end_session()


def test_a_session_end_leaves_nothing_for_the_next_citizen(browser, portal):
    allow = Allowlist(["http://127.0.0.1"])
    browser.start_session(allow.check)
    browser.goto(portal.url)
    browser.evaluate("localStorage.setItem('draft', '370102199001011234'); document.cookie='who=wang'")
    profile = browser.profile
    assert profile.exists() and "who=wang" in browser.evaluate("document.cookie")
    browser.end_session()
    assert not profile.exists()
    browser.start_session(allow.check)                                  # the next citizen
    browser.goto(portal.url)
    assert "who=wang" not in browser.evaluate("document.cookie")
    assert browser.evaluate("localStorage.getItem('draft')") == ""
    assert browser.evaluate("history.length") == 2                      # about:blank + this page
    browser.end_session()


def test_a_session_end_after_chromium_died_still_removes_the_citizen_s_profile(browser, portal):
    """Chromium killed under the kiosk (a crash, the OOM killer): the session's end finds a broken
    pipe, and still removes the RAM profile; the next citizen gets a working browser."""
    import os
    import signal

    allow = Allowlist(["http://127.0.0.1"])
    browser.start_session(allow.check)
    browser.goto(portal.url)
    profile = browser.profile
    proc = browser._proc
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    browser.end_session()                                               # no exception
    assert not profile.exists()
    browser.start_session(allow.check)
    browser.goto(portal.url)
    assert browser.evaluate("1 + 1") == 2
    browser.end_session()


def test_no_chromium_is_absent_with_the_reason():
    dev = registry.create("browser", "browser", "chromium:///usr/bin/no-such-chromium")
    registry.open_device(dev)
    assert dev.state is DeviceState.ABSENT and dev.last_error.code == "WEB_NO_BROWSER"
    assert registry.create("browser", "b", "firefox://").last_error.code == "WEB_BAD_URI"


@pytest.mark.parametrize("url,ok", [
    ("https://www.shandong.gov.cn/x", True), ("https://zwfw.shandong.gov.cn/", True),
    ("https://shandong.gov.cn/", True), ("http://www.shandong.gov.cn/", False),
    ("https://evil.example/", False), ("https://shandong.gov.cn.evil.example/", False),
    ("file:///etc/passwd", False), ("chrome://settings", False), ("data:text/html,hi", False),
    ("javascript:alert(1)", False), ("about:blank", True), ("http://127.0.0.1:8080/", True),
    ("http://127.0.0.2/", False),
])
def test_allowlist_rules(url, ok):
    assert Allowlist(["*.shandong.gov.cn", "http://127.0.0.1"]).allows(url) is ok


def test_a_renderer_crash_is_reported_to_the_kiosk(browser, portal):
    """A real crash of the page's renderer (chrome://crash): the device says so and the kiosk's
    ask sink hears "crashed" (kiosk/web/service.py then opens the page again)."""
    import time

    asks = []
    browser.start_session(Allowlist(["http://127.0.0.1"]).check)
    browser.show(lambda *_a: None, lambda *_a: None, 1280, 724, on_ask=lambda kind, text: asks.append(kind))
    browser.goto(portal.url)

    try:
        browser.goto("chrome://crash", timeout=5)
    except Exception:  # noqa: BLE001 - the navigation never completes
        pass
    end = time.monotonic() + 10
    while "crashed" not in asks and time.monotonic() < end:
        time.sleep(0.05)
    assert "crashed" in asks and browser.state is DeviceState.FAULT
    browser.end_session()
    assert browser.state is DeviceState.READY


def test_after_a_crash_the_kiosk_opens_the_page_again_in_a_fresh_chromium(portal):
    """kiosk/web/service.py on a real crash: the same address opens again in a new Chromium
    (the old profile gone), the citizen is told, the kiosk's session goes on."""
    import time

    from kiosk import config as config_mod
    from kiosk.devices import create
    from kiosk.session import Session
    from kiosk.web import WebService
    from kiosk.web.service import CRASHED

    cfg = config_mod.load().with_overrides(**{"web.allowed_hosts": ["http://127.0.0.1"]})
    session = Session(90, 20)
    device = create("browser", cfg.devices()["browser"])
    registry.open_device(device)
    web = WebService(cfg, session, device)
    told = []
    web.changes.subscribe(lambda w: w.refusal and told.append(w.refusal))

    def wait(pred, seconds=20):
        end = time.monotonic() + seconds
        while not pred():
            assert time.monotonic() < end
            time.sleep(0.05)
    web.open(portal.url, 1280, 724)
    wait(lambda: web.state.value == "open")
    first = device.profile

    try:
        device.goto("chrome://crash", timeout=5)
    except Exception:  # noqa: BLE001 - the navigation never completes
        pass
    wait(lambda: told == [CRASHED])
    wait(lambda: web.state.value == "open" and device.profile is not None and device.profile != first)
    assert not first.exists()
    assert "测试政务网" in device.evaluate("document.body.innerText")
    session.end("finished")
    assert web.state.value == "closed" and device.profile is None
    web.shutdown()
    device.close()
