# SPDX-License-Identifier: Apache-2.0
"""Receipt templates: data in, :class:`Document` out (no bytes, no I/O).

``item`` is a ``kiosk.catalogue.Item`` (or anything with the same
attributes); ``hall`` is a dict or object with ``name``, ``hours`` (or
``opening_hours``, as in the kiosk config), ``phone``.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Iterable

from kiosk import i18n
from kiosk.i18n import N_, _
from kiosk.printing.document import (BigText, Checklist, CutPaper, Document, KeyValue, Qr, Rule,
                                     Steps, Text, Title)

RARE_SAMPLE = "䶮"  # U+4DAE, CJK Ext-A: in no GB2312/GBK printer font, so it prints as an image


def _field(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _stamp(at: dt.datetime | None) -> str:
    return (at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")


def _time_limit(item: Any) -> str | None:
    # The promised time is what the citizen waits; the legal limit only when nothing is promised.
    days = _field(item, "promised_days", None) or _field(item, "legal_days", None)
    return _("{n}个工作日").format(n=days) if days else None


def _item_name(item: Any) -> tuple[Any, ...]:
    """The guide's heading: the item's name; in English its ``name_en`` with the official Chinese
    name under it (what to show at the window), or the Chinese name marked as such."""
    name, english = _field(item, "name"), _field(item, "name_en", "") or ""
    if i18n.current() == i18n.SOURCE:
        return (Title(name, "left"),)
    if english:
        return Title(english, "left"), Text(_("中文名称：{name}").format(name=name))
    return (Title(_("{name}（中文名称）").format(name=name), "left"),)


def guide_receipt(item: Any, hall: Any, qr_url: str | None = None, *, large: bool = True,
                  printed_at: dt.datetime | None = None, job_id: str | None = None,
                  basis: bool = False) -> Document:
    """A take-home guide for one service item, in large print for older citizens.

    Item name, department, plain steps, materials as a tick-box checklist,
    time limit and fee where known, consultation phone, the hall's hours and
    the QR code to continue on the phone (``qr_url``, computed by the kiosk).
    办理地点 where the data has it; 设定依据 only with ``basis`` (the A4 page: on
    a receipt the legal text would cost a metre of paper). The kiosk's words are in the
    session's language (kiosk/i18n.py); the item's own texts stay as the catalogue has them.
    """
    doc = Document(job_id=job_id or f"guide-{_field(item, 'id')}-{uuid.uuid4().hex[:12]}",
                   title=f"guide {_field(item, 'id')}")
    doc.add(Text(str(_field(hall, "name")), "center"), Text(_("办事指南（请带回家）"), "center", bold=True),
            Rule("="), *_item_name(item),
            KeyValue(_("办理部门"), _field(item, "department") or _("请咨询窗口"), large))
    steps = tuple(s for s in _field(item, "steps", ()) if s)
    if steps:
        doc.add(Rule(), Text(_("怎么办"), large=large, bold=True), Steps(steps, large))
    materials = tuple(m for m in _field(item, "materials", ()) if m)
    doc.add(Rule(), Text(_("要带的材料（备好一样，勾一样）"), large=large, bold=True))
    if materials:
        doc.add(Checklist(materials, large))
    else:
        doc.add(Text(_("无需材料，或请电话咨询"), large=large))
    limit, fee = _time_limit(item), (_field(item, "fee") or "").strip()
    if limit or fee:
        doc.add(Rule())
        if limit:
            doc.add(KeyValue(_("办理时限"), limit, large))
        if fee:
            doc.add(KeyValue(_("收费"), fee, large))
    location = (_field(item, "location") or "").strip()
    if location:
        doc.add(Rule(), KeyValue(_("办理地点"), location, large))
    legal_basis = (_field(item, "legal_basis") or "").strip()
    if basis and legal_basis:
        doc.add(Rule(), Text(_("设定依据"), bold=True), Text(legal_basis))
    doc.add(Rule())
    if _field(item, "phone"):
        doc.add(KeyValue(_("咨询电话"), _field(item, "phone"), large))
    hours = _field(hall, "hours") or _field(hall, "opening_hours")  # config calls it hall.opening_hours
    if hours:
        doc.add(KeyValue(_("大厅开放时间"), hours, large))
    if _field(hall, "phone"):
        doc.add(KeyValue(_("大厅电话"), _field(hall, "phone"), large))
    if qr_url:
        doc.add(Rule(), Text(_("用手机扫一扫，接着办："), "center", large=large), Qr(qr_url))
    else:   # done at the window only: where to go, not a code that leads nowhere useful
        doc.add(Rule(), Text(_("本事项请带齐材料到窗口办理（见上面的办理地点）。") if location else
                             _("本事项请带齐材料到窗口办理。"),
                             large=large, bold=True))
        desk = str(_field(hall, "desk") or "").strip()
        if desk:
            doc.add(KeyValue(_("不清楚请问"), desk, large))
    doc.add(Text(_("打印时间：{time}").format(time=_stamp(printed_at)), "center"), CutPaper())
    return doc


def ticket_receipt(number: str, hall: Any, *, heading: str = N_("排队号"), item_name: str = "",
                   window: str = "", waiting: int | None = None,
                   details: Iterable[tuple[str, str]] = (), qr_url: str | None = None,
                   issued_at: dt.datetime | None = None, job_id: str | None = None) -> Document:
    """A queue ticket (``heading="排队号"``) or an acknowledgement slip (``"受理回执"``).

    ``details`` are extra key/value lines (受理编号, 申请人 ...). The number is
    printed very large; ``job_id`` defaults to one per number and day, so a
    retry of the same ticket never prints twice. The kiosk's words are in the session's
    language (a marked ``heading`` or detail key is translated too); the item's name, the
    window and the hall's name are printed as given.
    """
    day = (issued_at or dt.datetime.now()).strftime("%Y%m%d")
    doc = Document(job_id=job_id or f"ticket-{day}-{number}", title=f"ticket {number}")
    doc.add(Text(str(_field(hall, "name")), "center", bold=True), Text(_(heading), "center", large=True),
            BigText(number, 3))
    if item_name:
        doc.add(KeyValue(_("事项"), item_name, True))
    if window:
        doc.add(KeyValue(_("窗口"), window, True))
    if waiting is not None:
        doc.add(KeyValue(_("前面还有"), _("{n}人").format(n=waiting), True))
    for key, value in details:
        doc.add(KeyValue(_(key), value))
    if qr_url:
        doc.add(Qr(qr_url, _("扫码查看进度"), module=5))
    doc.add(Rule(), Text(_("{time}  请留意叫号").format(time=_stamp(issued_at)), "center"))
    if _field(hall, "phone"):
        doc.add(Text(_("大厅电话：{phone}").format(phone=_field(hall, "phone")), "center"))
    return doc.add(CutPaper())


def test_slip(profile: Any, qr_url: str = "https://example.gov.cn/ehall/test?slip=1",
              printed_at: dt.datetime | None = None) -> Document:
    """Admin test slip: profile facts, Chinese samples (䶮 as an image), a QR, a cut.

    Its headings are in the session's language; the samples stay Chinese in every language,
    because they are what the slip tests (the printer's Chinese font, punctuation, 䶮 as an image)."""
    p = profile
    doc = Document(job_id=f"test-{uuid.uuid4().hex[:12]}", title="test slip")
    doc.add(Title(_("打印测试")), Text(f"profile {p.name}", "center"), Rule("="),
            Text(f"paper {p.paper_width_mm} mm, {p.width_dots} dots, {p.columns} columns"),
            Text(f"font {p.font_charset}, native QR {'yes' if p.native_qr else 'no (image)'}, "
                 f"cutter {'yes' if p.cutter else 'no'}, near-end sensor "
                 f"{'yes' if p.near_end_sensor else 'no (forecast)'}"),
            Text("".join(str(i % 10) for i in range(1, p.columns + 1))),
            Rule(), Text(_("中文测试：{sample}").format(sample="政务服务大厅自助终端")),
            Text(_("标点：{sample}").format(sample="（）：，。、；！？“”《》￥")),
            Text(_("混排 {sample}").format(sample="ABC abc 0123 ￥12.50")),
            Text(_("大字"), large=True), Checklist((_("居民身份证原件"),)),
            Text(_("生僻字：{sample}（应为图片行）").format(sample=f"王{RARE_SAMPLE}")),
            Rule(), Qr(qr_url, _("扫码测试")), Text(f"{_stamp(printed_at)}", "center"), CutPaper())
    return doc


test_slip.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite the name
