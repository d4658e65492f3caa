# SPDX-License-Identifier: Apache-2.0
"""查看我的工单 on the hub's store (issue 11), on SQLite and on a real PostgreSQL: an order an
identified citizen agreed to find by card keeps the kiosk's citizen tag keyed with the orders'
key; the tag finds that citizen's orders (number, category, status, deadline, replied) and only
theirs; an order filed without agreeing has none; the raw row holds no ID number and not even
the tag as the kiosk sent it."""
import datetime as dt

import sqlalchemy as sa

from helpdesk.order_citizen import by_citizen
from helpdesk.order_crypt import OrderCipher, keygen
from helpdesk.orders import OrderStore, upgrade
from kiosk.citizen_tag import citizen_tag, new_tag_key
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)
NUMBER, OTHER = "370102199001011234", "11010519491231002X"


def order(n, tag=None):
    rec = {"id": f"rec{n:04d}", "category": "求助", "description": "护照丢了", "phone": "13912345678"}
    return {**rec, "citizen_tag": tag} if tag else rec


def test_a_citizens_orders_are_found_by_their_tag_only(store_url, tmp_path):
    upgrade(store_url)
    store = OrderStore(store_url, cipher=OrderCipher.load(keygen(tmp_path / "orders.key")))
    key = new_tag_key()
    mine, theirs = citizen_tag(NUMBER, key), citizen_tag(OTHER, key)
    first = store.submit_order(order(1, mine), "EHALL-01", NOW)
    second = store.submit_order(order(2, mine), "EHALL-02", NOW + dt.timedelta(hours=1))
    store.submit_order(order(3, theirs), "EHALL-01", NOW)
    store.submit_order(order(4), "EHALL-01", NOW)                       # not agreed: no tag
    store.act(first.id, "王芳", "reply", "已办好")
    found = by_citizen(store, mine)
    assert [o["number"] for o in found] == [second.number, first.number]     # newest first
    assert found[1]["replied"] is True and found[0]["replied"] is False
    assert found[1]["status"] == "replied" and found[0]["category"] == "求助"
    assert set(found[0]) == {"number", "category", "status", "deadline", "replied"}   # no phone, name, text
    assert [o["number"] for o in by_citizen(store, theirs)] == ["20261204000003"]
    assert by_citizen(store, citizen_tag("110101200001010015", key)) == []
    assert by_citizen(store, NUMBER) == [] and by_citizen(store, "") == []
    engine = sa.create_engine(store_url)
    with engine.connect() as db:
        raw = repr([*db.execute(sa.text("SELECT * FROM orders"))])
        untagged = db.execute(sa.text("SELECT citizen_tag FROM orders WHERE id = 'rec0004'")).scalar()
    engine.dispose()
    assert untagged is None
    for secret in (NUMBER, OTHER, NUMBER[-8:], mine, theirs):       # neither the number nor the kiosk's tag
        assert secret not in raw


def test_without_the_orders_key_the_tag_is_kept_as_sent(store_url):
    upgrade(store_url)
    store = OrderStore(store_url)
    tag = citizen_tag(NUMBER, new_tag_key())
    store.submit_order(order(1, tag), "EHALL-01", NOW)
    assert len(by_citizen(store, tag)) == 1


def test_a_tag_that_is_not_one_is_refused():
    import pytest

    from helpdesk.orders import OrderError
    store = OrderStore("sqlite://")
    with pytest.raises(OrderError, match="citizen_tag"):
        store.submit_order(order(1, NUMBER), "EHALL-01", NOW)


def test_after_a_key_rotation_the_tag_still_finds_and_is_keyed_anew(store_url, tmp_path):
    """``orders rotate-key`` puts a new key on top; the card still finds the order, whose tag is then
    keyed with the newest key; until then ``retire-keys`` counts it as needing the older key."""
    from helpdesk.order_keys import old_lookups, rotate_key
    upgrade(store_url)
    path = keygen(tmp_path / "orders.key")
    store = OrderStore(store_url, cipher=OrderCipher.load(path))
    tag = citizen_tag(NUMBER, new_tag_key())
    receipt = store.submit_order({**order(1, tag), "code_hash": "a" * 64}, "EHALL-01", NOW)
    rotate_key(path, store.engine)
    store.status("unused")                                   # the cipher reads the changed key file
    with store.engine.begin() as db:
        assert old_lookups(db, store.cipher) == 1            # the order (its code's hash and its tag)
        db.execute(sa.text("UPDATE orders SET code_hash = :h, code_key = :k"),
                   {"h": store.cipher.keyed("a" * 64)[0][1], "k": store.cipher.newest})   # as a code lookup does
        assert old_lookups(db, store.cipher) == 1            # the tag still needs the older key
    assert [o["number"] for o in by_citizen(store, tag)] == [receipt.number]
    with store.engine.begin() as db:
        assert old_lookups(db, store.cipher) == 0
    assert [o["number"] for o in by_citizen(store, tag)] == [receipt.number]
