# SPDX-License-Identifier: Apache-2.0
"""好差评 on the console (helpdesk/ratings_report.py, helpdesk/orders_console.py): the report by
helper, item, terminal and month with the share of 差评 and their follow-ups, its CSV, and the
follow-up's outcome recorded once, sealed at rest. The store on SQLite and on a real PostgreSQL;
the API on the real hub, for logged-in console sessions only."""
import asyncio
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from helpdesk.order_crypt import OrderCipher, keygen
from helpdesk.orders import OrderError, OrderStore, ratings, upgrade
from helpdesk.ratings_report import record_follow_up, report
from helpdesk_testkit import orders_hub
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

NOV = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.timezone.utc)
DEC = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.timezone.utc)
OUTCOME = "已电话回访王女士，窗口已调整排班"


def seed(store: OrderStore) -> None:
    """Nine ratings: helper 王芳's calls (5, 4, 1), 李明's (5), guides of SI-0001 (5, 2) and
    SI-0002 (3), a session on SI-0001 (4), a session with no item (1); November and December."""
    rows = [("c1", "call", "call-1", "EHALL-01", "王芳", 5, NOV), ("c2", "call", "call-2", "EHALL-01", "王芳", 4, DEC),
            ("c3", "call", "call-3", "EHALL-02", "王芳", 1, DEC), ("c4", "call", "call-4", "EHALL-02", "李明", 5, DEC),
            ("g1", "guide", "SI-0001", "EHALL-01", None, 5, NOV), ("g2", "guide", "SI-0001", "EHALL-02", None, 2, DEC),
            ("g3", "guide", "SI-0002", "EHALL-01", None, 3, DEC), ("s1", "session", "SI-0001", "EHALL-01", None, 4, DEC),
            ("s2", "session", None, "EHALL-02", None, 1, NOV)]
    for rid, kind, target, terminal, helper, score, when in rows:
        rec = {"id": rid, "score": score, "target_kind": kind, "target_id": target, "helper": helper,
               "reasons": ["等候时间过长"] if score <= 2 else []}
        assert store.rate(rec, terminal, now=when)


def test_the_report_by_helper_item_terminal_and_month_and_the_follow_up_outcome(store_url, tmp_path):
    upgrade(store_url)
    store = OrderStore(store_url, cipher=OrderCipher.load(keygen(tmp_path / "orders.key")))
    seed(store)
    today = dt.date(2026, 12, 31)                       # every 差评's follow-up is overdue by then
    [c3] = [f for f in store.follow_ups() if f["id"] == "c3"]
    done = record_follow_up(store, c3["id"], "王芳", OUTCOME, now=DEC)
    assert done["follow_up_done"].endswith("王芳：" + OUTCOME)
    with pytest.raises(OrderError, match="no 差评 waiting"):
        record_follow_up(store, "c3", "王芳", "again")                 # once
    with pytest.raises(OrderError, match="no 差评 waiting"):
        record_follow_up(store, "c1", "王芳", "a good rating has no follow-up")
    with pytest.raises(OrderError, match="1 to 300"):
        record_follow_up(store, "g2", "王芳", "  ")
    with store.engine.connect() as db:                   # sealed at rest like the other texts
        raw = db.execute(sa.select(ratings.c.follow_up_done).where(ratings.c.id == "c3")).scalar()
    assert raw.startswith("enc1:") and "王女士" not in raw
    assert sorted(f["id"] for f in store.follow_ups()) == ["g2", "s2"]               # c3 is done

    start, end = dt.date(2026, 11, 1), dt.date(2026, 12, 31)
    helpers = {r["key"]: r for r in report(store.engine, "helper", start, end, today)}
    assert list(helpers) == ["—", "王芳", "李明"]                     # the most rated first
    wf = helpers["王芳"]
    assert (wf["count"], wf["mean"], wf["satisfied"], wf["bad"], wf["bad_share"]) == (3, 3.33, 0.667, 1, 0.333)
    assert (wf["follow_up_done"], wf["follow_up_open"], wf["follow_up_overdue"]) == (1, 0, 0)
    nobody = helpers["—"]
    assert (nobody["count"], nobody["bad"], nobody["follow_up_open"], nobody["follow_up_overdue"]) == (5, 2, 2, 2)
    items = {r["key"]: (r["count"], r["bad"]) for r in report(store.engine, "item", start, end, today)}
    assert items == {"SI-0001": (3, 1), "SI-0002": (1, 0)}           # calls and item-less sessions left out
    terminals = {r["key"]: r["count"] for r in report(store.engine, "terminal", start, end, today)}
    assert terminals == {"EHALL-01": 5, "EHALL-02": 4}
    months = report(store.engine, "month", start, end, today)
    assert [(r["key"], r["count"], r["bad"]) for r in months] == [("2026-11", 3, 1), ("2026-12", 6, 2)]
    assert [r["key"] for r in report(store.engine, "month", dt.date(2026, 12, 1), end, today)] == ["2026-12"]
    with pytest.raises(ValueError, match="by: one of"):
        report(store.engine, "phone", start, end, today)
    store.engine.dispose()


def test_the_console_api_needs_a_login_and_gives_json_and_csv(tmp_path):
    async def go():
        fx = await orders_hub(tmp_path, helpers=1)
        try:
            seed(fx.orders)
            fx.orders.rate({"id": "x1", "score": 1, "reasons": ["其他"], "target_kind": "guide",
                            "target_id": "=HYPERLINK(\"x\")"}, "EHALL-03", now=DEC)
            api, auth = fx.server.make_url, {"Authorization": f"Bearer {fx.tokens['h00']}"}
            query = "?by=item&from=2026-11-01&to=2026-12-31"
            async with fx.session.get(api("/api/ratings/report" + query)) as r:
                assert r.status == 401
            async with fx.session.get(api("/api/ratings/report" + query), headers=auth) as r:
                body = await r.json()
            assert body["by"] == "item" and [row["key"] for row in body["rows"]][0] == "SI-0001"
            async with fx.session.get(api("/api/ratings/report" + query + "&format=csv"), headers=auth) as r:
                assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
                assert "attachment" in r.headers["Content-Disposition"]
                text = (await r.read()).decode("utf-8")
            assert text.startswith("\ufeffkey,count,mean,satisfied,bad,bad_share,")
            import csv
            keys = [row["key"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
            assert "SI-0001" in keys and "'=HYPERLINK(\"x\")" in keys        # never run as a formula
            for bad in ("?by=phone", "?from=2026-12-31&to=2026-01-01", "?from=2020-01-01&to=2026-12-31", "?to=x"):
                async with fx.session.get(api("/api/ratings/report" + bad), headers=auth) as r:
                    assert r.status == 400, bad
            async with fx.session.post(api("/api/ratings/g2/follow-up"), json={"outcome": OUTCOME}) as r:
                assert r.status == 401
            async with fx.session.post(api("/api/ratings/g2/follow-up"), headers=auth,
                                       json={"outcome": OUTCOME}) as r:
                assert r.status == 200 and (await r.json())["follow_up_done"].endswith("h00：" + OUTCOME)
            async with fx.session.post(api("/api/ratings/g2/follow-up"), headers=auth, json={"outcome": "x"}) as r:
                assert r.status == 400                                           # recorded once
            async with fx.session.get(api("/api/ratings/follow-ups"), headers=auth) as r:
                assert "g2" not in [f["id"] for f in (await r.json())["follow_ups"]]
        finally:
            await fx.stop()
    asyncio.run(asyncio.wait_for(go(), 60))
