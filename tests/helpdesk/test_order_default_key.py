# SPDX-License-Identifier: Apache-2.0
"""Orders encrypted at rest by default (helpdesk/order_keys.py): a hub with a SQLite store and no
``order_key_file`` makes ``orders.key`` (0600) next to the store at its first start, says where and
that it must be backed up, seals the orders kept in plain text, and never makes it again; plain
text only with ``orders_plaintext = true``; a PostgreSQL store (shared by several hubs) without a
key named refuses to start."""
import logging
import stat

import pytest
import sqlalchemy as sa

from helpdesk import cli
from helpdesk.config import ConfigError, parse
from helpdesk.order_crypt import OrderCipher
from helpdesk.orders import OrderStore, upgrade
from store_fixtures import postgres  # noqa: F401 - fixture
from test_order_crypt import NOW, PHONE, TEXT, order, raw_rows


def hub(tmp_path, url, more=""):
    config = tmp_path / "hub.toml"
    config.write_text(f'orders_url = "{url}"\ndb_path = "{tmp_path / "hub.sqlite3"}"\n{more}')
    return str(config)


def test_a_sqlite_hub_makes_its_key_at_first_start_and_seals_what_was_plain(tmp_path, caplog, capsys):
    caplog.set_level(logging.INFO)
    (tmp_path / "data").mkdir()
    url = f"sqlite:///{tmp_path / 'data' / 'orders.db'}"
    upgrade(url)
    plain = OrderStore(url)                          # kept before this change, in plain text
    code = plain.submit_order(order(1), "EHALL-01", NOW).code
    plain.engine.dispose()
    assert PHONE in raw_rows(url)
    config = hub(tmp_path, url)
    assert cli.main(["--config", config, "orders", "sweep"]) == 0      # opens the store as the hub's start does
    key = tmp_path / "data" / "orders.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    made = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert made == [f"orders: made the orders' key {key} (0600). Back it up apart from the database's backups: "
                    "without it the orders cannot be read (docs/workorders.md, Encryption at rest)"]
    raw = raw_rows(url)
    assert PHONE not in raw and TEXT not in raw and "enc1:" in raw
    first = key.read_bytes()
    caplog.clear()
    assert cli.main(["--config", config, "orders", "sweep"]) == 0      # the next start: the same key
    assert key.read_bytes() == first and not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"orders: encrypted at rest with the key file {key} (1 key(s))" in caplog.text
    store = OrderStore(url, cipher=OrderCipher.load(key))
    assert store.status(code)["number"].endswith("000001")
    store.submit_order(order(2), "EHALL-01", NOW)
    assert PHONE not in raw_rows(url)
    store.engine.dispose()
    assert cli.main(["--config", config, "orders", "rotate-key"]) == 0  # the default key rotates too
    assert len(key.read_bytes().split()) == 2
    capsys.readouterr()


def test_db_upgrade_makes_the_default_key_and_db_check_does_not(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    config = hub(tmp_path, url)
    assert cli.main(["--config", config, "db", "upgrade"]) == 0      # before the hub's first start
    key = tmp_path / "orders.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    key.unlink()
    assert cli.main(["--config", config, "db", "check"]) == 0
    assert not key.exists()
    capsys.readouterr()


def test_plain_text_only_when_the_config_says_so(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    assert cli.main(["--config", hub(tmp_path, url, "orders_plaintext = true\n"), "orders", "sweep"]) == 0
    assert not (tmp_path / "orders.key").exists()
    assert "orders: kept in plain text (orders_plaintext = true)" in caplog.text
    for value, said in (("yes", "hub.toml: orders_plaintext must be true or false, not 'yes'"),
                        (1, "hub.toml: orders_plaintext must be true or false, not 1")):
        with pytest.raises(ConfigError, match=said):
            parse({"orders_plaintext": value}, "hub.toml")
    with pytest.raises(ConfigError, match="orders_plaintext = true and order_key_file exclude each other"):
        parse({"orders_plaintext": True, "order_key_file": "/etc/ehall-helpdesk/orders.key"}, "hub.toml")
    assert parse({}, "hub.toml").orders_plaintext is False


def test_a_postgresql_store_without_a_key_named_refuses_to_start(postgres, tmp_path, capsys):  # noqa: F811
    engine = sa.create_engine(postgres.url)
    with engine.begin() as db:
        db.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    upgrade(postgres.url)
    config = hub(tmp_path, postgres.url, "port = 1\n")
    assert cli.main(["--config", config]) == 2                         # the hub's start
    err = capsys.readouterr().err
    assert ("orders_url is a shared database and the config names no order_key_file: the hubs using it must "
            "share one key") in err and "`ehall-helpdesk orders keygen /etc/ehall-helpdesk/orders.key`" in err
    assert "Traceback" not in err and not list(tmp_path.glob("*.key"))
    assert cli.main(["--config", hub(tmp_path, postgres.url, "orders_plaintext = true\n"), "orders", "sweep"]) == 0
