# SPDX-License-Identifier: Apache-2.0
"""The hub keeps the hall's deadlines (helpdesk/deadlines.py): counted in working days from the
day the citizen filed the order at the kiosk, never later than the hall's limit, and never later
than what the citizen's receipt promised."""
import datetime as dt

import pytest

from helpdesk.config import ConfigError, parse
from helpdesk.deadlines import DeadlineRules
from helpdesk.orders import OrderStore, upgrade

D = dt.date.fromisoformat
NOW = dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.timezone.utc)     # 10:00 in the hall, a Friday


def test_the_limit_counts_working_days_over_the_national_holiday():
    rules = DeadlineRules()
    # filed on 2026-09-30 (Wed): 10-01..10-07 is the 国庆 holiday, so 5 working days end 10-13
    # (10-10, a Saturday, is a 调休 working day: 10-08, 09, 10, 12, 13)
    assert rules.order_deadline("求助", D("2026-10-09"), "2026-09-30", None) == D("2026-10-13")
    assert rules.follow_up(D("2026-09-30")) == D("2026-10-13")


def test_a_kiosk_cannot_move_the_halls_limit_later():
    rules = DeadlineRules()
    today = D("2026-12-04")
    # a stale kiosk calendar or wrong days: its receipt said three weeks; the hall keeps 5 working days
    assert rules.order_deadline("咨询", today, "2026-12-04", "2026-12-25") == D("2026-12-11")
    # a kiosk clock in the future cannot start the count later than the hub's today
    assert rules.order_deadline("咨询", today, "2027-03-01", "2027-03-08") == D("2026-12-11")


def test_an_earlier_promise_is_kept_and_a_delayed_order_counts_from_its_filing_day():
    rules = DeadlineRules()
    today = D("2026-12-04")
    assert rules.order_deadline("投诉", today, "2026-12-04", "2026-12-10") == D("2026-12-10")
    # held in the outbox since 11-20: the limit counts from 11-20, so it is already due 11-27
    assert rules.order_deadline("求助", today, "2026-11-20", "2026-11-27") == D("2026-11-27")
    # a promise before its own filing day is ignored; an older kiosk that sends no filing day
    # has its promise kept when it is the earlier
    assert rules.order_deadline("求助", today, "2026-11-20", "2026-11-01") == D("2026-11-27")
    assert rules.order_deadline("求助", today, None, "2026-12-01") == D("2026-12-01")
    with pytest.raises(ValueError, match="filed"):
        rules.order_deadline("求助", today, "yesterday", None)


def test_the_store_keeps_the_halls_deadline_and_the_halls_own_days(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    cfg = parse({"order_help_days": 3, "follow_up_days": 2, "extra_holidays": ["2026-10-12"]}, "hub.toml")
    store = OrderStore(url, DeadlineRules.from_config(cfg))
    try:
        rec = {"id": "r1", "category": "求助", "description": "护照丢了", "phone": "13912345678",
               "filed": "2026-10-09", "deadline": "2026-10-16"}
        receipt = store.submit_order(rec, "EHALL-01", NOW)
        # 3 working days from Fri 10-09: Sat 10-10 is 调休 work, Mon 10-12 the hall's extra holiday
        assert receipt.deadline == D("2026-10-14")
        assert store.status(receipt.code)["deadline"] == D("2026-10-14")
        assert store.rate({"id": "b1", "score": 1, "reasons": ["态度差"]}, "EHALL-01", NOW)
        assert store.follow_ups()[0]["follow_up_due"] == D("2026-10-13")
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("data,says", [({"order_help_days": 0}, "order_help_days"),
                                       ({"order_help_days": 61}, "1-60"),
                                       ({"follow_up_days": 2.5}, "whole number"),
                                       ({"extra_holidays": ["10/01/2027"]}, "extra_holidays"),
                                       ({"extra_workdays": "2027-10-09"}, "extra_workdays"),
                                       ({"calendar_years": ["2027"]}, "calendar_years")])
def test_bad_deadline_keys_name_the_file_and_the_key(data, says):
    with pytest.raises(ConfigError) as info:
        parse(data, "hub.toml")
    assert "hub.toml" in str(info.value) and says in str(info.value)


def test_toml_dates_are_taken_too():
    import tomllib
    cfg = parse(tomllib.loads("extra_holidays = [2027-10-01]\ncalendar_years = [2027]"), "hub.toml")
    assert cfg.extra_holidays == (D("2027-10-01"),) and cfg.calendar_years == (2027,)
