# SPDX-License-Identifier: Apache-2.0
"""Questions 问一问 did not answer well, kept for the hall's staff (咨询—回复—评价—整改—提升).

A question is recorded when the citizen taps 没解决 or when no answer scored well enough. The
record goes into the kiosk's outbox (kiosk/records/outbox.py: on disk until the hub takes it)
as kind ``question``: the question with ID numbers, phone numbers and the session's names
masked (kiosk/logfilter.py's :func:`mask`), the terminal, the time, why it is recorded and the
ids of what was offered. Nothing else about the citizen goes with it.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Sequence

from ..logfilter import mask

log = logging.getLogger(__name__)
REASONS = ("unsolved", "no_answer")
MAX_CHARS = 500


def question_record(question: str, terminal: str, reason: str, offered: Sequence[str] = (),
                    now: dt.datetime | None = None) -> dict:
    """The payload of one unanswered question, masked."""
    if reason not in REASONS:
        raise ValueError(f"reason {reason!r}: one of {', '.join(REASONS)}")
    text = " ".join(mask(question).split())[:MAX_CHARS]
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return {"question": text, "terminal": terminal, "reason": reason, "offered": list(offered)[:5],
            "time": when.isoformat(timespec="seconds")}


def record(outbox, question: str, terminal: str, reason: str, offered: Sequence[str] = ()) -> bool:
    """Keeps the question for the staff; False (logged, without the question) when there is no
    outbox or it cannot keep it: the citizen is never told the staff were notified then."""
    if outbox is None or not question.strip():
        return False
    from ..records import OutboxError
    try:
        outbox.put("question", question_record(question, terminal, reason, offered))
        return True
    except OutboxError as exc:
        log.error("an unanswered question could not be kept: %s", exc)
        return False
