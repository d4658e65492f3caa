# SPDX-License-Identifier: Apache-2.0
"""Work orders encrypted at rest (helpdesk/order_crypt.py), on SQLite and on a real PostgreSQL:
the raw database holds no phone, name, description or photo in plain text; the 查询码 still finds
the order; a logged-in helper's view opens them; migration 0006 seals orders kept before the key;
a missing, open or wrong key stops the hub's start with a clear message."""
import base64
import datetime as dt
import io
import os
import stat

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from PIL import Image

from helpdesk import cli
from helpdesk.accounts import Accounts
from helpdesk.order_crypt import OrderCipher, OrderKeyError, keygen
from helpdesk.orders import OrderStore, order_photos, orders, upgrade
from helpdesk.orders_console import OrdersConsole
from store_fixtures import postgres, store_url  # noqa: F401 - fixtures

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)
PHONE, TEXT, NAME = "13912345678", "护照丢了，想问补办流程，住在幸福路8号", "张*三"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 220)).save(out, "JPEG")
    return out.getvalue()


def order(n=1):
    return {"id": f"rec{n:04d}", "category": "求助", "description": TEXT, "phone": PHONE, "name_masked": NAME,
            "photos": [base64.b64encode(photo()).decode()]}


def raw_rows(url) -> str:
    """Everything in the orders and photos tables as the database hands it out, as text."""
    engine = sa.create_engine(url)
    with engine.connect() as db:
        rows = [*db.execute(sa.text("SELECT * FROM orders")), *db.execute(sa.select(order_photos))]
    engine.dispose()
    return repr(rows)


def test_personal_fields_are_sealed_at_rest_and_open_for_a_helper(store_url, tmp_path):
    upgrade(store_url)
    cipher = OrderCipher.load(keygen(tmp_path / "orders.key"))
    store = OrderStore(store_url, cipher=cipher)
    receipt = store.submit_order(order(), "EHALL-01", NOW)
    raw = raw_rows(store_url)
    for plain in (PHONE, TEXT, NAME, "13912"):
        assert plain not in raw
    assert "enc1:" in raw and str(base64.b64encode(photo())[:40]) not in raw
    if store_url.startswith("sqlite"):                              # the file itself, byte by byte
        store.engine.dispose()
        path = store_url.removeprefix("sqlite:///")
        data = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
        assert PHONE.encode() not in data and TEXT.encode() not in data and NAME.encode() not in data
        assert photo()[200:260] not in data                             # no run of the JPEG's bytes
    assert store.status(receipt.code)["number"] == receipt.number    # the 查询码 still finds it
    assert store.status("ABCDEFGHJK") is None
    with store.engine.connect() as db:                               # the code's hash is keyed
        kept = db.execute(sa.select(orders.c.code_hash)).scalar_one()
    from ehall_common.order_code import code_hash
    assert kept != code_hash(receipt.code)
    seen = OrdersConsole(store, Accounts(str(tmp_path / "hub.sqlite3"))).one(receipt.id)
    assert (seen["phone"], seen["description"], seen["name_masked"]) == (PHONE, TEXT, NAME)
    assert base64.b64decode(seen["photos"][0]) == photo() == store.photo(receipt.id, 0)
    store.engine.dispose()


def test_migration_0006_seals_the_orders_kept_before_the_key(store_url, tmp_path):
    cfg = Config()
    cfg.set_main_option("script_location", "helpdesk/migrations")
    cfg.set_main_option("sqlalchemy.url", store_url)
    command.upgrade(cfg, "0005")                                     # a store from before this change
    plain = OrderStore(store_url)
    old = plain.submit_order(order(1), "EHALL-01", NOW)
    assert PHONE in raw_rows(store_url)
    plain.engine.dispose()
    cipher = OrderCipher.load(keygen(tmp_path / "orders.key"))
    upgrade(store_url, cipher)                                       # `ehall-helpdesk db upgrade`
    raw = raw_rows(store_url)
    assert PHONE not in raw and TEXT not in raw and NAME not in raw
    if store_url.startswith("sqlite"):                              # no old bytes left in free pages
        data = open(store_url.removeprefix("sqlite:///"), "rb").read()
        assert PHONE.encode() not in data and TEXT.encode() not in data and photo()[200:260] not in data
    store = OrderStore(store_url, cipher=cipher)
    assert store.status(old.code)["number"] == old.number
    assert store.photo(old.id, 0) == photo()
    store.engine.dispose()


def test_keygen_writes_0600_and_never_overwrites(tmp_path):
    key = keygen(tmp_path / "k")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with pytest.raises(OrderKeyError, match="exists"):
        keygen(key)
    assert cli.main(["orders", "keygen", str(tmp_path / "k2")]) == 0
    assert stat.S_IMODE((tmp_path / "k2").stat().st_mode) == 0o600


def test_a_wrong_missing_or_open_key_stops_the_hub_start_with_a_message(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    OrderStore(url, cipher=OrderCipher.load(keygen(tmp_path / "right.key"))).submit_order(order(), "EHALL-01", NOW)
    keygen(tmp_path / "wrong.key")
    config = tmp_path / "hub.toml"
    base = f'orders_url = "{url}"\ndb_path = "{tmp_path / "hub.sqlite3"}"\nport = 1\n'
    cases = {"wrong.key": "this key does not open the orders in the store",
             "missing.key": "no such file; make one with `ehall-helpdesk orders keygen",
             "": f"the store holds encrypted work orders but their key {tmp_path / 'orders.key'} (the default "
                 "next to the store; no order_key_file set) is missing: put back the copy of that file",
             "plain": "the store holds encrypted work orders but the config keeps orders in plain text "
                      "(orders_plaintext = true)"}
    for name, said in cases.items():
        key_line = "orders_plaintext = true\n" if name == "plain" else (
            f'order_key_file = "{tmp_path / name}"\n' if name else "")
        config.write_text(base + key_line)
        assert cli.main(["--config", str(config)]) == 2             # the hub's start
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err
    assert not (tmp_path / "orders.key").exists()                   # no new key over sealed orders
    os.chmod(tmp_path / "right.key", 0o644)
    config.write_text(base + f'order_key_file = "{tmp_path / "right.key"}"\n')
    assert cli.main(["--config", str(config)]) == 2
    assert "readable by others (mode 644); chmod 600" in capsys.readouterr().err
    (tmp_path / "junk.key").write_text("not a key")
    os.chmod(tmp_path / "junk.key", 0o600)
    config.write_text(base + f'order_key_file = "{tmp_path / "junk.key"}"\n')
    assert cli.main(["--config", str(config)]) == 2
    assert "not a key made by `ehall-helpdesk orders keygen`" in capsys.readouterr().err
