# SPDX-License-Identifier: Apache-2.0
"""Working days for legal reply deadlines: China's official holidays and 调休 make-up days.

The calendar is the ``chinesecalendar`` library's (it follows the State Council's notices and
covers the years it ships data for); a hall adds days for a year the library does not cover yet
(``[records] extra_holidays`` / ``extra_workdays``) and declares that year complete
(``calendar_years``). A deadline that falls in a year nobody covers is computed Monday to Friday
and marked uncertain, so the receipt can say so instead of promising a wrong date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    certain: bool          # False: part of the count fell in a year without holiday data (Mon-Fri assumed)


class WorkCalendar:
    def __init__(self, extra_holidays: Iterable[dt.date] = (), extra_workdays: Iterable[dt.date] = (),
                 covered_years: Iterable[int] = ()):
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self.covered_years = frozenset(covered_years)

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is a working day, known for sure)."""
        if day in self.extra_holidays:
            return False, True
        if day in self.extra_workdays:
            return True, True
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day)), True
        except NotImplementedError:            # a year the library has no data for
            return day.weekday() < 5, day.year in self.covered_years

    def add_workdays(self, start: dt.date, days: int) -> Deadline:
        """The date ``days`` working days after ``start`` (the day of filing does not count)."""
        day, left, certain = start, max(0, days), True
        while left:
            day += dt.timedelta(days=1)
            work, known = self.is_workday(day)
            certain = certain and known
            left -= work
        return Deadline(day, certain)


def parse_days(values: Iterable[str], key: str) -> list[dt.date]:
    """``["2027-01-01", ...]`` from config; ValueError naming the key and the bad value."""
    out = []
    for value in values:
        try:
            out.append(dt.date.fromisoformat(str(value)))
        except ValueError:
            raise ValueError(f"{key}: {str(value)[:20]!r} is not a date (YYYY-MM-DD)") from None
    return out
