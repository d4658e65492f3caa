# SPDX-License-Identifier: Apache-2.0
"""The 80 mm 回执 of a work order (工单): the 查询码 in large print, the order number when the hub
has numbered it, the reply deadline in working days, the status page's QR and, in plain words,
whether the hub has the order yet, in the session's language (kiosk/i18n.py; an English
receipt's QR opens the status page in English, ``?lang=en``). No phone number, no name, no description: a receipt left on
the counter tells a stranger nothing about the citizen."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ehall_common.order_code import shown
from kiosk.i18n import _, current
from kiosk.printing.document import BigText, CutPaper, Document, KeyValue, Qr, Rule, Text


def deadline_words(days: int, deadline: Any) -> str:
    """``5 个工作日内（2026年12月11日前）答复``, with the caveat when the calendar is not sure."""
    day = deadline.date
    date = _("{year}年{month}月{day}日").format(year=day.year, month=f"{day.month:02d}", day=f"{day.day:02d}")
    words = _("{days} 个工作日内（{date}前）答复").format(days=days, date=date)
    return words if deadline.certain else _("{words}，遇节假日顺延").format(words=words)


def order_receipt(submitted: Any, sent: Any, hall: dict, printed_at: dt.datetime | None = None) -> Document:
    """``submitted``: kiosk.records.service.Submitted; ``sent``: the hub's Sent, or None (not yet)."""
    doc = Document(job_id=f"order-{submitted.record_id}", title="work order receipt")
    doc.add(Text(str(hall.get("name", "")), "center", bold=True), Text(_("留言（工单）回执"), "center", large=True),
            Rule("="), Text(_("查询码"), "center"), BigText(shown(submitted.code), 2))
    if sent is not None and sent.taken and sent.number:
        doc.add(KeyValue(_("工单编号"), sent.number, True))
    doc.add(KeyValue(_("类别"), _(submitted.category), True),
            KeyValue(_("答复时限"), deadline_words(submitted.days, submitted.deadline), True), Rule())
    if sent is not None and sent.taken:
        doc.add(Text(_("您的留言已提交，工作人员会按时答复。"), large=True))
    else:
        doc.add(Text(_("您的留言已保存在本机，联网后自动提交。如暂时查询不到，请稍后再查。"), large=True))
    doc.add(Text(_("凭查询码可随时查询办理进度和答复：用手机扫下面的二维码。")),
            Qr(submitted.link(current()), _("扫码查询"), module=5), Rule(),
            Text(_("请妥善保管本回执，查询码不要告诉他人。"), "center"))
    if hall.get("phone"):
        doc.add(Text(_("大厅电话：{phone}").format(phone=hall["phone"]), "center"))
    doc.add(Text(f"{(printed_at or dt.datetime.now()):%Y-%m-%d %H:%M}", "center"), CutPaper())
    return doc
