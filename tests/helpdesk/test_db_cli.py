# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk db upgrade | backup | check`` on SQLite and on a real PostgreSQL server:
check finds an old schema and a damaged file, backup makes a copy that holds the orders."""
import datetime as dt
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from helpdesk.cli import main
from helpdesk.db_cli import pg_dump
from helpdesk.orders import OrderStore
from store_fixtures import postgres  # noqa: F401 - the fixture

ORDER = {"id": "r" * 32, "category": "咨询", "description": "社保卡怎么补办", "phone": "13912345678",
         "deadline": "2026-12-11"}


def _db(args, capsys):
    code = main(["db", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_sqlite_upgrade_check_backup_and_a_damaged_file(tmp_path, capsys):
    path = tmp_path / "orders.db"
    url = f"sqlite:///{path}"
    path.write_bytes(b"")
    code, out = _db(["check", "--url", url], capsys)
    assert code == 1 and "run `ehall-helpdesk db upgrade`" in out and "schema at nothing" in out
    assert _db(["upgrade", "--url", url], capsys)[0] == 0
    code, out = _db(["check", "--url", url], capsys)
    assert (code, out.startswith("ok: schema at")) == (0, True)
    store = OrderStore(url)
    receipt = store.submit_order(ORDER, "EHALL-01", dt.datetime.now(dt.timezone.utc))
    store.engine.dispose()
    code, out = _db(["backup", "--url", url, str(tmp_path / "copy.db")], capsys)
    assert code == 0 and "integrity ok" in out
    copy = OrderStore(f"sqlite:///{tmp_path / 'copy.db'}")
    assert copy.status(receipt.code)["number"] == receipt.number        # the copy holds the order
    code, out = _db(["backup", "--url", url, str(tmp_path / "copy.db")], capsys)
    assert code == 2 and "exists" in out
    with sqlite3.connect(path) as db:                                     # damage the orders' root page
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size] = 0x07                                        # not a b-tree page type
    path.write_bytes(bytes(data))
    code, out = _db(["check", "--url", url], capsys)
    assert code == 1 and ("integrity_check" in out or "cannot read the store" in out)
    assert _db(["check"], capsys)[1].endswith("orders_url in the config or $EHALL_HELPDESK_DB_URL\n")


def test_postgresql_upgrade_check_and_pg_dump_backup(postgres, tmp_path, capsys):
    url = postgres.url
    code, out = _db(["check", "--url", url], capsys)
    assert code == 1 and "schema at nothing" in out
    assert _db(["upgrade", "--url", url], capsys)[0] == 0
    assert _db(["check", "--url", url], capsys)[0] == 0
    OrderStore(url).submit_order(ORDER, "EHALL-01", dt.datetime.now(dt.timezone.utc))
    out_file = tmp_path / "hub.dump"
    code, out = _db(["backup", "--url", url, str(out_file)], capsys)
    if pg_dump() is None:
        assert code == 2 and "pg_dump is not installed" in out
        return
    assert code == 0 and "pg_dump -Fc" in out
    listing = subprocess.run([str(Path(pg_dump()).with_name("pg_restore")), "-l", str(out_file)],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE public orders" in listing and "TABLE DATA public orders" in listing
    engine = sa.create_engine(url)
    with engine.begin() as db:                   # an old schema is found
        db.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    engine.dispose()
    code, out = _db(["check", "--url", url], capsys)
    assert code == 1 and "schema at 0000" in out


def test_the_hub_will_not_serve_orders_from_an_old_schema_and_db_uses_its_config(tmp_path, capsys):
    store = tmp_path / "orders.db"
    store.write_bytes(b"")
    config = tmp_path / "hub.toml"
    config.write_text(f'db_path = "{tmp_path / "hub.sqlite3"}"\norders_url = "sqlite:///{store}"\n'
                      'port = 1\n', encoding="utf-8")
    assert main(["--config", str(config)]) == 2                          # refuses before listening
    assert "run `ehall-helpdesk db upgrade`" in capsys.readouterr().err
    assert main(["--config", str(config), "db", "upgrade"]) == 0       # the configured store
    assert main(["--config", str(config), "db", "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok: schema at")
