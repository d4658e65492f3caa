# SPDX-License-Identifier: Apache-2.0
"""Rotating the orders' key (helpdesk/order_keys.py), on SQLite and on a real PostgreSQL:
``orders rotate-key`` puts a new key on top of the key file and seals the store again; every
reader (status page by 查询码, a helper's view, photos, the SMS sender) still works, also in a hub
that was running meanwhile; the old key alone opens nothing any more (the 查询码 hashes excepted,
by design, until looked up); ``orders retire-keys`` refuses while an order needs an old key."""
import base64
import datetime as dt
import stat

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from helpdesk import cli
from helpdesk.accounts import Accounts
from helpdesk.config import load
from helpdesk.order_crypt import OrderCipher, OrderKeyError, keygen, seal_rows
from helpdesk.orders import OrderStore, order_events, order_photos, orders, ratings, upgrade
from helpdesk.orders_console import OrdersConsole
from helpdesk.sms_queue import SmsSender
from ehall_common.order_code import code_hash
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures
from test_order_crypt import NAME, PHONE, TEXT, order, photo
from test_sms import gateway  # noqa: F401 - fixture

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)
REPLY, NOTE, COMMENT = "请带身份证到三号窗口补办护照", "已电话联系王女士，明早回访", "等了太久，窗口没人"


def hub_config(tmp_path, url, key, sms_url=None):
    text = (f'orders_url = "{url}"\ndb_path = "{tmp_path / "hub.sqlite3"}"\norder_key_file = "{key}"\n')
    if sms_url:
        text += (f'[sms]\nenabled = true\nurl = "{sms_url}"\ntoken = "gw-secret"\n'
                 'status_url = "https://hall.example.gov.cn/orders/status"\n')
    path = tmp_path / "hub.toml"
    path.write_text(text)
    return str(path)


def sealed_values(url) -> list:
    """Every sealed value in the store as the database hands it out."""
    engine = sa.create_engine(url)
    with engine.connect() as db:
        values = [v for table in (orders, order_events, ratings, order_photos)
                  for row in db.execute(sa.select(table)) for v in row
                  if (isinstance(v, str) and v.startswith("enc1:")) or (isinstance(v, bytes) and v[:5] == b"enc1:")]
    engine.dispose()
    return values


def code_hashes(url) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as db:
        kept = {r.id: r.code_hash for r in db.execute(sa.select(orders.c.id, orders.c.code_hash))}
    engine.dispose()
    return kept


def handled(store: OrderStore, n: int) -> str:
    receipt = store.submit_order(order(n), "EHALL-01", NOW)
    store.act(receipt.id, "helper1", "return", NOTE, NOW)
    store.act(receipt.id, "helper1", "reply", REPLY, NOW)
    assert store.rate_order(receipt.number, 2, ["等候时间长"], COMMENT, NOW)
    return receipt.code or ""


def test_rotation_keeps_every_order_readable_and_the_old_key_alone_opens_nothing(store_url, tmp_path, gateway,
                                                                                  capsys):
    upgrade(store_url)
    key = keygen(tmp_path / "orders.key")
    old = key.read_bytes().strip()
    config = hub_config(tmp_path, store_url, key, gateway.url)
    running = OrderStore(store_url, notices=load(config).sms, cipher=OrderCipher.load(key))   # a hub running
    codes = [handled(running, 1), handled(running, 2)]
    assert len(sealed_values(store_url)) == 2 * (4 + 1 + 2 + 1)   # fields+reply, photo, notes, rating

    assert cli.main(["--config", config, "orders", "rotate-key"]) == 0
    said = capsys.readouterr().out
    assert "a new key on top, 1 older key(s) below it" in said
    assert "sealed again with the newest key: 16 value(s)" in said
    assert "2 order(s) are found by their 查询码 only with an older key" in said
    lines = key.read_bytes().split()
    assert len(lines) == 2 and lines[1] == old and stat.S_IMODE(key.stat().st_mode) == 0o600
    [backup] = tmp_path.glob("orders.key.*.bak")
    assert backup.read_bytes().strip() == old and stat.S_IMODE(backup.stat().st_mode) == 0o600

    old_only, new_only = OrderCipher(old), OrderCipher(lines[0])
    for value in sealed_values(store_url):                         # the old key alone opens nothing
        with pytest.raises(OrderKeyError):
            old_only.open(value)
        new_only.open(value)
    assert set(code_hashes(store_url).values()) == {old_only.lookup(code_hash(c)) for c in codes}   # by design

    # the hub that ran meanwhile reads the rotated store and seals with the new key
    assert running.status(codes[0])["reply"] == REPLY
    seen = OrdersConsole(running, Accounts(str(tmp_path / "hub.sqlite3"))).one("rec0001")
    assert (seen["phone"], seen["description"], seen["name_masked"], seen["reply"]) == (PHONE, TEXT, NAME, REPLY)
    assert [h["detail"] for h in seen["history"]][1:] == [NOTE, REPLY]
    assert base64.b64decode(seen["photos"][0]) == photo() == running.photo("rec0002", 0)
    assert [f["text"] for f in running.follow_ups()] == [COMMENT, COMMENT]
    assert SmsSender(running, running.notices, lambda: NOW + dt.timedelta(minutes=1)).send_due() == 6
    assert {t["to"] for t in gateway.taken} == {PHONE}
    late = running.submit_order(order(3), "EHALL-01", NOW)
    with running.engine.connect() as db:
        assert new_only.open(db.execute(sa.select(orders.c.phone).where(orders.c.id == late.id)).scalar_one()) == PHONE

    # the first code looked up above is keyed with the new key now; the second still needs the old one
    assert code_hashes(store_url)["rec0001"] == new_only.lookup(code_hash(codes[0]))
    assert cli.main(["--config", config, "orders", "retire-keys"]) == 2
    err = capsys.readouterr().err
    assert "1 order(s) are still found by their 查询码 only with an older key; the older keys stay" in err
    assert "Traceback" not in err and len(key.read_bytes().split()) == 2
    assert running.status(codes[1])["number"].endswith("000002")
    assert cli.main(["--config", config, "orders", "retire-keys"]) == 0
    assert "only the newest key is left" in capsys.readouterr().out
    assert key.read_bytes().split() == [lines[0]]
    fresh = OrderStore(store_url, cipher=OrderCipher.load(key))
    assert [fresh.status(c)["reply"] for c in codes] == [REPLY, REPLY]
    assert fresh.photo("rec0001", 0) == photo()
    assert cli.main(["--config", config, "orders", "retire-keys"]) == 0
    assert "holds one key: nothing to retire" in capsys.readouterr().out
    fresh.engine.dispose()
    running.engine.dispose()


def test_an_interrupted_rotation_is_finished_by_reseal_and_stores_sealed_before_0008_count(store_url, tmp_path,
                                                                                        capsys):
    cfg = Config()
    cfg.set_main_option("script_location", "helpdesk/migrations")
    cfg.set_main_option("sqlalchemy.url", store_url)
    command.upgrade(cfg, "0007")                                    # sealed before the key ids were kept
    key = keygen(tmp_path / "orders.key")
    plain = OrderStore(store_url)
    code = plain.submit_order(order(1), "EHALL-01", NOW).code
    with plain.engine.begin() as db:
        seal_rows(db, OrderCipher.load(key))
    plain.engine.dispose()
    upgrade(store_url)                                              # 0008 without the key: ids unknown
    config = hub_config(tmp_path, store_url, key)
    assert cli.main(["--config", config, "orders", "rotate-key", "--add-only"]) == 0
    assert "Nothing sealed again yet" in capsys.readouterr().out
    assert cli.main(["--config", config, "orders", "reseal"]) == 0
    said = capsys.readouterr().out
    assert "sealed again with the newest key: 4 value(s)" in said      # phone, name, description, photo
    assert "1 order(s) are found by their 查询码 only with an older key" in said
    assert cli.main(["--config", config, "orders", "reseal"]) == 0      # nothing left to do
    assert "sealed again with the newest key: 0 value(s)" in capsys.readouterr().out
    store = OrderStore(store_url, cipher=OrderCipher.load(key))
    assert store.status(code)["number"].endswith("000001")
    store.engine.dispose()
    assert cli.main(["--config", config, "orders", "retire-keys"]) == 0


def test_a_corrupt_or_doubled_key_line_is_a_clear_error(tmp_path, capsys):
    key = keygen(tmp_path / "orders.key")
    good = key.read_bytes().strip()
    for content, said in ((good + b"\nnot-a-key\n", "line 2: not a key made by `ehall-helpdesk orders keygen`"),
                          (good[:-4] + b"\n" + good + b"\n", "line 1: not a key made by"),
                          (good + b"\n" + good + b"\n", "the same key twice"),
                          (b"# only a comment\n\n", "no key in it")):
        key.write_bytes(content)
        with pytest.raises(OrderKeyError, match=said.replace("`", ".")):
            OrderCipher.load(key)
    key.write_bytes(b"# added 2026-12-05\n" + good + b"\n\n")
    assert OrderCipher.load(key).key_ids == OrderCipher(good).key_ids
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    key.write_bytes(good + b"\nnot-a-key\n")
    assert cli.main(["--config", hub_config(tmp_path, url, key), "orders", "rotate-key"]) == 2
    err = capsys.readouterr().err
    assert "line 2: not a key made by" in err and "Traceback" not in err
    assert key.read_bytes() == good + b"\nnot-a-key\n" and not list(tmp_path.glob("*.bak"))
