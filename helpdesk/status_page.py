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

In Chinese or English (helpdesk/i18n.py): ``lang=en`` in the address (an English kiosk session's
receipt carries ``/orders/status?lang=en#CODE``), else the phone's Accept-Language; the forms
keep the page's language in their action. The 中文 / English switch is a link, and on an
answered page a small form that POSTs the order's number and a view ticket (like the rating's),
so the answer is shown again in the other language without the code in any address.
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

from helpdesk.i18n import HTML_LANG, SWITCH, N_, language, long_date, translator
from helpdesk.orders import SCORES, OrderError, OrderStore
from helpdesk.throttle import RefusalThrottle

STATUS_WORDS = {"submitted": N_("已受理，等待分派"), "assigned": N_("已分派，正在办理"), "replied": N_("已答复"),
                "closed": N_("已办结"), "returned": N_("已退回")}
CATEGORY_WORDS = {"咨询": N_("咨询"), "求助": N_("求助"), "投诉": N_("投诉"), "建议": N_("建议")}
SCORE_WORDS = {1: N_("非常不满意"), 2: N_("不满意"), 3: N_("基本满意"), 4: N_("满意"), 5: N_("非常满意")}
FINISHED = ("replied", "closed")
# GB/T 39735's reasons as this project read them (kiosk/records/service.py BAD_REASONS), the default
# of the hub's bad_reasons: the rating keeps the Chinese words (the hub's staff read them); the page
# shows them translated where the catalog has them (a hall's own words show as written)
REASONS = (N_("政策宣传解读不到位"), N_("办事指南不准确"), N_("多次往返跑腿"), N_("等候时间过长"), N_("服务态度不好"),
           N_("办理时间超时"), N_("设备不好用"), N_("其他"))
PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/status.css">
<script src="/static/status.js" defer></script></head>
<body>{switch}<h1>{title}</h1>{body}
<form id="query" method="post" action="/orders/status?lang={lang}">
<label>{number_label} <input name="number" inputmode="numeric" maxlength="20" value="{number}"></label>
<label>{code_label} <input id="code" name="code" maxlength="16" autocapitalize="characters" autocomplete="off" value="" required></label>
<button type="submit">{query}</button></form></body></html>"""


class StatusPage:
    def __init__(self, store: OrderStore, clock: Callable[[], float],
                 address: Callable[[web.Request], str], limit: int = 5, window_s: float = 60.0,
                 reasons: tuple[str, ...] = REASONS) -> None:
        self.store, self.address = store, address
        self.reasons = reasons                      # the hub's bad_reasons (the hall's list)
        self.throttle = RefusalThrottle(clock, limit, window_s, what="order status guesses from",
                                        answer="status_throttled")
        self.key = secrets.token_bytes(32)          # rating tickets; a restarted hub asks to look again

    def install(self, app: web.Application) -> None:
        app.router.add_get("/orders/status", self.get)
        app.router.add_post("/orders/status", self.post)
        app.router.add_post("/orders/rate", self.rate)

    def ticket(self, number: str, purpose: str = "rate") -> str:
        """``rate``: the rating form's; ``view``: the language switch's on an answered page."""
        return hmac.new(self.key, f"{purpose}:".encode() + number.encode(), hashlib.sha256).hexdigest()[:32]

    def _throttled(self, page: _Page, remote: str, number: str) -> web.Response | None:
        wait = self.throttle.retry_after(remote)
        if not wait:
            return None
        words = page._("查询次数过多，请 {seconds} 秒后再试。").format(seconds=math.ceil(wait))
        return page.reply(_msg(words), number, status=429, headers={"Retry-After": str(math.ceil(wait))})

    async def rate(self, request: web.Request) -> web.Response:
        """The status page's 评价本次办理 form."""
        page = _Page(request)
        _ = page._
        if (request.content_length or 0) > 4096:
            return page.reply(_msg(_("评价内容太长，请精简后再提交。")), "", status=413)
        form = await request.post()
        number = str(form.get("number", "")).strip()[:20]
        remote = self.address(request)
        refused = self._throttled(page, remote, number)
        if refused:
            return refused
        if not number or not hmac.compare_digest(str(form.get("ticket", "")), self.ticket(number)):
            self.throttle.refused(remote)
            return page.reply(_msg(_("这个评价页面已失效，请重新输入查询码查询后再评价。")), number, status=403)
        score = _int(form.get("score"))
        reasons = [self.reasons[i] for i in sorted({_int(r) for r in form.getall("reason", [])})
                   if 0 <= i < len(self.reasons)]
        text = str(form.get("text", "")).strip()[:200]
        if score not in SCORES or (score <= 2 and not reasons):
            why = _("请选择一个评价。") if score not in SCORES else _("请选择不满意的原因（可多选），再提交评价。")
            return page.reply(_msg(why) + _rate_form(page, number, self.ticket(number), self.reasons, score), number, status=400)
        try:
            new = await asyncio.to_thread(self.store.rate_order, number, score, reasons, text)
        except OrderError:
            return page.reply(_msg(_("这张工单办结后才能评价。")), number, status=409)
        if not new:
            return page.reply(_msg(_("这张工单已经评价过了，谢谢您！")), number)
        thanks = _("谢谢您的评价！我们会尽快回访，了解情况并改进。") if score <= 2 else _("谢谢您的评价！")
        return page.reply(f'<p class="msg" id="thanks">{html.escape(thanks)}</p>', number)

    async def post(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > 1024:
            page = _Page(request)
            return page.reply(_msg(page._("请重新输入查询码。")), "", status=413)
        form = await request.post()
        if "view" in form:                                   # the language switch of an answered page
            return await self.again(request, str(form.get("number", "")).strip()[:20], str(form.get("view", "")))
        return await self.answer(request, str(form.get("number", "")), str(form.get("code", "")))

    async def get(self, request: web.Request) -> web.Response:
        return await self.answer(request, request.query.get("number", ""), request.query.get("code", ""))

    async def answer(self, request: web.Request, number: str, code: str) -> web.Response:
        page = _Page(request)
        _ = page._
        number, code = number.strip()[:20], code.strip()[:16]
        if not number and not code:
            return page.reply("<p>" + html.escape(_("请输入回执上的查询码（有工单编号的也请填上；扫描回执上的二维码可自动填写）。"))
                              + "</p>", number)
        if not code:
            return page.reply(_msg(_("请填写回执上的查询码。")), number, status=400)
        remote = self.address(request)
        refused = self._throttled(page, remote, number)
        if refused:
            return refused
        found = await asyncio.to_thread(self.store.status, code)
        if not found or (number and found["number"] != number):
            self.throttle.refused(remote)
            return page.reply(_msg(_("工单编号或查询码不正确，请核对回执后重新输入。")), number, status=404)
        self.throttle.admitted(remote)
        return self._shown(page, found, number)

    async def again(self, request: web.Request, number: str, view: str) -> web.Response:
        """The answered page again, in the language the switch asked for (its view ticket)."""
        page = _Page(request)
        remote = self.address(request)
        refused = self._throttled(page, remote, number)
        if refused:
            return refused
        found = None
        if number and hmac.compare_digest(view, self.ticket(number, "view")):
            found = await asyncio.to_thread(self.store.status_of, number)
        if not found:
            self.throttle.refused(remote)
            return page.reply(_msg(page._("请重新输入查询码。")), number, status=403)
        return self._shown(page, found, number)

    def _shown(self, page: _Page, found: dict[str, Any], number: str) -> web.Response:
        form = ""
        if found["status"] in FINISHED and not found["rated"]:
            form = _rate_form(page, found["number"], self.ticket(found["number"]), self.reasons)
        elif found["rated"]:
            form = "<p>" + html.escape(page._("您已评价过这张工单，谢谢！")) + "</p>"
        page.view = (found["number"], self.ticket(found["number"], "view"))
        return page.reply(_found(page, found) + form, number)


class _Page:
    """One answer's language: its translator and the page around the body."""

    def __init__(self, request: web.Request) -> None:
        self.lang = language(request)
        self._ = translator(self.lang)
        self.view: tuple[str, str] | None = None      # an answered order: the switch re-shows it

    def switch(self) -> str:
        """中文 | English: the other language as a link (a small form on an answered page)."""
        e = html.escape
        items = []
        for lang, name in SWITCH.items():
            attrs = f'lang="{HTML_LANG[lang]}"'
            if lang == self.lang:
                items.append(f'<strong {attrs}>{name}</strong>')
            elif self.view:
                number, ticket = self.view
                items.append(f'<form method="post" action="/orders/status?lang={lang}">'
                             f'<input type="hidden" name="number" value="{e(number, quote=True)}">'
                             f'<input type="hidden" name="view" value="{e(ticket, quote=True)}">'
                             f'<button type="submit" class="link" {attrs}>{name}</button></form>')
            else:
                items.append(f'<a href="/orders/status?lang={lang}" hreflang="{lang}" {attrs}>{name}</a>')
        return '<nav class="lang">' + " | ".join(items) + "</nav>"

    def reply(self, body: str, number: str, status: int = 200,
              headers: dict[str, str] | None = None) -> web.Response:
        _ = self._
        text = PAGE.format(body=body, number=html.escape(number, quote=True), lang=self.lang,
                           html_lang=HTML_LANG[self.lang], switch=self.switch(), title=html.escape(_("工单查询")),
                           number_label=html.escape(_("工单编号（没有可不填）")),
                           code_label=html.escape(_("查询码")), query=html.escape(_("查询")))
        return web.Response(text=text, content_type="text/html", charset="utf-8", status=status,
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                     "Content-Language": HTML_LANG[self.lang], "Vary": "Accept-Language",
                                     **(headers or {})})


def _msg(words: str) -> str:
    return f'<p class="msg">{html.escape(words)}</p>'


def _found(page: _Page, row: dict[str, Any]) -> str:
    e, _ = html.escape, page._
    reply = row.get("reply")
    deadline = _("{date}前").format(date=long_date(row["deadline"], page.lang))
    status = _(STATUS_WORDS[row["status"]]) if row["status"] in STATUS_WORDS else row["status"]
    category = _(CATEGORY_WORDS[row["category"]]) if row["category"] in CATEGORY_WORDS else row["category"]
    rows = [(_("工单编号"), "number", row["number"]), (_("类别"), "category", category), (_("状态"), "status", status),
            (_("办理时限"), "deadline", deadline), (_("答复"), "reply", reply or _("尚未答复"))]
    return "<dl>" + "".join(f'<dt>{e(label)}</dt><dd id="{key}">{e(value)}</dd>' for label, key, value in rows) + "</dl>"


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _rate_form(page: _Page, number: str, ticket: str, reasons_offered: tuple[str, ...], score: int = 0) -> str:
    """评价本次办理: five scores, the reasons (asked for below 基本满意), optional words."""
    e, _ = html.escape, page._
    scores = "".join(f'<label class="pick"><input type="radio" name="score" value="{n}"'
                     f'{" checked" if n == score else ""} required> {e(_(SCORE_WORDS[n]))}</label>'
                     for n in (5, 4, 3, 2, 1))
    reasons = "".join(f'<label class="pick"><input type="checkbox" name="reason" value="{i}"> {e(_(r))}</label>'
                      for i, r in enumerate(reasons_offered))
    title, why = e(_("评价本次办理")), e(_("不满意或非常不满意时，请选择原因（可多选）"))
    words, send = e(_("其他意见（可不填）")), e(_("提交评价"))
    return (f'<form id="rate" method="post" action="/orders/rate?lang={page.lang}"><h2>{title}</h2>'
            f'<input type="hidden" name="number" value="{e(number, quote=True)}">'
            f'<input type="hidden" name="ticket" value="{e(ticket, quote=True)}">{scores}'
            f'<fieldset><legend>{why}</legend>{reasons}</fieldset>'
            f'<label>{words} <input name="text" maxlength="200"></label>'
            f'<button type="submit">{send}</button></form>')
