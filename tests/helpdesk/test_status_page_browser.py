# SPDX-License-Identifier: Apache-2.0
"""The citizen's 工单查询 page in a real browser (Debian's Chromium, JavaScript off, as on a plain phone
browser): the reply is shown, 不满意 with reasons is sent by tapping the page's own controls, the page
thanks the citizen, and the hub opens the follow-up (回访)."""
import asyncio
import os
import sys
from pathlib import Path

from helpdesk_testkit import orders_hub

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

ORDER = {"id": "b" * 32, "category": "投诉", "description": "窗口排队太久", "phone": "13912345678",
         "deadline": "2026-12-11", "name_masked": "张*三"}


def test_the_rating_form_works_in_a_browser_without_javascript(tmp_path):
    from playwright.async_api import async_playwright

    async def go():
        fx = await orders_hub(tmp_path)
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            fx.orders.act(receipt.id, "wangfang", "reply", "已增设两个窗口")
            page_url = str(fx.server.make_url("/orders/status").with_query(number=receipt.number, code=receipt.code))
            async with async_playwright() as pw:
                from browser_rig import cjk_fontconfig   # a phone has CJK fonts; this machine needs the kiosk's
                browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                   args=["--no-sandbox"],
                                                   env={**os.environ, "FONTCONFIG_FILE": str(cjk_fontconfig(tmp_path))})
                context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
                page = await context.new_page()
                await page.goto(page_url)
                body = await page.inner_text("body")
                assert "已增设两个窗口" in body and "评价本次办理" in body
                assert ORDER["phone"] not in body and receipt.code not in await page.content()
                await page.check('input[name="score"][value="2"]')
                await page.click('button:has-text("提交评价")')             # no reason yet: asked for one
                await page.wait_for_load_state()
                assert "请选择不满意的原因" in await page.inner_text("body")
                await page.check('input[name="score"][value="2"]')
                await page.check('input[name="reason"][value="3"]')
                await page.check('input[name="reason"][value="5"]')
                await page.fill('input[name="text"]', "等了两周")
                await page.click('button:has-text("提交评价")')
                await page.wait_for_load_state()
                thanks = await page.inner_text("body")
                assert "谢谢您的评价！" in thanks and "回访" in thanks
                shots = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2]
                             / "test-output" / "screenshots")
                shots.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(shots / "status-page-rated.png"))
                await browser.close()
            [follow] = fx.orders.follow_ups()
            assert (follow["score"], follow["target_id"], follow["reasons"], follow["text"]) == (
                2, receipt.id, '["等候时间过长", "办理时间超时"]', "等了两周")
        finally:
            await fx.stop()
    asyncio.run(asyncio.wait_for(go(), 90))
