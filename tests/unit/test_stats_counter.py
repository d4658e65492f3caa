# SPDX-License-Identifier: Apache-2.0
"""The hall's statistics at the kiosk (kiosk/ops/stats*.py): what a query keeps after masking,
what the core's observers count (a real Session; the other services' observers as the core
notifies them), and the sender that keeps days until the hub acknowledges them."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from drivers.base import DeviceEvent
from kiosk.assist.status import AssistStatus
from kiosk.identity_model import IdentityState, Step
from kiosk.observe import Observers
from kiosk.ops.stats import HallCounter, stat_query
from kiosk.ops.stats_feed import StatsFeed
from kiosk.ops.stats_report import StatsReporter, load
from kiosk.session import Session

ID = "370102198001011234"
PHONE = "13912345678"


def test_a_query_keeps_no_digits_of_an_id_or_a_phone():
    typed = [ID, f"补办身份证 {ID}", "11010519491231002X", PHONE, "139 1234 5678", "+86 139-1234-5678",
             "0531-86123456", "6222021234567890123 银行卡"]
    for text in typed:
        kept = stat_query(text)
        assert "[号码]" in kept, (text, kept)
        assert not re.search(r"[0-9]{3}", kept), (text, kept)     # not even the 4 a masked log line keeps
    assert stat_query(f"补办身份证 {ID}") == "补办身份证 [号码]"
    assert stat_query("  低保   申请 ") == "低保 申请"
    assert stat_query("2024年 社保 DiBao") == "2024年 社保 dibao"      # a year is no one's number
    assert len(stat_query("办" * 100)) == 40


class Device:
    def __init__(self):
        self.events = Observers("device")
        self.subscribe, self.unsubscribe = self.events.subscribe, self.events.unsubscribe


def kiosk_with(clock):
    session = Session(60, 10, clock=clock)
    return SimpleNamespace(session=session, searches=Observers("searches"),
                           devices={"receipt_printer": Device(), "a4_printer": Device()},
                           assist=Observers("assist"), identity=Observers("identity"),
                           records=SimpleNamespace(rated=Observers("ratings")))


def test_the_core_observers_are_counted_once_each():
    """GIVEN a kiosk's core WHEN two citizens search, open items, print guides, call a helper,
    check their identity and rate THEN the day has those counts, and the query counted is the
    last one typed before leaving the search screen."""
    now = [1000.0]
    k = kiosk_with(lambda: now[0])
    counter = HallCounter(today=lambda: dt.date(2026, 12, 5))
    feed = StatsFeed(k, counter, clock=lambda: now[0]).start()
    s = k.session
    s.touch()                                         # citizen 1
    s.go("search")
    for text, total in (("d", 40), ("di", 12), ("dibao", 3)):   # typed letter by letter
        k.searches.notify((text, total))
    s.go("item", id="SI-1")                           # a result opened
    s.back()
    k.searches.notify(("dibao", 3))                   # the list shown again on the way back
    s.go("item", id="SI-1")                           # the same query and item: counted once
    s.go("search")
    k.searches.notify((PHONE, 0))                     # a phone typed into search: nothing found
    s.go("item", id="SI-2")
    k.devices["receipt_printer"].events.notify(DeviceEvent("receipt_printer", "job_printed",
                                                           {"job_id": f"guide-{s.token}-SI-2-r1"}))
    k.devices["receipt_printer"].events.notify(DeviceEvent("receipt_printer", "job_printed",
                                                           {"job_id": "order-abc"}))     # not a guide
    k.devices["a4_printer"].events.notify(DeviceEvent("a4_printer", "job_completed",
                                                      {"job_key": f"guide-{s.token}-SI-2-a41"}))
    s.end("finished")
    s.touch()                                         # staff: 管理登录 (the long press), then 管理
    s.go("admin_login")
    s.end("admin")
    s.go("admin")
    s.end("admin_exit")
    s.touch()                                         # citizen 2
    s.go("search")
    k.searches.notify(("dibao", 3))
    for state, dt_s in (("requesting", 0), ("queued", 2), ("ringing", 30), ("connected", 5), ("ended", 120)):
        now[0] += dt_s
        k.assist.notify(AssistStatus(state))
    for state, dt_s in (("requesting", 0), ("queued", 1), ("no_helper", 60), ("idle", 1)):
        now[0] += dt_s
        k.assist.notify(AssistStatus(state))
    for step in (Step.CONSENT_CARD, Step.CONSENT_FACE, Step.WAITING_CARD, Step.CARD_ERROR, Step.WAITING_CARD,
                 Step.FACE, Step.FACE_FAILED, Step.FACE, Step.IDENTIFIED, Step.IDLE, Step.CONSENT_CARD, Step.HELPER):
        k.identity.notify(IdentityState(step))
    k.records.rated.notify(5)
    k.records.rated.notify(2)
    s.tick()
    now[0] += 1000
    s.tick()
    s.tick()                                          # timed out: the session ends
    feed.stop()
    [day] = counter.days()
    assert day["day"] == "2026-12-05"
    assert {k_: day[k_] for k_ in ("sessions", "searches", "zero_searches", "items_viewed", "guides_printed")} == \
        {"sessions": 2, "searches": 3, "zero_searches": 1, "items_viewed": 2, "guides_printed": 2}
    assert day["queries"] == [["dibao", 2], ["[号码]", 1]] and day["zero_queries"] == [["[号码]", 1]]
    assert (day["calls"], day["calls_answered"], day["call_wait_s"], day["call_wait_max_s"], day["call_talk_s"]) == \
        (2, 1, 37 + 61, 61, 120)
    assert day["call_outcomes"] == {"answered": 1, "no_helper": 1}
    assert day["identity"] == {"started": 2, "card_error": 1, "face_failed": 1, "identified": 1, "helper": 1}
    assert day["ratings"] == {"5": 1, "2": 1}
    assert PHONE not in repr(counter.state())


class Link:
    def __init__(self):
        self.taps, self.sent = [], []
        self.status = SimpleNamespace(linked=False)

    def tap(self, fn):
        self.taps.append(fn)

    def send_to_hub(self, msg):
        self.sent.append(msg)

    def hub_says(self, msg):
        for fn in self.taps:
            fn(msg)


def test_days_wait_for_the_hub_and_a_restart_keeps_them(tmp_path):
    """GIVEN counts of yesterday and today and no hub WHEN the link comes up THEN both days go;
    the hub's ack drops yesterday and keeps today (still counting); a clean stop writes the file
    and a new reporter from it sends only what the hub has not acknowledged."""
    today = [dt.date(2026, 12, 4)]
    path = tmp_path / "stats.json"
    counter = HallCounter(today=lambda: today[0])
    link = Link()
    reporter = StatsReporter(link, counter, path, send_s=3600, save_s=3600).start()
    counter.citizen_session()
    counter.searched("社保", 2)
    today[0] = dt.date(2026, 12, 5)
    counter.citizen_session()
    assert reporter.send() == 0 and link.sent == []          # no hub: nothing lost, nothing sent
    link.hub_says({"type": "link", "up": True})
    [msg] = link.sent
    assert msg["type"] == "stats" and [d["day"] for d in msg["days"]] == ["2026-12-04", "2026-12-05"]
    assert msg["days"][0]["queries"] == [["社保", 1]] and msg["days"][0]["rev"] == 2
    link.hub_says({"type": "stats_ack", "days": [{"day": "2026-12-04", "rev": 2}, {"day": "2026-12-05", "rev": 1}]})
    assert [d["day"] for d in counter.days()] == ["2026-12-05"] and counter.unsent() == []
    counter.citizen_session()                                # today goes on
    reporter.stop()
    again = HallCounter(today=lambda: today[0], days=load(path))
    [day] = again.unsent()
    assert (day["day"], day["sessions"], day["rev"]) == ("2026-12-05", 2, 2)
    again.acked("2026-12-05", 2)                             # acknowledged whole before midnight
    today[0] = dt.date(2026, 12, 6)
    assert again.unsent() == [] and again.days() == []       # a past day the hub holds: gone here
    path.write_text("not json")
    assert load(path) == {}                                  # a broken file: counting starts afresh


def test_wired_on_the_real_core(tmp_path):
    """kiosk.wiring.build_stats on a real Kiosk (catalogue, search, session), its records and an
    assist service (not started): a search typed and a result opened, a rating kept, the session
    ended, are counted and written to stats.json in the records' folder on stop."""
    from kiosk import config
    from kiosk.assist import AssistService
    from kiosk.core import Kiosk
    from kiosk.records import new_key
    from kiosk.records.service import build_records
    from kiosk.wiring import build_stats

    cfg = config.load().with_overrides(**{"assist.hub_url": "ws://127.0.0.1:9", "assist.hub_token": "t" * 32,
                                          "records.folder": str(tmp_path / "rec"), "records.outbox_key": new_key()})
    kiosk = Kiosk.build(cfg)
    kiosk.records = build_records(cfg)
    kiosk.assist = AssistService(cfg, kiosk.session)
    stats = build_stats(kiosk)
    try:
        kiosk.session.go("search")
        found = kiosk.search("低保")
        kiosk.search(f"低保 {PHONE}")
        kiosk.search("低保")
        kiosk.session.go("item", id=found.hits[0].item.id)
        assert kiosk.records.rate(4, "guide", found.hits[0].item.id)
        kiosk.session.end("finished")
    finally:
        stats.feed.stop()
        stats.stop()
        kiosk.records.stop()
    [day] = load(tmp_path / "rec" / "stats.json").values()
    assert (day["sessions"], day["searches"], day["zero_searches"], day["items_viewed"]) == (1, 1, 0, 1)
    assert day["queries"] == {"低保": 1} and day["ratings"] == {"4": 1}
