# SPDX-License-Identifier: Apache-2.0
"""The staff's reply, the audit trail's notes and a rating's free text encrypted at rest
(helpdesk/order_crypt.py SEALED_TEXTS), on SQLite and on a real PostgreSQL: the raw tables hold
none of them in plain text; the 查询码's holder still reads the reply; a logged-in helper reads
all; migration 0007 seals those kept before."""
import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from helpdesk.accounts import Accounts
from helpdesk.order_crypt import OrderCipher, keygen
from helpdesk.orders import OrderStore, order_events, ratings, upgrade
from helpdesk.orders_console import OrdersConsole
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)
REPLY, NOTE, COMMENT = "请带身份证到三号窗口补办护照", "已电话联系王女士，明早回访", "等了太久，窗口没人"
ORDER = {"id": "rec0001", "category": "求助", "description": "护照丢了", "phone": "13912345678"}


def raw_texts(url) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as db:
        rows = [*db.execute(sa.text("SELECT * FROM orders")), *db.execute(sa.select(order_events)),
                *db.execute(sa.select(ratings))]
    engine.dispose()
    return repr(rows)


def handled(store: OrderStore) -> str:
    """An order answered, noted, closed and rated badly with a comment; its 查询码."""
    receipt = store.submit_order(ORDER, "EHALL-01", NOW)
    store.act(receipt.id, "helper1", "reply", REPLY, NOW)
    store.act(receipt.id, "helper1", "return", NOTE, NOW)
    store.act(receipt.id, "helper1", "reply", REPLY, NOW)
    assert store.rate_order(receipt.number, 2, ["等候时间长"], COMMENT, NOW)
    return receipt.code or ""


def test_reply_notes_and_rating_text_are_sealed_and_open_where_they_are_read(store_url, tmp_path):
    upgrade(store_url)
    store = OrderStore(store_url, cipher=OrderCipher.load(keygen(tmp_path / "orders.key")))
    code = handled(store)
    raw = raw_texts(store_url)
    for plain in (REPLY, NOTE, COMMENT, "三号窗口", "王女士"):
        assert plain not in raw
    assert store.status(code)["reply"] == REPLY                    # the citizen's status page
    seen = OrdersConsole(store, Accounts(str(tmp_path / "hub.sqlite3"))).one("rec0001")
    assert seen["reply"] == REPLY
    assert [h["detail"] for h in seen["history"]][1:] == [REPLY, NOTE, REPLY]
    assert store.history("rec0001")[2] == ("helper1", "return", NOTE)
    assert [f["text"] for f in store.follow_ups()] == [COMMENT]
    store.engine.dispose()


def test_migration_0007_seals_the_texts_kept_before_the_key(store_url, tmp_path):
    cfg = Config()
    cfg.set_main_option("script_location", "helpdesk/migrations")
    cfg.set_main_option("sqlalchemy.url", store_url)
    command.upgrade(cfg, "0006")                                     # a store from before this change
    plain = OrderStore(store_url)
    code = handled(plain)
    assert REPLY in raw_texts(store_url) and COMMENT in raw_texts(store_url)
    plain.engine.dispose()
    cipher = OrderCipher.load(keygen(tmp_path / "orders.key"))
    upgrade(store_url, cipher)                                       # `ehall-helpdesk db upgrade`
    raw = raw_texts(store_url)
    assert REPLY not in raw and NOTE not in raw and COMMENT not in raw
    if store_url.startswith("sqlite"):                              # no old bytes left in free pages
        data = open(store_url.removeprefix("sqlite:///"), "rb").read()
        assert REPLY.encode() not in data and COMMENT.encode() not in data
    store = OrderStore(store_url, cipher=cipher)
    assert store.status(code)["reply"] == REPLY
    assert store.follow_ups()[0]["text"] == COMMENT
    store.engine.dispose()
