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
"""
from __future__ import annotations

import asyncio
import html
import math
from typing import Any, Callable

from aiohttp import web

from helpdesk.orders import OrderStore
from helpdesk.throttle import RefusalThrottle

STATUS_WORDS = {"submitted": "已受理，等待分派", "assigned": "已分派，正在办理", "replied": "已答复",
                "closed": "已办结", "returned": "已退回"}
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

    def install(self, app: web.Application) -> None:
        app.router.add_get("/orders/status", self.get)
        app.router.add_post("/orders/status", self.post)

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
        return _page(_found(found), number)


def _found(row: dict[str, Any]) -> str:
    e = html.escape
    reply = row.get("reply")
    parts = [f"<dl><dt>工单编号</dt><dd>{e(row['number'])}</dd>",
             f"<dt>类别</dt><dd>{e(row['category'])}</dd>",
             f"<dt>状态</dt><dd id=\"status\">{e(STATUS_WORDS.get(row['status'], row['status']))}</dd>",
             f"<dt>办理时限</dt><dd id=\"deadline\">{row['deadline']:%Y年%m月%d日}前</dd>",
             f"<dt>答复</dt><dd id=\"reply\">{e(reply) if reply else '尚未答复'}</dd></dl>"]
    return "".join(parts)


def _page(body: str, number: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    text = PAGE.format(body=body, number=html.escape(number, quote=True))
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", **(headers or {})})
