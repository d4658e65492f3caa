# SPDX-License-Identifier: Apache-2.0
"""The console's 终端 page in Debian's Chromium, on the real hub, with a real kiosk link
(AssistService + StatusReporter, simulated receipt printer): the card turns red with 装纸 when
the paper runs out, a banner and a sound come, 确认 records the helper, the alert clears by itself
when paper is back, and the card turns grey 失联 once the kiosk has gone quiet."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from assist_testkit import kiosk_config
from browser_rig import HELPER, Rig, need_browser
from drivers.receipt_printer import create_printer
from kiosk.assist import AssistService
from kiosk.ops.status import StatusReporter
from waiting import wait_for

pytestmark = pytest.mark.slow
T = 10_000      # ms: generous bounds on waits for conditions, never the expected duration
CARD = "#cards .card[data-terminal='EHALL-T1']"
SHOTS = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2] / "test-output" / "screenshots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def rig(tmp_path):
    from helpdesk import content as hub_content

    need_browser()
    src = tmp_path / "content"
    src.mkdir()
    (src / "synonyms.txt").write_text("营业执照 = 执照\n", encoding="utf-8")
    hub_content.keygen(tmp_path / "hub.key")
    hub_content.publish(src, tmp_path / "hub.key", tmp_path / "published", version="2026.12.04-1")
    # the hub's default silence window (90 s): a live kiosk is never taken for 失联 however slow the
    # machine; a test that wants 失联 shortens it once its kiosk has stopped (lost())
    r = Rig(tmp_path, kiosk=False, content_dir=str(tmp_path / "published"))
    yield r
    r.close()


def login(page, hub) -> None:
    page.goto(hub.http + "/")
    page.fill("#login-name", HELPER[0])
    page.fill("#login-password", HELPER[1])
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#desk-view", state="visible", timeout=T)


def lost(hub, kiosk) -> None:
    """The kiosk goes quiet, and the hub's silence window becomes short, from now on."""
    kiosk.stop()
    hub.hub.terminals.silent_s = 0.5


def card_text(page) -> str:
    return page.inner_text(CARD)


def test_terminals_page_paper_out_alert_ack_clear_and_lost(rig):
    page, hub = rig.page, rig.hub
    printer = create_printer("sim://", name="receipt_printer")
    printer.open()
    kiosk = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    reporter = StatusReporter(kiosk, {"receipt_printer": printer},
                              versions={"app": "0.1.0", "catalogue": "3f2a9c1b7d4e",
                                        "content": "2026.11.30-2"}, heartbeat_s=0.3)
    try:
        kiosk.start()
        reporter.start()
        login(page, hub)
        page.wait_for_function("document.getElementById('link').textContent !== '未连接'", timeout=T)
        assert page.is_hidden("#alert-banner")

        printer.set_mode("paper_out")
        printer.refresh()                                   # the printer's poll notices
        page.wait_for_selector("#alert-banner:not([hidden])", timeout=T)    # on the helper desk
        assert "EHALL-T1 凭条打印机：装纸" in page.inner_text("#alert-banner")
        assert page.evaluate("window.ehallAlertSounds") == 1
        assert reporter.wait_notified("receipt_printer", 5)      # a helper desk is open: staff know
        shot(page, "console-desk-alert")

        page.click("#alert-banner a")                      # 查看终端
        page.wait_for_selector("#cards .card", timeout=T)
        assert "失联" in page.inner_text("#cards .card[data-terminal='OTHER']")   # registered, never heard
        assert "程序 0.1.0" in card_text(page) and "内容包 2026.11.30-2" in card_text(page)
        assert "内容包未更新（最新 2026.12.04-1）" in card_text(page)     # the hub serves a newer one
        page.wait_for_selector("#alert-banner:not([hidden])", timeout=T)
        page.wait_for_function(f"document.querySelector(\"{CARD}\").classList.contains('level-fault')",
                               timeout=T)
        assert "凭条打印机：装纸" in card_text(page)
        assert page.evaluate("window.ehallAlertSounds") >= 1      # the two tones played
        assert "待确认" in page.inner_text("#alerts tbody")
        assert reporter.wait_notified("receipt_printer", 5)      # the kiosk may now say so
        shot(page, "console-terminals-paper-out")

        page.click("#alert-banner-ack")
        page.wait_for_selector("#alert-banner", state="hidden", timeout=T)
        page.wait_for_function("document.querySelector('#alerts tbody').innerText.includes('已确认（wangfang')",
                               timeout=T)

        printer.set_mode("online")
        printer.refresh()
        page.wait_for_function(f"document.querySelector(\"{CARD}\").classList.contains('level-ok')", timeout=T)
        page.wait_for_function("document.querySelector('#alerts tbody').rows.length === 0", timeout=T)
        assert "已恢复：EHALL-T1 凭条打印机：装纸" in page.inner_text("#cleared")

        reporter.stop()
        lost(hub, kiosk)                                    # the kiosk goes quiet
        page.wait_for_function(f"document.querySelector(\"{CARD}\").classList.contains('level-lost')",
                               timeout=T)
        assert "失联" in card_text(page)
        shot(page, "console-terminals-lost")
    finally:
        reporter.stop()
        kiosk.stop()
        printer.close()


def test_the_orders_page_alone_counts_as_watching_until_it_is_closed(rig):
    """A helper with only the 工单 page open (no desk socket, no 终端 page): the alert shows there
    as a banner, the kiosk learns staff were told; leaving the page (pagehide) stops it counting."""
    page, hub = rig.page, rig.hub
    printer = create_printer("sim://", name="receipt_printer")
    printer.open()
    kiosk = AssistService(kiosk_config(hub.url), backoff_first_s=0.2)
    reporter = StatusReporter(kiosk, {"receipt_printer": printer}, heartbeat_s=30)
    try:
        kiosk.start()
        reporter.start()
        login(page, hub)
        page.goto(hub.http + "/static/orders.html")        # the desk's socket closes with it
        page.wait_for_selector("#orders", timeout=T)
        printer.set_mode("paper_out")
        printer.refresh()
        page.wait_for_selector("#alert-banner:not([hidden])", timeout=T)
        assert "EHALL-T1 凭条打印机：装纸" in page.inner_text("#alert-banner")
        assert reporter.wait_notified("receipt_printer", 10)     # the 工单 page counts
        page.wait_for_function("document.getElementById('orders-error').textContent.length > 0", timeout=T)
        assert "没有配置工单库" in page.inner_text("#orders-error")     # no store here: said plainly
        shot(page, "console-orders-alert")
        page.goto("about:blank")                             # the page closes: pagehide, unwatch
        wait_for(lambda: not reporter.notified("receipt_printer"), 10, "the kiosk hears nobody watches")
        assert not hub.hub.staff.open()
    finally:
        reporter.stop()
        kiosk.stop()
        printer.close()
