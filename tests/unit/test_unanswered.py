# SPDX-License-Identifier: Apache-2.0
"""Unanswered 问一问 questions for the staff: masked before they are kept, kept in the outbox."""
import datetime as dt

import pytest

from kiosk import logfilter
from kiosk.consult.unanswered import question_record, record
from kiosk.records import Outbox


def test_id_numbers_phones_and_the_session_names_are_masked():
    logfilter.hold("张三丰")
    try:
        rec = question_record("我是张三丰，身份证370102199001011234，电话13912345678，\n护照丢了", "EHALL-01",
                              "unsolved", ["FAQ-106"], now=dt.datetime(2026, 12, 4, 12, tzinfo=dt.timezone.utc))
    finally:
        logfilter.release("张三丰")
    assert rec["question"] == "我是张*丰，身份证3701**********1234，电话139****5678， 护照丢了"
    assert rec == {"question": rec["question"], "terminal": "EHALL-01", "reason": "unsolved",
                   "offered": ["FAQ-106"], "time": "2026-12-04T12:00:00+00:00"}


def test_recorded_in_the_outbox_or_honestly_not(tmp_path):
    outbox = Outbox(tmp_path / "o.db")
    try:
        assert record(outbox, "x" * 900, "T1", "no_answer")
        (kept,) = outbox.pending()
        assert kept.kind == "question" and len(kept.payload["question"]) == 500
        assert not record(None, "问题", "T1", "unsolved")
        assert not record(outbox, "   ", "T1", "unsolved")
    finally:
        outbox.close()
    with pytest.raises(ValueError):
        question_record("q", "T1", "other")
