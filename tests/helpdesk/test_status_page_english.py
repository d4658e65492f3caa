# SPDX-License-Identifier: Apache-2.0
"""The 工单查询 page in English (issue 13), in a real browser (Debian's Chromium): an order made in
an English kiosk session carries ``?lang=en`` before its ``#code`` (the printed receipt's QR, the
kiosk's RecordsService and receipt as they are); the hub's page then reads in English with
JavaScript on (status.js submits the code and keeps the language) and off (the citizen types the
code): status, deadline, the staff's reply, the rating form with a bad score and its reasons, the
thanks; the 中文 switch shows the same answer in Chinese and back. A phone whose Accept-Language is
en-US gets English without ``lang``, a zh-CN phone Chinese."""
import asyncio
import datetime as dt
import os
import re
import sys
from pathlib import Path

from helpdesk_testkit import orders_hub
from kiosk.printing.document import Qr
from kiosk.printing.order_receipt import order_receipt
from kiosk.records import Outbox, WorkCalendar, new_key
from kiosk.records.service import RecordsService
from kiosk.session import Session

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
REPLY = "已增设两个窗口"                 # the staff's words are shown as they wrote them


def english_order(tmp_path, base: str):
    """An order made in an English kiosk session: (its outbox record, the receipt's QR address)."""
    session = Session(60, 10, clock=lambda: 0.0)
    session.set_language("en")
    try:
        box = Outbox(tmp_path / "outbox.db", new_key())
        service = RecordsService(box, WorkCalendar(), "EHALL-01", base + "/orders/status",
                                 {"咨询": 1, "求助": 3, "投诉": 5, "建议": 10}, today=lambda: dt.date(2026, 12, 4))
        submitted = service.submit_order("投诉", "Waited too long at window 3", "13912345678")
        doc = order_receipt(submitted, None, {"name": "Hall"})
        [qr] = [part for part in doc.blocks if isinstance(part, Qr)]
        [record] = box.pending(5)
        box.close()
    finally:
        session.end("test")
    return record, qr.data, submitted.code


def only_english(text: str, allowed=(REPLY, "中文")) -> list[str]:
    for word in allowed:
        text = text.replace(word, "")
    return [line for line in text.splitlines() if CJK.search(line)]


def test_an_english_sessions_order_reads_in_english_and_switches_to_chinese(tmp_path):
    from playwright.async_api import async_playwright

    async def go():
        fx = await orders_hub(tmp_path)
        try:
            base = str(fx.server.make_url("/")).rstrip("/")
            record, link, code = english_order(tmp_path, base)
            assert link == f"{base}/orders/status?lang=en#{code}"
            receipt = fx.orders.submit_order({**record.payload, "id": record.id, "phone": "13912345678"}, "EHALL-01")
            fx.orders.act(receipt.id, "wangfang", "reply", REPLY)
            async with async_playwright() as pw:
                from browser_rig import cjk_fontconfig
                browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                   args=["--no-sandbox"],
                                                   env={**os.environ, "FONTCONFIG_FILE": str(cjk_fontconfig(tmp_path))})
                # a phone set to Chinese opening the English receipt's QR: the link's lang wins
                scripted = await (await browser.new_context(locale="zh-CN")).new_page()
                await scripted.goto(link)
                await scripted.wait_for_selector("#status")
                body = await scripted.inner_text("body")
                assert "Answered" in body and "Rate this service" in body and not only_english(body), body
                assert scripted.url == f"{base}/orders/status?lang=en"          # the code left the address

                context = await browser.new_context(java_script_enabled=False, locale="zh-CN",
                                                    viewport={"width": 412, "height": 915})
                page = await context.new_page()
                await page.goto(link)
                assert await page.title() == "Check your request"
                assert "Please enter the tracking code from your receipt" in await page.inner_text("body")
                await page.fill("#code", code)
                await page.click('button:has-text("Check")')
                await page.wait_for_load_state()
                body = await page.inner_text("body")
                assert not only_english(body), only_english(body)
                assert await page.inner_text("#status") == "Answered"
                assert await page.inner_text("#category") == "Complaint"
                assert await page.inner_text("#reply") == REPLY
                assert re.fullmatch(r"by \d{1,2} [A-Z][a-z]+ 20\d\d", await page.inner_text("#deadline"))
                assert "Very unhappy" in body and "Waited too long" in body and "Send rating" in body
                assert await page.get_attribute("html", "lang") == "en"
                shots = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2]
                             / "test-output" / "screenshots")
                shots.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(shots / "status-page-en.png"), full_page=True)

                await page.click('nav.lang button:has-text("中文")')          # the switch: same answer, Chinese
                await page.wait_for_load_state()
                body = await page.inner_text("body")
                assert "已答复" in body and "评价本次办理" in body and REPLY in body and "Answered" not in body
                assert await page.get_attribute("html", "lang") == "zh-CN"
                await page.click('nav.lang button:has-text("English")')
                await page.wait_for_load_state()
                assert await page.inner_text("#status") == "Answered"

                await page.check('input[name="score"][value="2"]')
                await page.click('button:has-text("Send rating")')            # no reason yet: asked for one
                await page.wait_for_load_state()
                body = await page.inner_text("body")
                assert "Please choose what went wrong" in body and not only_english(body)
                await page.check('input[name="score"][value="2"]')
                await page.check('input[name="reason"][value="3"]')
                await page.check('input[name="reason"][value="5"]')
                await page.fill('input[name="text"]', "Two weeks")
                await page.click('button:has-text("Send rating")')
                await page.wait_for_load_state()
                thanks = await page.inner_text("#thanks")
                assert thanks.startswith("Thank you for your rating!") and "contact you" in thanks
                assert not only_english(await page.inner_text("body"))
                await page.screenshot(path=str(shots / "status-page-en-rated.png"), full_page=True)

                await page.click('nav.lang a:has-text("中文")')                 # a plain link elsewhere
                await page.wait_for_load_state()
                assert await page.title() == "工单查询"

                for locale, title in (("en-US", "Check your request"), ("zh-CN", "工单查询")):
                    phone = await (await browser.new_context(java_script_enabled=False, locale=locale)).new_page()
                    await phone.goto(f"{base}/orders/status")                   # no lang: the phone's language
                    assert await phone.title() == title, locale
                await browser.close()
            [follow] = fx.orders.follow_ups()               # the rating keeps the Chinese reasons for the staff
            assert (follow["score"], follow["reasons"]) == (2, '["等候时间过长", "办理时间超时"]')
        finally:
            await fx.stop()
    asyncio.run(asyncio.wait_for(go(), 120))
