# SPDX-License-Identifier: Apache-2.0
"""The staff's 工单 page in headless Chromium under the hub's CSP: log in on the console, open
工单与好差评, the overdue order is first and marked, a reply typed with markup is shown as text,
the citizen's 工单查询 page then shows it; the 差评 waits in 差评回访."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

from assist_testkit import HubThread  # noqa: E402

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)


@pytest.mark.slow
def test_staff_reply_on_the_orders_page_reaches_the_citizen(tmp_path):
    from browser_rig import console_page, need_browser
    need_browser()
    from playwright.sync_api import expect

    from helpdesk.deadlines import DeadlineRules
    from helpdesk.orders import OrderStore, upgrade
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    store.submit_order({"id": "a" * 32, "category": "咨询", "description": "不急", "phone": "13900000000",
                        "deadline": "2099-01-04"}, "EHALL-01", NOW)
    late = store.submit_order({"id": "b" * 32, "category": "投诉", "description": "<b>窗口</b>太慢",
                               "phone": "13912345678", "deadline": "2020-01-03"}, "EHALL-02", NOW)
    store.rate({"id": "r1", "score": 1, "reasons": ["态度差"]}, "EHALL-01", NOW)
    hub = HubThread(tmp_path)
    hub.orders = store
    hub.start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    try:
        with console_page(tmp_path, hub, "wangfang", "password-wangfang", "王芳") as (page, violations):
            page.click("#link-orders")
            first = page.locator("#orders tbody tr").first
            expect(first).to_contain_text(late.number, timeout=10_000)
            expect(first).to_contain_text("已超期")
            expect(page.locator("#orders tbody tr")).to_have_count(2)
            expect(page.locator("#follow-ups tbody tr")).to_have_text(["非常不满意态度差" + str(DeadlineRules().follow_up(
                                                                       NOW.astimezone().date())) + "EHALL-01记录回访"])
            # 评价统计: the 差评 counted, its follow-up waiting; then the follow-up recorded on the page
            report = page.locator("#report tbody tr")
            expect(report).to_have_count(1)
            expect(report.first.locator("td")).to_have_text(["（无帮办）", "1", "1.00", "0%", "1", "100%", "0", "1", "0"])
            page.fill("#follow-ups tbody tr input", "已电话回访，群众表示理解")
            page.click("#follow-ups tbody tr button")
            expect(page.locator("#follow-ups tbody tr")).to_have_count(0)
            expect(report.first.locator("td").nth(6)).to_have_text("1")      # 已回访
            shots = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.locator("#report-view").screenshot(path=str(shots / "console-ratings-report.png"))
            page.locator("#orders-view").screenshot(path=str(shots / "console-orders-list.png"))
            assert store.follow_ups() == []
            first.click()
            expect(page.locator("#o-description")).to_have_text("<b>窗口</b>太慢")
            expect(page.locator("#report-view")).to_be_hidden()            # the order alone: no report under it
            expect(page.locator("#o-phone")).to_have_text("13912345678")
            page.fill("#o-detail", "请到<i>3号</i>窗口")
            page.click("button[data-action=reply]")
            expect(page.locator("#o-status")).to_have_text("已答复")
            expect(page.locator("#o-reply")).to_have_text("请到<i>3号</i>窗口")
            expect(page.locator("#o-history li")).to_have_count(2)
            expect(page.locator("#o-sms li")).to_have_text(["没有短信通知"])      # no [sms] on this hub
            page.click("button[data-action=assign]")                       # nothing typed: the hub says why
            expect(page.locator("#orders-error")).to_have_text("detail: assign needs a helper")
            page.screenshot(path=str(shots / "console-order.png"))
            page.goto(hub.http + f"/orders/status?lang=zh&number={late.number}&code={late.code}")
            expect(page.locator("#reply")).to_have_text("请到<i>3号</i>窗口")
            expect(page.locator("#status")).to_have_text("已答复")
            assert violations == []
    finally:
        hub.close()
