# SPDX-License-Identifier: Apache-2.0
"""The orders' key file over time (docs/workorders.md *Encryption at rest*): rotation and the
hub's default key.

- The key file holds one key per line, newest first (``#`` lines are comments). The newest
  seals, any opens (helpdesk/order_crypt.py, MultiFernet).
- ``ehall-helpdesk orders rotate-key``: a new key goes on top of the key file (written next to it
  and renamed over it, 0600; the file as it was is kept as ``KEYFILE.YYYYMMDDTHHMMSSZ.bak``),
  then :func:`reseal` seals every sealed field, text and photo again with it, in batches of one
  transaction each. A running hub reads the changed key file by itself (it seals with the new key
  from then on), so it need not be stopped; an interrupted rotation is finished by
  ``orders reseal`` (it skips what the newest key sealed already).
- The 查询码's keyed hash cannot be made again without the code: each order keeps the id of the
  key it is keyed with (``orders.code_key``, Alembic 0008). A lookup tries every key and keys the
  found order's hash with the newest one; :func:`old_lookups` counts the orders still needing an
  older key (and those whose ID-card tag, ``orders.tag_key``, still is: 查看我的工单 keys it anew
  the same way, helpdesk/order_citizen.py). ``orders retire-keys`` drops the older keys only when
  that count is 0.
- Without ``order_key_file`` the hub uses ``orders.key`` next to its SQLite store, made (0600) on
  its first start (:func:`order_cipher`); with PostgreSQL (hubs sharing one database share one key)
  it refuses to start instead; ``orders_plaintext = true`` keeps orders in plain text.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from cryptography.fernet import Fernet

from helpdesk.order_crypt import PREFIX, OrderCipher, OrderKeyError, read_keys

log = logging.getLogger(__name__)


def identify(db: Any, cipher: OrderCipher) -> int:
    """Sealed orders kept without ``code_key`` (before Alembic 0008) get the id of the key that
    opens their phone: the key their 查询码 hash was keyed with (one key sealed both). Returns how many."""
    from helpdesk.orders import orders
    done = 0
    last = ""
    while True:
        rows = list(db.execute(sa.select(orders.c.id, orders.c.phone)
                               .where(orders.c.code_key.is_(None), orders.c.phone.like(PREFIX + "%"),
                                      orders.c.id > last).order_by(orders.c.id).limit(500)))
        if not rows:
            return done
        for r in rows:
            key_id = cipher.sealed_by(r.phone)
            if key_id is not None:
                db.execute(orders.update().where(orders.c.id == r.id).values(code_key=key_id))
                done += 1
        last = rows[-1].id


def old_lookups(db: Any, cipher: OrderCipher) -> int:
    """How many sealed orders' 查询码 hashes are keyed with another key than the newest."""
    from helpdesk.orders import orders
    codes = db.execute(sa.select(sa.func.count()).select_from(orders).where(
        orders.c.phone.like(PREFIX + "%"),
        sa.or_(orders.c.code_key.is_(None), orders.c.code_key != cipher.newest))).scalar_one()
    tags = db.execute(sa.select(sa.func.count()).select_from(orders).where(     # 查看我的工单's tags too
        orders.c.citizen_tag.is_not(None), orders.c.code_key == cipher.newest,
        sa.or_(orders.c.tag_key.is_(None), orders.c.tag_key != cipher.newest))).scalar_one()
    return codes + tags


def _targets() -> list[tuple[sa.Table, tuple[str, ...], tuple[str, ...], int]]:
    from helpdesk.orders import meta
    t = meta.tables
    return [(t["orders"], ("id",), ("phone", "name_masked", "description", "reply"), 500),
            (t["order_events"], ("seq",), ("detail",), 500),
            (t["ratings"], ("id",), ("text", "follow_up_done"), 500),
            (t["order_photos"], ("order_id", "n"), ("jpeg",), 20)]       # photos: up to a few MB a batch


def reseal(engine: sa.engine.Engine, cipher: OrderCipher,
           progress: Callable[[str, int], None] | None = None) -> int:
    """Seals again with the newest key every sealed value another key sealed; one transaction
    per batch (a running hub goes on meanwhile). A value the hub changed between the read and the
    write is left for the next run. Returns how many values were sealed again."""
    with engine.begin() as db:
        identify(db, cipher)
    done = 0
    for table, pk, columns, batch in _targets():
        key = sa.tuple_(*(table.c[k] for k in pk)) if len(pk) > 1 else table.c[pk[0]]
        last: Any = None
        while True:
            q = sa.select(*(table.c[k] for k in pk), *(table.c[c] for c in columns)).order_by(
                *(table.c[k] for k in pk)).limit(batch)
            if last is not None:
                q = q.where(key > (sa.tuple_(*(sa.literal(v) for v in last)) if len(pk) > 1 else last[0]))
            with engine.begin() as db:
                rows = list(db.execute(q))
                if not rows:
                    break
                for r in rows:
                    changed = {c: new for c in columns if (new := cipher.resealed(r._mapping[c])) is not None}
                    if not changed:
                        continue
                    where = [table.c[k] == r._mapping[k] for k in pk]
                    if table.name != "order_photos":       # photos never change; texts may (a reply)
                        where += [table.c[c] == r._mapping[c] for c in changed]
                    if db.execute(table.update().where(*where).values(changed)).rowcount:
                        done += len(changed)
            last = tuple(rows[-1]._mapping[k] for k in pk)
            if progress is not None:
                progress(table.name, done)
    return done


def write_keys(path: Path, keys: tuple[bytes, ...]) -> Path:
    """Writes the key file anew (next to it, fsync'd, renamed over it: never half a file), 0600,
    same owner; the file as it was is kept as ``KEYFILE.YYYYMMDDTHHMMSSZ.bak`` (0600). Returns the backup."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = next(b for n in range(1000) if not (b := path.with_name(
        f"{path.name}.{stamp}{f'-{n}' if n else ''}.bak")).exists())          # two in one second
    old, owner = path.read_bytes(), path.stat()
    for target, data in ((backup, old), (path.with_name(path.name + ".new"), b"".join(k + b"\n" for k in keys))):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise OrderKeyError(f"{target} exists (another rotation at the same time, or one that "
                                "stopped halfway): look at it, remove it, and run the command again") from None
        with os.fdopen(fd, "wb") as f:
            if os.geteuid() == 0:             # root rotates the hub user's key: the hub still reads it
                os.fchown(f.fileno(), owner.st_uid, owner.st_gid)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    os.replace(path.with_name(path.name + ".new"), path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return backup


def rotate_key(path: str | Path, engine: sa.engine.Engine | None, add_only: bool = False) -> list[str]:
    """``orders rotate-key``: a new key on top of the key file, then (unless ``add_only``, for
    hubs sharing a PostgreSQL database: copy the key file to each, then ``orders reseal``) the
    store sealed again with it. Returns what to tell the operator."""
    p = Path(path)
    keys = read_keys(p)
    if engine is not None:
        from helpdesk.order_crypt import check_key
        with engine.connect() as db:
            check_key(db, OrderCipher(*keys))        # the key file opens this store before it changes
    new = Fernet.generate_key()
    backup = write_keys(p, (new, *keys))
    said = [f"{p}: a new key on top, {len(keys)} older key(s) below it; the file as it was: {backup}. "
            "Put the new key file where the old one's copies are kept (without it the orders cannot be read)."]
    if add_only or engine is None:
        said.append("Nothing sealed again yet: copy the key file to every hub sharing the store (each reads it "
                    "by itself), then run `ehall-helpdesk orders reseal`.")
        return said
    return said + reseal_report(p, engine)


def reseal_report(path: str | Path, engine: sa.engine.Engine) -> list[str]:
    """``orders reseal``: the store sealed again with the key file's newest key; what is left."""
    cipher = OrderCipher.load(path)
    done = reseal(engine, cipher)
    with engine.connect() as db:
        left = old_lookups(db, cipher)
    said = [f"sealed again with the newest key: {done} value(s) (fields, texts, photos)."]
    if left:
        said.append(f"{left} order(s) are found by their 查询码 only with an older key: each moves to the newest "
                    "key when its code is looked up, or goes with the retention rule; keep the older keys until "
                    "`ehall-helpdesk orders retire-keys` says none is needed.")
    else:
        said.append("no order needs an older key: `ehall-helpdesk orders retire-keys` can drop them.")
    return said


def retire_keys(path: str | Path, engine: sa.engine.Engine) -> list[str]:
    """``orders retire-keys``: drops every key but the newest when no order needs one (after
    sealing again what an older key still sealed); OrderKeyError with the count otherwise."""
    p = Path(path)
    cipher = OrderCipher.load(p)
    if len(cipher.key_ids) == 1:
        return [f"{p} holds one key: nothing to retire."]
    done = reseal(engine, cipher)
    with engine.connect() as db:
        left = old_lookups(db, cipher)
    if left:
        raise OrderKeyError(
            f"orders retire-keys: {left} order(s) are still found by their 查询码 only with an older key; "
            "the older keys stay. Each such order moves to the newest key when its code is looked up "
            "(status page, kiosk's 留言查询), and closed ones go with the retention rule "
            "(order_retention_days); run `ehall-helpdesk orders retire-keys` again later.")
    newest = read_keys(p)[0]
    backup = write_keys(p, (newest,))
    return [f"sealed again: {done} value(s); no order needs an older key.",
            f"{p}: only the newest key is left; the file as it was: {backup} (destroy it, and the old "
            "copies, once the backups made before the rotation are gone: they need the old keys)."]


DEFAULT_KEY_NAME = "orders.key"


def key_path(cfg: Any) -> tuple[Path | None, bool]:
    """The hub's orders' key file and whether it is the default one (not named in the config);
    (None, False): orders kept in plain text (``orders_plaintext = true``, or no store).
    OrderKeyError: a PostgreSQL store and no key named."""
    if cfg.order_key_file:
        return Path(cfg.order_key_file), False
    if cfg.orders_plaintext or not cfg.orders_url:
        return None, False
    url = sa.engine.make_url(cfg.orders_url)
    if url.get_backend_name() != "sqlite":
        raise OrderKeyError(
            "orders_url is a shared database and the config names no order_key_file: the hubs using it must "
            "share one key. Make it once with `ehall-helpdesk orders keygen /etc/ehall-helpdesk/orders.key`, "
            "copy that file (0600) to every hub, set order_key_file = \"/etc/ehall-helpdesk/orders.key\" "
            "(or orders_plaintext = true to keep orders in plain text, readable in any copy of the database)")
    folder = (Path(url.database).absolute().parent if url.database and url.database != ":memory:"
              else Path(cfg.db_path).absolute().parent)
    return folder / DEFAULT_KEY_NAME, True


def order_cipher(cfg: Any, has_sealed: Callable[[], bool] | None = None) -> OrderCipher | None:
    """The hub's orders' key (None: plain text, as configured). The default key file next to a
    SQLite store is made (0600) when missing, unless the store holds sealed orders already
    (``has_sealed``): then its key is lost and OrderKeyError says to put it back."""
    path, default = key_path(cfg)
    if path is None:
        if cfg.orders_plaintext:
                log.warning("orders: kept in plain text (orders_plaintext = true): a copy of the store shows the "
                        "citizens' phones, names, texts and photos")
        return None
    if default and not path.exists():
        if has_sealed is not None and has_sealed():
            raise OrderKeyError(f"the store holds encrypted work orders but their key {path} (the default next to "
                                "the store; no order_key_file set) is missing: put back the copy of that file, "
                                "or set order_key_file to it")
        path.parent.mkdir(parents=True, exist_ok=True)
        from helpdesk.order_crypt import keygen
        try:
            keygen(path)
            log.warning("orders: made the orders' key %s (0600). Back it up apart from the database's backups: "
                        "without it the orders cannot be read (docs/workorders.md, Encryption at rest)", path)
        except OrderKeyError:
            if not path.exists():            # another process made it meanwhile: that one is used
                raise
    cipher = OrderCipher.load(path)
    log.info("orders: encrypted at rest with the key file %s (%d key(s))", path, len(cipher.key_ids))
    return cipher


def has_sealed(url: str) -> bool:
    """Whether the store at ``url`` holds sealed orders (False when it has no orders table yet)."""
    from helpdesk.orders import orders
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            if not sa.inspect(db).has_table("orders"):
                return False
            return db.execute(sa.select(orders.c.id).where(orders.c.phone.like(PREFIX + "%")).limit(1)).first() \
                is not None
    finally:
        engine.dispose()
