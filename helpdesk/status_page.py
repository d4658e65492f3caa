# SPDX-License-Identifier: Apache-2.0
"""The public 工单查询 page: a citizen types (or the receipt's QR fills in) the order number and
查询码 and sees the status, the deadline and the staff's reply: never a phone number or a name.

``GET /orders/status`` shows the form; with ``code`` (and ``number`` when the receipt has one:
a kiosk that was offline prints the 查询码 before the hub numbers the order) it answers; the
form itself POSTs, and the receipt's QR carries the code in the address's fragment
(``/orders/status#CODE``), which the browser never sends: static/status.js fills it in and
POSTs it, so the code is in no access log. A wrong pair
counts as a refusal for the address (:class:`helpdesk.throttle.RefusalThrottle`): after
``limit`` of them in ``window_s`` the page says to wait, without a check, so 10-character
codes (32 symbols) cannot be guessed in any useful time. Everything shown is HTML-escaped.

好差评 of a finished order (GB/T 39734): an order 已答复 or 已办结 and not yet rated shows
评价本次办理, a plain form (no script) that POSTs ``/orders/rate`` with the order's number and a
ticket: an HMAC of the number under this hub's random key, which only a page answered for the
right 查询码 carries (so a form on another site cannot rate, and the code is not put in the page).
One rating per order (the kiosk's lookup shares it, helpdesk/orders.py ``order_rating_id``): a
second is refused kindly. 不满意 and below ask for reasons (GB/T 39735) and open the follow-up.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import math
import secrets
from typing import Any, Callable

from aiohttp import web

from helpdesk.orders import SCORES, OrderError, OrderStore
from helpdesk.throttle import RefusalThrottle

STATUS_WORDS = {"submitted": "已受理，等待分派", "assigned": "已分派，正在办理", "replied": "已答复",
                "closed": "已办结", "returned": "已退回"}
FINISHED = ("replied", "closed")
# GB/T 39735's reasons, as the kiosk offers them (kiosk/records/service.py BAD_REASONS)
REASONS = ("政策宣传解读不到位", "办事指南不准确", "多次往返跑腿", "等候时间过长", "服务态度不好", "办理时间超时",
           "设备不好用", "其他")
PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工单查询</title>
<link rel="stylesheet" href="/static/status.css">
<script src="/static/status.js" defer></script></head>
<body><h1>工单查询</h1>{body}
<form id="query" method="post" action="/orders/status">
<label>工单编号（没有可不填） <input name="number" inputmode="numeric" maxlength="20" value="{number}"></label>
<label>查询码 <input id="code" name="code" maxlength="16" autocapitalize="characters" autocomplete="off" value="" required></label>
<button type="submit">查询</button></form></body></html>"""


class StatusPage:
    def __init__(self, store: OrderStore, clock: Callable[[], float],
                 address: Callable[[web.Request], str], limit: int = 5, window_s: float = 60.0) -> None:
        self.store, self.address = store, address
        self.throttle = RefusalThrottle(clock, limit, window_s, what="order status guesses from",
                                        answer="status_throttled")
        self.key = secrets.token_bytes(32)          # rating tickets; a restarted hub asks to look again

    def install(self, app: web.Application) -> None:
        app.router.add_get("/orders/status", self.get)
        app.router.add_post("/orders/status", self.post)
        app.router.add_post("/orders/rate", self.rate)

    def ticket(self, number: str) -> str:
        return hmac.new(self.key, b"rate:" + number.encode(), hashlib.sha256).hexdigest()[:32]

    async def rate(self, request: web.Request) -> web.Response:
        """The status page's 评价本次办理 form."""
        if (request.content_length or 0) > 4096:
            return _page('<p class="msg">评价内容太长，请精简后再提交。</p>', "", status=413)
        form = await request.post()
        number = str(form.get("number", "")).strip()[:20]
        remote = self.address(request)
        wait = self.throttle.retry_after(remote)
        if wait:
            return _page(f'<p class="msg">查询次数过多，请 {math.ceil(wait)} 秒后再试。</p>', number,
                         status=429, headers={"Retry-After": str(math.ceil(wait))})
        if not number or not hmac.compare_digest(str(form.get("ticket", "")), self.ticket(number)):
            self.throttle.refused(remote)
            return _page('<p class="msg">这个评价页面已失效，请重新输入查询码查询后再评价。</p>', number, status=403)
        score = _int(form.get("score"))
        reasons = [REASONS[i] for i in sorted({_int(r) for r in form.getall("reason", [])})
                   if 0 <= i < len(REASONS)]
        text = str(form.get("text", "")).strip()[:200]
        if score not in SCORES or (score <= 2 and not reasons):
            why = "请选择一个评价。" if score not in SCORES else "请选择不满意的原因（可多选），再提交评价。"
            return _page(f'<p class="msg">{why}</p>' + _rate_form(number, self.ticket(number), score), number,
                         status=400)
        try:
            new = await asyncio.to_thread(self.store.rate_order, number, score, reasons, text)
        except OrderError:
            return _page('<p class="msg">这张工单办结后才能评价。</p>', number, status=409)
        if not new:
            return _page('<p class="msg">这张工单已经评价过了，谢谢您！</p>', number)
        after = "我们会尽快回访，了解情况并改进。" if score <= 2 else ""
        return _page(f'<p class="msg" id="thanks">谢谢您的评价！{after}</p>', number)

    async def post(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > 1024:
            return _page('<p class="msg">请重新输入查询码。</p>', "", status=413)
        form = await request.post()
        return await self.answer(request, str(form.get("number", "")), str(form.get("code", "")))

    async def get(self, request: web.Request) -> web.Response:
        return await self.answer(request, request.query.get("number", ""), request.query.get("code", ""))

    async def answer(self, request: web.Request, number: str, code: str) -> web.Response:
        number, code = number.strip()[:20], code.strip()[:16]
        if not number and not code:
            return _page("<p>请输入回执上的查询码（有工单编号的也请填上；扫描回执上的二维码可自动填写）。</p>", number)
        if not code:
            return _page('<p class="msg">请填写回执上的查询码。</p>', number, status=400)
        remote = self.address(request)
        wait = self.throttle.retry_after(remote)
        if wait:
            return _page(f'<p class="msg">查询次数过多，请 {math.ceil(wait)} 秒后再试。</p>', number,
                         status=429, headers={"Retry-After": str(math.ceil(wait))})
        found = await asyncio.to_thread(self.store.status, code)
        if not found or (number and found["number"] != number):
            self.throttle.refused(remote)
            return _page('<p class="msg">工单编号或查询码不正确，请核对回执后重新输入。</p>', number, status=404)
        self.throttle.admitted(remote)
        form = ""
        if found["status"] in FINISHED and not found["rated"]:
            form = _rate_form(found["number"], self.ticket(found["number"]))
        elif found["rated"]:
            form = "<p>您已评价过这张工单，谢谢！</p>"
        return _page(_found(found) + form, number)


def _found(row: dict[str, Any]) -> str:
    e = html.escape
    reply = row.get("reply")
    parts = [f"<dl><dt>工单编号</dt><dd>{e(row['number'])}</dd>",
             f"<dt>类别</dt><dd>{e(row['category'])}</dd>",
             f"<dt>状态</dt><dd id=\"status\">{e(STATUS_WORDS.get(row['status'], row['status']))}</dd>",
             f"<dt>办理时限</dt><dd id=\"deadline\">{row['deadline']:%Y年%m月%d日}前</dd>",
             f"<dt>答复</dt><dd id=\"reply\">{e(reply) if reply else '尚未答复'}</dd></dl>"]
    return "".join(parts)


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _rate_form(number: str, ticket: str, score: int = 0) -> str:
    """评价本次办理: five scores, the reasons (asked for below 基本满意), optional words."""
    e = html.escape
    scores = "".join(f'<label class="pick"><input type="radio" name="score" value="{n}"'
                     f'{" checked" if n == score else ""} required> {SCORES[n]}</label>' for n in (5, 4, 3, 2, 1))
    reasons = "".join(f'<label class="pick"><input type="checkbox" name="reason" value="{i}"> {e(r)}</label>'
                      for i, r in enumerate(REASONS))
    return (f'<form id="rate" method="post" action="/orders/rate"><h2>评价本次办理</h2>'
            f'<input type="hidden" name="number" value="{e(number, quote=True)}">'
            f'<input type="hidden" name="ticket" value="{e(ticket, quote=True)}">{scores}'
            f'<fieldset><legend>不满意或非常不满意时，请选择原因（可多选）</legend>{reasons}</fieldset>'
            '<label>其他意见（可不填） <input name="text" maxlength="200"></label>'
            '<button type="submit">提交评价</button></form>')


def _page(body: str, number: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    text = PAGE.format(body=body, number=html.escape(number, quote=True))
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", **(headers or {})})
