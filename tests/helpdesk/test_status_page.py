# SPDX-License-Identifier: Apache-2.0
"""The public 工单查询 page over HTTP: the number + 查询码 show status, deadline and the reply
(escaped), never the phone or a name; a wrong pair says so, and guessing is throttled."""
import asyncio

from helpdesk.orders import OrderStore, upgrade
from helpdesk_testkit import HubFixture, orders_hub

ORDER = {"id": "r" * 32, "category": "投诉", "description": "窗口<script>排队</script>太久", "phone": "13912345678",
         "deadline": "2026-12-11", "name_masked": "张*三"}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _get(fx, **query):
    async with fx.session.get(fx.server.make_url("/orders/status"), params=query) as r:
        return r.status, await r.text(), r.headers


def test_the_citizen_sees_status_deadline_and_reply_and_nothing_personal(tmp_path):
    async def go():
        fx = await orders_hub(tmp_path)
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
        fx = await orders_hub(tmp_path)
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


async def _post(fx, path, data):
    async with fx.session.post(fx.server.make_url(path), data=data) as r:
        return r.status, await r.text()


def _form_fields(page):
    """The rating form's hidden fields, as a browser would send them."""
    import re
    form = re.search(r'<form id="rate".*?</form>', page, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_a_finished_order_is_rated_once_on_its_status_page_and_a_bad_rating_is_followed_up(tmp_path):
    """GIVEN an order still open THEN its page offers no rating; once 已答复 the holder of the code
    sees 评价本次办理; 不满意 without a reason asks for one; with one it thanks and says it will be
    followed up (a follow-up opens and its SMS is queued); a second rating is refused kindly, and a
    form without the page's ticket (another site, a guess) rates nothing."""
    from test_sms import Gateway, _rows, _sms

    from helpdesk.config import parse
    from helpdesk.sms_queue import SmsSender

    async def go():
        gw = Gateway()
        url = f"sqlite:///{tmp_path / 'orders.db'}"
        await asyncio.to_thread(upgrade, url)
        fx = HubFixture(tmp_path)
        fx.orders = OrderStore(url, notices=parse({"sms": _sms(gw.url)}, "hub.toml").sms)
        await fx.start()
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            _, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert "评价本次办理" not in page and 'id="rate"' not in page          # not finished yet
            fx.orders.act(receipt.id, "wangfang", "reply", "已增设窗口")
            _, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert "评价本次办理" in page and "非常不满意" in page and "等候时间过长" in page
            assert receipt.code not in page                                   # the code is not echoed
            fields = _form_fields(page)
            status, page = await _post(fx, "/orders/rate", {**fields, "score": "2"})
            assert status == 400 and "请选择不满意的原因" in page and 'id="rate"' in page
            assert fx.orders.follow_ups() == []
            forged = {**fields, "ticket": "0" * 32, "score": "5"}
            status, page = await _post(fx, "/orders/rate", forged)
            assert status == 403 and "评价页面已失效" in page
            status, page = await _post(fx, "/orders/rate", [*fields.items(), ("score", "2"), ("reason", "3"),
                                                            ("reason", "5"), ("text", "等了两周")])
            assert status == 200 and "谢谢您的评价！" in page and "回访" in page
            [follow] = fx.orders.follow_ups()
            assert (follow["score"], follow["target_kind"], follow["target_id"], follow["reasons"], follow["text"]) == (
                2, "order", receipt.id, '["等候时间过长", "办理时间超时"]', "等了两周")
            assert [r["event"] for r in _rows(fx.orders)] == ["filed", "replied", "follow_up"]
            sender = SmsSender(fx.orders, fx.orders.notices)
            assert await asyncio.to_thread(sender.send_due) == 3
            assert "回访" in gw.taken[-1]["text"] and gw.taken[-1]["to"] == ORDER["phone"]
            status, page = await _post(fx, "/orders/rate", {**fields, "score": "5"})
            assert status == 200 and "已经评价过了" in page and len(fx.orders.follow_ups()) == 1
            _, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert 'id="rate"' not in page and "您已评价过这张工单" in page
            # the kiosk's lookup rating of the same order (through its outbox) is not a second one
            assert not fx.orders.rate({"id": "k1", "score": 1, "reasons": ["其他"], "target_kind": "order",
                                       "target_id": receipt.number}, "EHALL-01")
            assert len(fx.orders.follow_ups()) == 1
        finally:
            await fx.stop()
            gw.close()
    run(go())


def test_the_language_switch_shows_the_answer_again_only_with_its_ticket(tmp_path):
    """GIVEN an answered page THEN its 中文 | English switch is a form with the order's number and a
    view ticket (never the code); POSTed with lang=en it shows the same order in English, a
    forged ticket shows nothing and counts as a wrong guess; English errors read in English."""
    import re

    async def go():
        fx = await orders_hub(tmp_path)
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            _, page, headers = await _get(fx, number=receipt.number, code=receipt.code)
            assert headers["Content-Language"] == "zh-CN" and "已受理，等待分派" in page
            switch = re.search(r'<nav class="lang">.*?</nav>', page, re.S).group(0)
            assert 'action="/orders/status?lang=en"' in switch and receipt.code not in switch
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', switch))
            assert set(fields) == {"number", "view"} and fields["number"] == receipt.number
            status, page = await _post(fx, "/orders/status?lang=en", fields)
            assert status == 200 and "Received, waiting to be assigned" in page and "Complaint" in page
            assert 'lang="en"' in page and "by 11 December 2026" in page and "已受理" not in page
            status, page = await _post(fx, "/orders/status?lang=en", {**fields, "view": "0" * 32})
            assert status == 403 and "Please enter your tracking code again." in page and "Complaint" not in page
            for n in range(3):
                status, page, _ = await _get(fx, lang="en", code=f"WRONGCODE{n}")
                assert status == 404 and "The request number or tracking code is not right." in page
            status, page = await _post(fx, "/orders/status?lang=en", {**fields, "view": "1" * 32})
            assert status == 403                                           # the 5th wrong try of this address
            status, page = await _post(fx, "/orders/status?lang=en", fields)   # now even the right one waits
            assert status == 429 and "Too many tries. Please try again in" in page and "Complaint" not in page
        finally:
            await fx.stop()
    run(go())


def test_the_hall_s_own_reasons_are_offered_on_the_status_page(tmp_path):
    """The hub's bad_reasons (the hall's copy of GB/T 39735's words) are the page's reasons, and
    the one ticked is what the follow-up shows; a bad list in the config is refused, named."""
    import pytest

    from helpdesk.config import ConfigError, parse

    async def go():
        fx = await orders_hub(tmp_path, bad_reasons=["窗口排队时间长", "材料要求说不清", "其他"])
        try:
            receipt = fx.orders.submit_order(ORDER, "EHALL-01")
            fx.orders.act(receipt.id, "wangfang", "reply", "已增设窗口")
            _, page, _ = await _get(fx, number=receipt.number, code=receipt.code)
            assert "材料要求说不清" in page and "等候时间过长" not in page
            status, page = await _post(fx, "/orders/rate", [*_form_fields(page).items(), ("score", "1"),
                                                            ("reason", "1")])
            assert status == 200 and "谢谢您的评价！" in page
            assert fx.orders.follow_ups()[0]["reasons"] == '["材料要求说不清"]'
        finally:
            await fx.stop()
    run(go())
    for bad in ([], ["其他", "其他"], ["x" * 21], "其他", [1]):
        with pytest.raises(ConfigError, match="hub.toml: bad_reasons must be a list of 1 to 12"):
            parse({"bad_reasons": bad}, "hub.toml")
