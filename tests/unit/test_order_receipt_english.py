# SPDX-License-Identifier: Apache-2.0
"""The work order's receipt follows the session's language (the guide receipt does too): in an
English session every kiosk-made line is English; the hall's name stays as configured."""
from __future__ import annotations

import datetime as dt
import re

from kiosk.printing.order_receipt import deadline_words, order_receipt
from kiosk.records.service import Sent, Submitted
from ehall_common.workdays import Deadline
from kiosk.session import Session

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
HALL = {"name": "威海经济技术开发区政务服务中心", "phone": "0631-5201234"}


def _submitted(certain=True):
    return Submitted("r1", "ZR3574D8F9", "投诉", 5, Deadline(dt.date(2026, 12, 11), certain),
                     "http://127.0.0.1/orders/status#ZR3574D8F9")


def _lines(doc) -> list[str]:
    return [line for line in doc.plain_text() if line.strip()]


def test_the_order_receipt_in_english():
    session = Session(60, 10, clock=lambda: 0.0)
    session.set_language("en")
    try:
        sent = Sent(True, number="20261204000001")
        lines = _lines(order_receipt(_submitted(), sent, HALL, dt.datetime(2026, 12, 4, 10, 0)))
        text = "\n".join(lines)
        assert [line for line in lines if CJK.search(line) and HALL["name"] not in line] == [], text
        assert "Request receipt" in text and "Request number: 20261204000001" in text and "Tracking code" in text and "Complaint" in text
        assert "Reply within 5 working days (by 2026-12-11)" in text and "Hall phone: 0631-5201234" in text
        assert deadline_words(5, Deadline(dt.date(2026, 12, 11), False)).endswith("public holidays")
        assert _qr(order_receipt(_submitted(), sent, HALL)) == "http://127.0.0.1/orders/status?lang=en#ZR3574D8F9"
    finally:
        session.end("test")
    assert deadline_words(5, Deadline(dt.date(2026, 12, 11), True)) == "5 个工作日内（2026年12月11日前）答复"
    assert "类别" in "\n".join(_lines(order_receipt(_submitted(), None, HALL)))
    assert _qr(order_receipt(_submitted(), None, HALL)) == "http://127.0.0.1/orders/status#ZR3574D8F9"


def _qr(doc) -> str:
    """The status page's address in the receipt's QR (English: the page in English, issue 13)."""
    from kiosk.printing.document import Qr
    [qr] = [block for block in doc.blocks if isinstance(block, Qr)]
    return qr.data
