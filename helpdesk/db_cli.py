# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk db upgrade | backup | check`` for the work-order store (SQLite or PostgreSQL).

- upgrade: Alembic to head (helpdesk/migrations).
- backup TO: SQLite through the sqlite3 backup API (a consistent copy while the hub writes),
  then checked; PostgreSQL with ``pg_dump -Fc`` (restore with pg_restore), or a clear error
  when pg_dump is not installed (Debian: postgresql-client).
- check: the schema is at Alembic's head, and SQLite's ``integrity_check`` and
  ``foreign_key_check`` are clean (PostgreSQL: every table is readable; its own checksums are
  the server's business). Exit 0 when all is well, 1 with what is wrong.
The store's URL: ``--url``, ``$EHALL_HELPDESK_DB_URL`` or ``orders_url`` in the hub's config (SQLAlchemy form).
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from helpdesk.orders import meta, upgrade

ENV_URL = "EHALL_HELPDESK_DB_URL"


class DbError(Exception):
    """What went wrong, for the operator (exit 2)."""


def add_parsers(sub) -> None:
    dp = sub.add_parser("db", help="the work-order store: upgrade, backup, check")
    ds = dp.add_subparsers(dest="action", required=True)
    for action, what in (("upgrade", "bring the schema to the newest version"),
                         ("check", "schema at the newest version and the database intact"),
                         ("backup", "a consistent copy (SQLite) or pg_dump archive (PostgreSQL)")):
        ap = ds.add_parser(action, help=what)
        ap.add_argument("--url", help=f"SQLAlchemy URL (default: ${ENV_URL})")
        if action == "backup":
            ap.add_argument("to", help="the backup file to write (must not exist)")


def _url(args: argparse.Namespace, configured: str = "") -> str:
    url = args.url or os.environ.get(ENV_URL, "") or configured
    if not url:
        raise DbError("db: no store given: --url sqlite:////var/lib/ehall-helpdesk/orders.db, "
                      f"orders_url in the config or ${ENV_URL}")
    return url


def heads() -> tuple[str, ...]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return tuple(ScriptDirectory.from_config(cfg).get_heads())


def check(url: str) -> list[str]:
    """What is wrong with the store (empty: nothing)."""
    from alembic.runtime.migration import MigrationContext
    problems: list[str] = []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            current = tuple(MigrationContext.configure(db).get_current_heads())
            if sorted(current) != sorted(heads()):
                problems.append(f"schema at {', '.join(current) or 'nothing'}, newest is {', '.join(heads())}: "
                                "run `ehall-helpdesk db upgrade`")
            if engine.dialect.name == "sqlite":
                rows = [r[0] for r in db.exec_driver_sql("PRAGMA integrity_check")]
                if rows != ["ok"]:
                    problems.extend(f"integrity_check: {r}" for r in rows[:20])
                bad = list(db.exec_driver_sql("PRAGMA foreign_key_check"))
                problems.extend(f"foreign_key_check: {tuple(r)}" for r in bad[:20])
            if not problems:
                for table in meta.sorted_tables:
                    db.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    except sa.exc.SQLAlchemyError as exc:
        problems.append(f"cannot read the store: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    return problems


def pg_dump() -> str | None:
    found = shutil.which("pg_dump") or sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def backup(url: str, to: str) -> str:
    """Writes the backup to ``to``; says what it wrote."""
    if os.path.exists(to):
        raise DbError(f"db backup: {to} exists; give a new file")
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or not os.path.exists(parsed.database):
            raise DbError(f"db backup: no SQLite database at {parsed.database}")
        src = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
        dst = sqlite3.connect(to)
        try:
            with dst:
                src.backup(dst)
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            src.close()
            dst.close()
        if ok != "ok":
            raise DbError(f"db backup: the copy fails integrity_check: {ok}")
        return f"SQLite copy (backup API), integrity ok: {to}"
    if parsed.get_backend_name() == "postgresql":
        tool = pg_dump()
        if tool is None:
            raise DbError("db backup: pg_dump is not installed (Debian: apt-get install postgresql-client); "
                          "no backup was made")
        libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        out = subprocess.run([tool, "-Fc", "--no-owner", "-f", to, "--dbname", libpq],
                             capture_output=True, text=True, timeout=3600)
        if out.returncode:
            if os.path.exists(to):
                os.unlink(to)
            raise DbError(f"db backup: pg_dump failed: {out.stderr.strip()[:500]}")
        return f"PostgreSQL archive (pg_dump -Fc; restore with pg_restore): {to}"
    raise DbError(f"db: {parsed.get_backend_name()} is not supported (sqlite or postgresql)")


def run(args: argparse.Namespace, configured: str = "", cipher: object = None) -> int:
    try:
        url = _url(args, configured)
        if args.action == "upgrade":
            upgrade(url, cipher)
            print(f"schema at {', '.join(heads())}")
            return 0
        if args.action == "backup":
            print(backup(url, args.to))
            return 0
        problems = check(url)
        for p in problems:
            print(p)
        if not problems:
            print(f"ok: schema at {', '.join(heads())}, database intact")
        return 1 if problems else 0
    except (DbError, sa.exc.SQLAlchemyError) as exc:
        print(f"ehall-helpdesk: {exc}", file=sys.stderr)
        return 2
