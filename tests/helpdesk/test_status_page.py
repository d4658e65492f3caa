# SPDX-License-Identifier: Apache-2.0
"""The public 工单查询 page over HTTP: the number + 查询码 show status, deadline and the reply
(escaped), never the phone or a name; a wrong pair says so, and guessing is throttled."""
import asyncio

from helpdesk.orders import OrderStore, upgrade
from helpdesk_testkit import HubFixture

ORDER = {"id": "r" * 32, "category": "投诉", "description": "窗口<script>排队</script>太久", "phone": "13912345678",
         "deadline": "2026-12-11", "name_masked": "张*三"}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _hub(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    await asyncio.to_thread(upgrade, url)
    fx = HubFixture(tmp_path)
    fx.orders = OrderStore(url)
    await fx.start()
    return fx


async def _get(fx, **query):
    async with fx.session.get(fx.server.make_url("/orders/status"), params=query) as r:
        return r.status, await r.text(), r.headers


def test_the_citizen_sees_status_deadline_and_reply_and_nothing_personal(tmp_path):
    async def go():
        fx = await _hub(tmp_path)
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            status, page, headers = await _get(fx)
            assert status == 200 and "工单编号" in page and "查询码" in page and "状态" not in page
            assert "default-src 'self'" in headers["Content-Security-Policy"] and "<style" not in page
            status, page, _ = await _get(fx, number=receipt.number, code=receipt.code.lower())
            assert status == 200
            assert '<dd id="status">已受理，等待分派</dd>' in page and "2026年12月11日前" in page
            assert '<dd id="reply">尚未答复</dd>' in page
            fx.orders.act(receipt.id, "wangfang", "reply", "请携带<身份证>到3号窗口")
            _, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert '<dd id="status">已答复</dd>' in page
            assert '<dd id="reply">请携带&lt;身份证&gt;到3号窗口</dd>' in page
            for private in ("13912345678", "张*三", "排队", "EHALL-01", receipt.code):
                assert private not in page
            status, page, _ = await _get(fx, number="20261204000002", code=receipt.code)   # another's number
            assert status == 404 and "工单编号或查询码不正确" in page and "已答复" not in page
            status, page, _ = await _get(fx, number='"><b>x', code="")
            assert status == 400 and "&quot;&gt;&lt;b&gt;x" in page and "<b>x" not in page
        finally:
            await fx.stop()
    run(go())


def test_guessing_codes_is_throttled_and_then_even_the_right_code_waits(tmp_path):
    async def go():
        fx = await _hub(tmp_path)
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            for n in range(5):
                status, _, _ = await _get(fx, number=receipt.number, code=f"WRONGCODE{n}")
                assert status == 404
            status, page, headers = await _get(fx, number=receipt.number, code=receipt.code)
            assert status == 429 and "查询次数过多" in page and int(headers["Retry-After"]) >= 1
            assert "已受理" not in page
            fx.clock.t += 61                                              # the window has passed
            status, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert status == 200 and "已受理，等待分派" in page
        finally:
            await fx.stop()
    run(go())
