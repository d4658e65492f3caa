# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics, kiosk → hub, end to end: the kiosk's counter and StatsReporter on the
real AssistService link to the real hub with its records' store; what the console's API and the
CSV then give; and an ID number and a phone typed as queries never reach the hub's database or
the CSV. Also the hub's checks on the message, and a hub without a store."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from assist_testkit import HubThread, kiosk_config, started_services
from kiosk.ops.stats import HallCounter
from kiosk.ops.stats_report import StatsReporter
from waiting import wait_for

WAIT = 10.0
ID = "370102198001011234"
PHONE = "13912345678"


@pytest.fixture
def hub(tmp_path):
    from helpdesk.orders import OrderStore, upgrade

    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    h = HubThread(tmp_path)
    h.orders = OrderStore(url)
    h.start()
    h.db_file = tmp_path / "orders.db"
    yield h
    h.close()
    h.orders.engine.dispose()


def get(hub, path, token, raw=False):
    async def go():
        async with hub.session.get(hub.http + path, headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status, (await r.read() if raw else await r.json())
    return hub.run(go())


def console_token(hub):
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    return hub.accounts.login("wangfang", "password-wangfang")


def test_counts_reach_the_console_and_the_csv_without_an_id_or_a_phone(hub, tmp_path):
    """GIVEN a kiosk that counted yesterday and today, with an ID number and a phone typed as
    queries WHEN its link to the hub is up THEN the hub acknowledges both days (yesterday leaves
    the kiosk), the console's API shows the counts per day, the top and zero-result queries, and
    the CSV has them; neither number is anywhere in the hub's database file or the CSV."""
    token = console_token(hub)
    today = dt.date.today()
    day = [today - dt.timedelta(days=1)]
    counter = HallCounter(today=lambda: day[0])
    for _ in range(3):
        counter.citizen_session()
    counter.searched("低保", 4)
    counter.searched(ID, 0)
    counter.call("answered", 42, 300)
    day[0] = today
    counter.citizen_session()
    counter.searched("低保", 4)
    counter.searched(f"电话 {PHONE}", 0)
    counter.searched("低保", 4)
    counter.item_viewed()
    counter.guide_printed()
    counter.call("no_helper", 61, 0)
    counter.identity("started")
    counter.identity("identified")
    counter.rated(5)
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatsReporter(service, counter, tmp_path / "stats.json", send_s=3600, save_s=3600).start()
        try:
            wait_for(lambda: counter.unsent() == [], WAIT, "the hub acknowledges both days")
            counter.searched("低保", 4)                 # today goes on: sent again, it replaces today's row
            assert reporter.send() == 1
            wait_for(lambda: counter.unsent() == [], WAIT, "the hub acknowledges today again")
        finally:
            reporter.stop()
    assert [d["day"] for d in counter.days()] == [today.isoformat()]    # yesterday is the hub's now

    status, body = get(hub, f"/api/stats?from={today - dt.timedelta(days=6)}&to={today}", token)
    assert status == 200
    days = {d["day"]: d for d in body["days"]}
    assert len(days) == 7 and days[str(today - dt.timedelta(days=2))]["sessions"] == 0
    y, t = days[str(today - dt.timedelta(days=1))], days[str(today)]
    assert (y["sessions"], y["searches"], y["calls"], y["call_wait_avg_s"], y["call_talk_avg_s"]) == (3, 2, 1, 42, 300)
    assert (t["sessions"], t["searches"], t["zero_searches"], t["items_viewed"], t["guides_printed"]) == (1, 4, 1, 1, 1)
    assert t["call_outcomes"] == {"no_helper": 1} and t["identity"] == {"started": 1, "identified": 1}
    assert body["totals"]["ratings"] == {"5": 1} and body["totals"]["sessions"] == 4
    assert body["terminals"][0]["terminal"] == "EHALL-T1"
    assert body["top_queries"][0] == {"query": "低保", "count": 4}
    assert {q["query"] for q in body["zero_queries"]} == {"[号码]", "电话 [号码]"}

    status, csv_bytes = get(hub, f"/api/stats.csv?from={today - dt.timedelta(days=6)}&to={today}", token, raw=True)
    assert status == 200
    lines = csv_bytes.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("terminal,day,sessions,searches") and len(lines) == 3
    assert lines[2].startswith(f"EHALL-T1,{today},1,4,1,1,1,")
    status, q_bytes = get(hub, f"/api/stats.csv?kind=queries&to={today}", token, raw=True)
    queries = q_bytes.decode("utf-8-sig")
    assert f"EHALL-T1,{today},all,低保,3" in queries and f"{today},zero_result,电话 [号码],1" in queries

    assert get(hub, "/api/stats?from=2026-02-30", token) == (400, {"error": "from, to: dates YYYY-MM-DD"})
    stored = b"".join(p.read_bytes() for p in [*tmp_path.glob("orders.db*"), *tmp_path.glob("hub.sqlite3*")])
    assert hub.db_file.read_bytes() in stored and "低保".encode() in stored     # the hub's files, with the counts
    for number in (ID, PHONE):
        for shown in (csv_bytes, q_bytes, stored, (tmp_path / "stats.json").read_bytes()):
            assert number.encode() not in shown
    assert not re.search(rb"1391234|3701021980|12345678", stored + csv_bytes + q_bytes)


def talk(hub, *msgs):
    """A bare kiosk socket as EHALL-T1: what the hub answers each message."""
    from assist_testkit import TEST_TOKEN

    async def go():
        got = []
        async with hub.session.ws_connect(hub.url + "/ws/kiosk", headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": "EHALL-T1"})
            assert (await ws.receive_json())["type"] == "welcome"
            for m in msgs:
                await ws.send_json(m)
                got.append(await ws.receive_json())
        return got
    return hub.run(go())


def test_the_hub_checks_each_day_and_one_bad_day_holds_back_no_other(hub):
    """A malformed message gets ``bad_message`` naming the field; a day that breaks a rule is
    refused in the ``stats_ack`` with why (the kiosk drops it), and the good days beside it are
    stored."""
    today = dt.date.today().isoformat()
    malformed, mixed = talk(hub, {"type": "stats", "days": "all"}, {"type": "stats", "days": [
        {"day": "2026-13-01", "sessions": 1}, {"day": today, "sessions": -1},
        {"day": today, "queries": [["x" * 41, 1]]}, {"day": "2020-01-02", "sessions": 2, "rev": 5}]})
    assert (malformed["type"], malformed["code"], malformed["message"]) == \
        ("error", "bad_message", "stats: days: a list of 1 to 7 days")
    assert mixed["type"] == "stats_ack" and mixed["days"] == [{"day": "2020-01-02", "rev": 5}]
    assert [(r["day"], r["why"]) for r in mixed["refused"]] == [
        ("2026-13-01", "stats: day: a date YYYY-MM-DD"),
        (today, "stats: sessions must be a whole number from 0 to 10000000"),
        (today, "stats: queries: each is [query of 1-40 characters, count]")]
    counter = HallCounter(today=lambda: dt.date(2026, 12, 5), days={"2026-13-01": {"day": "2026-13-01", "rev": 1}})
    StatsReporter(None, counter, None)._from_hub(mixed)     # what the kiosk does with that answer
    assert counter.days() == []                          # refused: never sent again
    token = console_token(hub)
    assert get(hub, "/api/stats?from=2020-01-02&to=2020-01-02", token)[1]["totals"]["sessions"] == 2


def test_a_hub_without_a_store_says_so(tmp_path):
    """``stats_not_stored`` to the kiosk (it keeps its counts); the console's API says why (503)."""
    bare = HubThread(tmp_path).start()
    try:
        [no_store] = talk(bare, {"type": "stats", "days": [{"day": dt.date.today().isoformat(), "sessions": 1}]})
        assert (no_store["type"], no_store["code"]) == ("error", "stats_not_stored")
        token = console_token(bare)
        status, body = get(bare, "/api/stats", token)
        assert status == 503 and "orders_url" in body["error"]
        assert get(bare, "/api/stats", "wrong")[0] == 401
    finally:
        bare.close()


def test_a_hub_that_is_down_loses_nothing(hub, tmp_path):
    """GIVEN a kiosk whose counts the hub has WHEN the hub stops, the kiosk counts on, and the hub
    comes back THEN the kiosk sends the new counts by itself as the link returns, and the console
    shows them all."""
    token = console_token(hub)
    today = dt.date.today()
    counter = HallCounter()
    counter.citizen_session()
    with started_services(backoff_first_s=0.2, backoff_max_s=0.5) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatsReporter(service, counter, tmp_path / "stats.json", send_s=3600, save_s=3600).start()
        try:
            wait_for(lambda: counter.unsent() == [], WAIT, "the hub has the first session")
            hub.stop_server()
            hub.server = None
            wait_for(lambda: not reporter.linked, WAIT, "the kiosk sees the hub gone")
            counter.citizen_session()
            counter.citizen_session()
            assert reporter.send() == 0 and len(counter.unsent()) == 1     # kept, not sent into nothing
            hub.start()                                                     # same port, same store
            wait_for(lambda: counter.unsent() == [], WAIT, "sent again as the link returns")
        finally:
            reporter.stop()
    status, body = get(hub, f"/api/stats?from={today}&to={today}", token)
    assert status == 200 and body["totals"]["sessions"] == 3
