# SPDX-License-Identifier: Apache-2.0
"""填入证件信息 (issues 9 and 16): the identity worker types the ID number or name into the web form.

The kiosk's core never holds the clear number: it sends the worker the page's own DevTools address
and the hall's allowlist, and the worker types it in. Real Chromium (Debian's), the local test
portal, the identity worker process with the byte-exact reader simulator; the UI test taps through
Kivy's input path and reads the page's field and the kiosk's screen.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from portal import box as page_box, browser, focus, portal  # noqa: E402,F401 - fixtures

NUMBER, NAME = "110000199001010013", "测试样例"       # the simulator's fictitious resident card
ADDRESS, VALIDITY = "测试省测试市测试区样例路1号", "2020.01.01-长期"
ALLOWED = ["http://127.0.0.1"]


def read_card(reader):
    """The worker reads the placed card; the core gets a WorkerCard (masked fields and a handle)."""
    got: list = []
    seen = threading.Event()

    def on_event(event):
        if event.kind == "card_inserted":
            got.append(event.data["card"])
            seen.set()
    reader.subscribe(on_event)
    reader.start_session()
    assert reader.wait_ready(30)
    reader.poll = True
    assert reader.wait_fresh_check(10)
    reader.simulator.place_card("resident")
    assert seen.wait(20), "the worker did not read the card"
    reader.unsubscribe(on_event)
    return got[0]


def field(browser, css: str) -> str:
    return browser.evaluate(f"document.querySelector('{css}').value")


def test_idf_fill_the_worker_types_into_the_focused_field_of_an_allowed_page_only(worker_reader, browser, portal):
    from drivers.browser.interface import BrowserDevice
    from kiosk.web import Allowlist
    card = read_card(worker_reader)
    assert type(card).__name__ == "WorkerCard" and card.masked_number() == "1100**********0013"
    browser.start_session(Allowlist(ALLOWED).check)
    browser.goto(portal.url)
    address = browser.devtools_page()
    assert address and address.startswith("ws://127.0.0.1:") and "/devtools/page/" in address

    focus(browser, "#number")
    assert worker_reader.fill(card.handle, "number", address, ALLOWED).result(15) == "filled"
    assert field(browser, "#number") == NUMBER
    focus(browser, "#name")
    assert worker_reader.fill(card.handle, "name", address, ALLOWED).result(15) == "filled"
    assert field(browser, "#name") == NAME
    for css, what, value in (("#address", "address", ADDRESS), ("#validity", "validity", VALIDITY)):
        focus(browser, css)
        assert worker_reader.fill(card.handle, what, address, ALLOWED).result(15) == "filled"
        assert field(browser, css) == value
    assert card.masked_address() == "测试省********" and card.masked_validity() == "2020.**.**-长期"

    # nothing focused: nothing typed anywhere
    browser.evaluate("document.activeElement.blur()")
    assert worker_reader.fill(card.handle, "number", address, ALLOWED).result(15) == "no_field"
    # a page that is not on the hall's list gets nothing (the worker checks the page itself)
    focus(browser, "#number")
    browser.evaluate("document.querySelector('#number').value = ''")
    assert worker_reader.fill(card.handle, "number", address, ["*.shandong.gov.cn"]).result(15) == "not_allowed"
    assert field(browser, "#number") == ""
    # an address that is not this machine's DevTools: the worker connects nowhere
    assert worker_reader.fill(card.handle, "number", "ws://10.1.2.3:9222/devtools/page/x",
                              ALLOWED).result(15) == "no_page"
    assert worker_reader.fill("0" * 32, "number", address, ALLOWED).result(15) == "no_card"
    # the session's end: the worker and the card are gone
    worker_reader.end_session()
    assert worker_reader.wait_ended()
    assert worker_reader.fill(card.handle, "number", address, ALLOWED).result(15) == "no_card"
    assert field(browser, "#number") == ""
    browser.end_session()
    assert BrowserDevice.devtools_page(browser) is None        # a backend without one offers nothing


@pytest.mark.ui
def test_idf_fill_the_citizen_taps_fill_and_the_page_gets_the_number(make_ui, worker_reader, portal):
    """The identified citizen taps a field of the portal's form on the kiosk's screen: the strip
    offers 姓名 / 证件号码 / 住址 / 有效期限, each masked; a tap fills the page's field and the strip
    says so, masked."""
    from drivers import registry
    from kiosk.devices import create
    from kiosk.identity_model import Identity
    from kiosk.web import WebService
    from kiosk.web.fill import IdentityFill
    drv = make_ui(**{"web.allowed_hosts": ALLOWED, "web.portal_url": portal.url, "web.open_timeout_seconds": 10})
    device = create("browser", {"uri": "chromium:///usr/bin/chromium"})
    registry.open_device(device)
    drv.kiosk.devices["browser"] = device
    kiosk = drv.kiosk
    kiosk.web = web = WebService(kiosk.config, kiosk.session, device)
    kiosk.identity_fill = IdentityFill(web, kiosk.session, ALLOWED)
    try:
        kiosk.session.home()
        drv.app._on_route(drv.app.ui, drv.app.ui.route)
        drv.frames(2)
        drv.tap(drv.screen.ids.tile_portal)
        drv.wait_until(lambda: web.state.value == "open" and drv.screen.ids.page.texture is not None, timeout=20)
        screen = drv.screen
        tap_field(drv, "#number")
        drv.wait_until(lambda: web.editable, timeout=10)
        drv.frames(3)
        assert not screen.fill_offered and screen.ids.fill_strip.height == 0     # nobody identified
        card = read_card(worker_reader)
        kiosk.session.set_identity(Identity(card, None, None, face_verified=True))
        drv.wait_until(lambda: screen.fill_offered and screen.ids.fill_strip.height > 0, timeout=10)
        drv.frames(3)
        shown = {b: screen.ids[f"fill_{b}_btn"].text for b in ("name", "number", "address", "validity")}
        assert shown == {"name": "姓名  测**例", "number": "证件号码  1100**********0013",
                         "address": "住址  测试省********", "validity": "有效期限  2020.**.**-长期"}, shown
        drv.screenshot("web-fill-offered")
        from ui_kit import overflowing
        assert not overflowing(screen.ids.fill_strip), overflowing(screen.ids.fill_strip)
        drv.tap(screen.ids.fill_number_btn)
        drv.wait_until(lambda: field(device, "#number") == NUMBER, timeout=20)
        drv.wait_until(lambda: "1100**********0013" in screen.ids.fill_toast.text, timeout=10)
        assert NUMBER not in screen.ids.fill_toast.text
        assert not overflowing(screen.ids.fill_strip) and not overflowing(screen.ids.fill_toast)
        drv.screenshot("web-fill-number")
        tap_field(drv, "#name")
        drv.tap(screen.ids.fill_name_btn)
        drv.wait_until(lambda: field(device, "#name") == NAME, timeout=20)
        drv.wait_until(lambda: "测**例" in screen.ids.fill_toast.text, timeout=10)
        drv.tap(screen.ids.large_btn)               # 大字: the buttons keep the field's name only
        drv.wait_until(lambda: drv.app.ui.large_text, timeout=5)
        drv.frames(4)
        assert screen.ids.fill_number_btn.text == "证件号码" and screen.fill_offered
        assert not overflowing(screen.ids.fill_strip) and not overflowing(screen.ids.fill_toast)
        drv.screenshot("web-fill-large")
        kiosk.session.end("finished")
        drv.wait_until(lambda: web.state.value == "closed" and not screen.fill_offered, timeout=15)
        assert worker_reader.wait_ended()
    finally:
        kiosk.session.end("finished")
        wait_for(lambda: web.state.value == "closed", 15, "the browser closed")


def tap_field(drv, css: str) -> None:
    page = drv.screen.ids.page
    box = page_box(drv.kiosk.web.device, css)
    k = page.width / drv.kiosk.web.frame.width
    drv.tap_xy(page.x + (box["x"] + 10) * k, page.top - (box["y"] + box["height"] / 2) * k)
