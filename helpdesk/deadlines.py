# SPDX-License-Identifier: Apache-2.0
"""The hall's reply deadlines, kept by the hub: the hub is the authority, a kiosk only proposes.

A kiosk prints the deadline on the citizen's receipt at once, even while the hub is down, from
its own ``[records]`` days and calendar. The hub takes the order later (an outbox may hold it
for hours) and sets the deadline it keeps by the hall's rules, here (``order_*_days``,
``follow_up_days`` and the calendar keys in the hub's config):

- counted in working days (China's holidays and 调休, ``ehall_common.workdays``) from the day
  the citizen filed it at the kiosk (``filed``), not the day the hub heard of it (an outbox may
  have held it); a ``filed`` day after the hub's today counts as today, so a kiosk's clock
  cannot push a deadline later; without ``filed`` (an older kiosk) the hub's today counts;
- the earlier of the kiosk's promise and the hall's limit: a receipt that promised an earlier
  day is kept to; a kiosk with a stale calendar or wrong days cannot push the hall's limit
  later; a promise before its own filing day is nonsense and ignored.

A 差评's follow-up is due ``follow_up_days`` working days after the rating.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ehall_common.workdays import WorkCalendar

CATEGORY_KEYS = {"咨询": "order_consult_days", "求助": "order_help_days",
                 "投诉": "order_complaint_days", "建议": "order_suggestion_days"}


@dataclass(frozen=True)
class DeadlineRules:
    days: dict[str, int] = field(default_factory=lambda: {"咨询": 5, "求助": 5, "投诉": 15, "建议": 15})
    follow_up_days: int = 5
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    @classmethod
    def from_config(cls, cfg) -> DeadlineRules:
        """From a :class:`helpdesk.config.HubConfig` (its keys are checked there)."""
        return cls({cat: int(getattr(cfg, key)) for cat, key in CATEGORY_KEYS.items()},
                   int(cfg.follow_up_days),
                   WorkCalendar(cfg.extra_holidays, cfg.extra_workdays, cfg.calendar_years))

    def order_deadline(self, category: str, today: dt.date, filed: object = None,
                       promised: object = None) -> dt.date:
        """The deadline the hall keeps for an order the hub takes ``today``: ``filed`` is the day
        the kiosk says it was filed (a later day than ``today`` counts as today), ``promised`` the
        date its receipt printed (ValueError when it is not a date)."""
        claimed = _date(filed, "filed")
        day = min(claimed, today) if claimed else today
        limit = self.calendar.add_workdays(day, self.days[category]).date
        kept = _date(promised, "deadline")
        if kept is None or (claimed is not None and kept < day):
            return limit
        return min(kept, limit)

    def follow_up(self, day: dt.date) -> dt.date:
        """When a 差评 given on ``day`` must have been followed up."""
        return self.calendar.add_workdays(day, self.follow_up_days).date


def _date(value: object, key: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{key}: a date (YYYY-MM-DD)") from None
