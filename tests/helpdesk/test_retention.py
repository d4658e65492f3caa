# SPDX-License-Identifier: Apache-2.0
"""The retention rule for work orders (helpdesk/retention.py), on SQLite and on a real
PostgreSQL server started for the test, with an injected clock: closed orders past
``order_retention_days`` go with their photos, audit trail and SMS notices; open orders, orders
with an open 差评 follow-up and the aggregated statistics stay; the hub sweeps at start."""
import asyncio
import base64
import datetime as dt
import io
import logging

import pytest
import sqlalchemy as sa
from PIL import Image

from helpdesk import cli
from helpdesk.config import ConfigError, parse
from helpdesk.orders import OrderStore, order_events, order_rating_id, order_photos, ratings, sms_queue, upgrade
from helpdesk.retention import sweep
from helpdesk.sms import parse_sms
from helpdesk_testkit import Clock, HubFixture
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

FILED = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def jpeg() -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def store(store_url):
    url = store_url
    upgrade(url)
    s = OrderStore(url, notices=parse_sms({"enabled": True, "url": "http://127.0.0.1:9/sms", "status_url": "http://127.0.0.1:8470/orders/status"}))
    yield s
    s.engine.dispose()


def filed(store, n, closed_days_after=None, bad_rating=None):
    rec = {"id": f"rec{n:04d}", "category": "求助", "description": f"护照丢了{n}", "phone": "13912345678",
           "photos": [jpeg()]}
    receipt = store.submit_order(rec, "EHALL-01", FILED)
    if closed_days_after is not None:
        store.act(rec["id"], "h01", "reply", "请带身份证到3号窗口", FILED + dt.timedelta(days=1))
        store.act(rec["id"], "h01", "close", "", FILED + dt.timedelta(days=closed_days_after))
    if bad_rating is not None:
        store.rate_order(receipt.number, 1, ["办理时间长"], "", FILED + dt.timedelta(days=closed_days_after or 1))
        if bad_rating == "followed up":
            with store.engine.begin() as db:
                db.execute(ratings.update().where(ratings.c.id == order_rating_id(rec["id"]))
                           .values(follow_up_done="已回访"))
    return rec["id"]


def left(store, table):
    with store.engine.connect() as db:
        return sorted({r[0] for r in db.execute(sa.select(table.c.order_id))})


def test_closed_orders_past_the_retention_go_with_what_is_tied_to_them(store):
    old = filed(store, 1, closed_days_after=2)                          # closed 2024-03-03
    recent = filed(store, 2, closed_days_after=300)                     # closed 2024-12-26
    still_open = filed(store, 3)                                        # never closed
    waiting = filed(store, 4, closed_days_after=2, bad_rating="open")   # a 差评 not followed up yet
    followed = filed(store, 5, closed_days_after=2, bad_rating="followed up")
    assert len(left(store, sms_queue)) == 5 and len(left(store, order_photos)) == 5
    now = FILED + dt.timedelta(days=2 + 365)                            # 365 days after the first 办结
    assert sweep(store, 366, now).orders == 0                           # a day early: nothing
    result = sweep(store, 365, now + dt.timedelta(seconds=1))
    assert (result.orders, result.photos, result.kept_for_follow_up) == (2, 2, 1)
    assert result.events == 2 * 3                                       # submitted, reply, close
    assert result.notices == 2 * 3 + 1                                  # filed, replied, closed; one follow_up
    kept = sorted([recent, still_open, waiting])
    assert sorted(o["id"] for o in store.listing()) == kept
    for table in (order_photos, order_events, sms_queue):
        assert left(store, table) == kept
    with store.engine.connect() as db:                                  # the ratings (statistics) stay
        assert db.execute(sa.select(sa.func.count()).select_from(ratings)).scalar_one() == 2
    assert old not in kept and followed not in kept
    if store.engine.dialect.name == "sqlite":                          # no old bytes left in free pages
        data = open(store.engine.url.database, "rb").read()
        assert "护照丢了1".encode() not in data and "护照丢了5".encode() not in data
        assert "护照丢了2".encode() in data
    assert sweep(store, 365, now + dt.timedelta(days=1)).orders == 0    # nothing more is due


@pytest.mark.parametrize("value", [0, 29, 3651, 1.5, "730", True])
def test_a_bad_retention_is_a_config_error_naming_file_and_key(value):
    with pytest.raises(ConfigError, match=r"^hub\.toml: order_retention_days"):
        parse({"order_retention_days": value}, "hub.toml")
    assert parse({}, "hub.toml").order_retention_days == 730


def test_the_hub_sweeps_at_start_and_logs_counts_only(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    filed(store, 1, closed_days_after=2)
    filed(store, 2)
    clock = Clock(FILED.timestamp() + 800 * 86400)                      # the hub's injected clock

    async def go():
        fx = HubFixture(tmp_path, clock)
        fx.orders = store
        await fx.start()
        try:
            for _ in range(500):                                        # waits on the condition
                if fx.hub.retention.last is not None:
                    break
                await asyncio.sleep(0.01)
            return fx.hub.retention.last
        finally:
            await fx.stop()

    with caplog.at_level(logging.INFO, logger="helpdesk.retention"):
        result = asyncio.run(go())
    assert result is not None and result.orders == 1
    assert [o["id"] for o in store.listing()] == ["rec0002"]
    text = caplog.text
    assert "1 order(s) deleted" in text and "13912345678" not in text and "护照" not in text
    assert "2024" not in text                                            # no order number either


def test_the_cli_runs_the_sweep_now(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    filed(store, 1, closed_days_after=2)                                # closed in 2024: long past 30 days
    filed(store, 2)
    config = tmp_path / "hub.toml"
    config.write_text(f'orders_url = "{url}"\norder_retention_days = 30\ndb_path = "{tmp_path / "hub.sqlite3"}"\n')
    assert cli.main(["orders", "sweep", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("retention 30 days: 1 order(s) deleted with 1 photo(s)")
    assert [o["id"] for o in store.listing()] == ["rec0002"]
    config.write_text('order_retention_days = 10\n')
    assert cli.main(["orders", "sweep", "--config", str(config)]) == 2
    assert "order_retention_days must be 30-3650" in capsys.readouterr().err
