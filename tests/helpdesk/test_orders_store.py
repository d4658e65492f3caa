# SPDX-License-Identifier: Apache-2.0
"""Work orders and ratings on the hub's store: the same code and tests on SQLite and on a real
PostgreSQL server started for the test (migrations, idempotent submissions, 查询码 status,
audit trail, 差评 follow-ups, concurrent kiosks)."""
import datetime as dt
import threading

import pytest

from helpdesk.orders import OrderError, OrderStore, upgrade
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(store_url):
    upgrade(store_url)
    s = OrderStore(store_url)
    yield s
    s.engine.dispose()


def order(n=1, **changes):
    rec = {"id": f"rec{n:04d}", "category": "求助", "description": "护照丢了，想问补办流程", "phone": "13912345678",
           "deadline": "2026-12-11", "item_id": "SI-0049"}
    rec.update(changes)
    return rec


def test_an_order_gets_a_number_and_a_code_once(store):
    first = store.submit_order(order(), "EHALL-01", NOW)
    assert first.number == "20261204000001" and len(first.code) == 10 and first.deadline == dt.date(2026, 12, 11)
    again = store.submit_order(order(), "EHALL-01", NOW)              # the outbox sent it twice
    assert again.number == first.number and again.code is None
    assert len(store.listing()) == 1
    seen = store.status(first.code)
    assert seen == {"id": first.id, "number": first.number, "status": "submitted", "rated": False,
                    "deadline": dt.date(2026, 12, 11), "reply": None, "category": "求助"}
    assert "phone" not in seen and store.status("WRONGCODE1") is None
    assert store.status(first.code.lower()) == seen                  # typed in lower case on a phone


def test_staff_actions_are_audited_and_the_reply_is_what_the_citizen_sees(store):
    receipt = store.submit_order(order(), "EHALL-01", NOW)
    store.act(receipt.id, "admin", "assign", "wangfang")
    store.act(receipt.id, "wangfang", "reply", "请携带户口簿到出入境窗口补办。")
    store.act(receipt.id, "wangfang", "close")
    assert [a for _actor, a, _d in store.history(receipt.id)] == ["submitted", "assign", "reply", "close"]
    assert store.status(receipt.code)["reply"] == "请携带户口簿到出入境窗口补办。"
    assert store.listing(status="closed")[0]["number"] == receipt.number
    with pytest.raises(OrderError):
        store.act(receipt.id, "x", "delete")
    with pytest.raises(OrderError):
        store.act("nope", "x", "close")


def test_overdue_orders_are_listed(store):
    store.submit_order(order(1, deadline="2026-12-01"), "EHALL-01", NOW)
    late = store.submit_order(order(2, deadline="2026-12-03"), "EHALL-02", NOW)
    store.submit_order(order(3, deadline="2026-12-20"), "EHALL-02", NOW)
    store.act(late.id, "wangfang", "close")
    assert [o["id"] for o in store.listing(overdue_on=dt.date(2026, 12, 4))] == ["rec0001"]


@pytest.mark.parametrize("bad,why", [({"category": "闲聊"}, "category"), ({"description": ""}, "description"),
                                     ({"description": "长" * 501}, "description"), ({"phone": "١٣٩"}, "phone"),
                                     ({"deadline": "soon"}, "deadline"), ({"id": ""}, "id")])
def test_bad_orders_are_refused_with_the_field(store, bad, why):
    with pytest.raises(OrderError) as info:
        store.submit_order(order(**bad), "EHALL-01", NOW)
    assert why in str(info.value)


def test_a_bad_rating_needs_reasons_and_opens_a_follow_up(store):
    assert store.rate({"id": "r1", "score": 5, "target_kind": "call", "target_id": "c1", "helper": "wangfang"},
                      "EHALL-01", NOW)
    assert not store.rate({"id": "r1", "score": 5}, "EHALL-01", NOW)          # the same rating again
    with pytest.raises(OrderError):
        store.rate({"id": "r2", "score": 1}, "EHALL-01", NOW)
    assert store.rate({"id": "r3", "score": 2, "reasons": ["等待时间长"], "target_kind": "guide"}, "EHALL-02", NOW)
    (follow,) = store.follow_ups()
    assert follow["id"] == "r3" and follow["follow_up_due"] == dt.date(2026, 12, 11)   # 5 working days


def test_kiosks_submitting_at_once_all_get_their_orders(store):
    errors = []

    def kiosk(k):
        try:
            for n in range(10):
                store.submit_order(order(k * 100 + n), f"EHALL-{k:02d}", NOW)
        except Exception as exc:   # noqa: BLE001 - collected for the assertion
            errors.append(exc)
    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    numbers = [o["number"] for o in store.listing(limit=500)]
    assert not errors and len(numbers) == 80


def test_hall_statistics_are_kept_per_terminal_and_day_and_replaced_when_sent_again(store):
    """The hall's statistics (helpdesk/stats.py) on the same store: a day sent again replaces the
    one stored (queries too); the top queries add up over terminals; a digit run the kiosk should
    have masked is masked by the hub too."""
    from helpdesk.stats import StatsStore, parse_days

    stats = StatsStore(store.engine)
    today = dt.date(2026, 12, 4)

    def day(n, **more):
        return parse_days({"days": [{"day": "2026-12-04", "rev": n, "sessions": n, "searches": n,
                                     "queries": [["低保", n], ["社保", 1]], "zero_queries": [["13912345678", 1]],
                                     "ratings": {"5": n}, **more}]}, today)
    stats.put("EHALL-01", day(1), NOW)
    stats.put("EHALL-01", day(3), NOW)                  # the same day, counted further
    stats.put("EHALL-02", day(2, call_outcomes={"answered": 2}), NOW)
    rows = stats.days(today, today)
    assert [(r["terminal"], r["sessions"], r["ratings"]) for r in rows] == \
        [("EHALL-01", 3, {"5": 3}), ("EHALL-02", 2, {"5": 2})]
    assert rows[1]["call_outcomes"] == {"answered": 2}
    assert stats.top_queries(today, today, False) == [{"query": "低保", "count": 5}, {"query": "社保", "count": 2}]
    assert stats.top_queries(today, today, True, "EHALL-02") == [{"query": "[号码]", "count": 1}]
    assert len(stats.query_rows(today, today)) == 6 and stats.days(today - dt.timedelta(days=9), today - dt.timedelta(days=1)) == []


def test_sms_notices_wait_in_the_store_until_the_gateway_takes_them(store):
    """The SMS queue on both stores: a notice queued with the order, kept through a failed send,
    sent once the gateway answers (helpdesk/sms_queue.py; the gateway: tests/helpdesk/test_sms.py)."""
    from helpdesk.config import parse
    from helpdesk.sms_queue import SmsSender
    from test_sms import Gateway

    gateway = Gateway()
    try:
        store.notices = parse({"sms": {"enabled": True, "url": gateway.url,
                                       "status_url": "https://hall.example/orders/status"}}, "hub.toml").sms
        now = [NOW]
        sender = SmsSender(store, store.notices, lambda: now[0])
        receipt = store.submit_order(order(), "EHALL-01", now=NOW)
        gateway.down = True
        assert sender.send_due() == 1 and sender.waiting() == 1
        gateway.down = False
        now[0] += dt.timedelta(seconds=30)
        assert sender.send_due() == 1 and sender.waiting() == 0
        assert [(g["to"], receipt.number in g["text"]) for g in gateway.taken] == [("13912345678", True)]
    finally:
        gateway.close()


def test_a_deleted_order_does_not_make_the_next_number_taken(store):
    """Numbers count within their day from its highest: after an old order is deleted (the
    retention), the next order still gets a new number (a count of the store's orders would
    hand out an existing one, and every later order was refused as "too busy")."""
    old = NOW - dt.timedelta(days=800)
    first = store.submit_order(order(1), "EHALL-01", old)
    store.submit_order(order(2), "EHALL-01", NOW)
    assert store.delete_order(first.id)
    third = store.submit_order(order(3), "EHALL-01", NOW)
    assert third.number == NOW.strftime("%Y%m%d") + "000002"
