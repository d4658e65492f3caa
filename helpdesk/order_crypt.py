# SPDX-License-Identifier: Apache-2.0
"""Work orders' personal fields encrypted at rest in the hub's store (docs/workorders.md
*Encryption at rest*).

- ``order_key_file`` (hub config) names a key file made by ``ehall-helpdesk orders keygen FILE``:
  Fernet keys (AES-128-CBC + HMAC-SHA256, the ``cryptography`` package), one per line, newest
  first (``orders rotate-key`` adds one, helpdesk/order_keys.py), mode 0600. Without it a SQLite
  hub uses ``orders.key`` next to its store (helpdesk/order_keys.py :func:`order_cipher`).
- The newest key seals, any key opens (MultiFernet); :class:`OrderCipher` reads the key file again
  when it changed, so a running hub follows a rotation.
- The phone, the masked name, the description and the photos are sealed as ``enc1:`` + a Fernet
  token before they reach the database; they are opened only for a logged-in helper's view of
  the order (helpdesk/orders_console.py) and for the SMS sender's call to the gateway.
- So are the staff's reply (opened for the status page of the 查询码's holder and a helper), the
  audit trail's texts (helpers' notes) and a rating's free text (:data:`SEALED_TEXTS`).
- The 查询码's hash is keyed: HMAC-SHA256(lookup key, SHA-256(code)), the lookup key derived from
  the newest key of the key file, so a copy of the database alone cannot be searched for codes;
  a lookup tries each key's (:meth:`OrderCipher.lookups`), ``orders.code_key`` names the key used.
- :func:`seal_rows` turns orders kept before the key (plain text, unkeyed hash) into sealed ones,
  row by row; the Alembic migration 0006 calls it, and so does the hub at start.
- A missing, unreadable, too open or wrong key, or a key file line that is no key, is
  :class:`OrderKeyError`, with what to do.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc1:"
SEALED_FIELDS = ("phone", "name_masked", "description")
SEALED_TEXTS = (("orders", "id", "reply"), ("order_events", "seq", "detail"), ("ratings", "id", "text"),
                ("ratings", "id", "follow_up_done"))          # a 差评's follow-up: what the staff found


class OrderKeyError(Exception):
    """The orders' key cannot be used; the message says why and what to do."""


def keygen(path: str | Path) -> Path:
    """Writes a new key to ``path`` (0600); refuses to overwrite one (the orders it sealed)."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise OrderKeyError(f"{p} exists: a key seals the orders already kept with it; "
                            "give a new file name (and keep the old key)") from None
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key() + b"\n")
    return p


class OrderCipher:
    """The key file's keys, newest first: seals with the newest, opens with any (MultiFernet).
    Loaded from a file, it reads the file again when it changed (``orders rotate-key`` on a
    running hub: it seals with the new key from then on and opens what the rotation re-sealed)."""

    def __init__(self, key: bytes, *older: bytes, path: str | Path | None = None) -> None:
        self._path = Path(path) if path is not None else None
        self._stamp = _stamp(self._path) if self._path is not None else None
        self._keys = _Keys((key, *older))

    @classmethod
    def load(cls, path: str | Path) -> "OrderCipher":
        p = Path(path)
        return cls(*read_keys(p), path=p)

    @property
    def key_ids(self) -> tuple[str, ...]:
        """A short id per key, newest first (kept with each order: which key its 查询码 hash needs)."""
        return self._fresh().ids

    @property
    def newest(self) -> str:
        return self._fresh().ids[0]

    def _fresh(self) -> "_Keys":
        """The keys, read again when the key file changed since (a stat per call)."""
        if self._path is not None:
            stamp = _stamp(self._path)
            if stamp != self._stamp and stamp is not None:
                try:
                    self._keys = _Keys(read_keys(self._path))
                    self._stamp = stamp
                except OrderKeyError as exc:         # half-written or wrong: keep the keys in use
                    logging.getLogger(__name__).warning("orders: the changed key file is not used: %s", exc)
        return self._keys

    def seal(self, text: str | None) -> str | None:
        if text is None:
            return None
        return PREFIX + self._fresh().multi.encrypt(text.encode("utf-8")).decode("ascii")

    def seal_bytes(self, data: bytes) -> bytes:
        return PREFIX.encode() + self._fresh().multi.encrypt(data)

    def lookup(self, code_hash: str) -> str:
        """The keyed hash the store keeps for a 查询码's SHA-256 (the newest key's)."""
        return self.lookups(code_hash)[0]

    def lookups(self, code_hash: str) -> list[str]:
        """The 查询码's keyed hash under each key, newest first (a lookup tries them all)."""
        return [hashed for _key_id, hashed in self.keyed(code_hash)]

    def keyed(self, code_hash: str) -> list[tuple[str, str]]:
        """(key id, the 查询码's keyed hash) under each key, newest first, from one reading of the keys."""
        keys = self._fresh()
        return [(key_id, hmac.new(k, code_hash.encode("ascii"), hashlib.sha256).hexdigest())
                for key_id, k in zip(keys.ids, keys.lookup)]

    def open(self, value: Any) -> Any:
        """A sealed field or photo opened; anything not sealed is given back as it is."""
        if isinstance(value, str) and value.startswith(PREFIX):
            return self._open(value[len(PREFIX):].encode("ascii")).decode("utf-8")
        if isinstance(value, (bytes, memoryview)) and bytes(value[:len(PREFIX)]) == PREFIX.encode():
            return self._open(bytes(value[len(PREFIX):]))
        return value

    def resealed(self, value: Any) -> Any:
        """``value`` sealed again with the newest key, or None when it is not sealed or the newest
        key sealed it already (MultiFernet.rotate)."""
        if isinstance(value, str) and value.startswith(PREFIX):
            token = self._rotate(value[len(PREFIX):].encode("ascii"))
            return None if token is None else PREFIX + token.decode("ascii")
        if isinstance(value, (bytes, memoryview)) and bytes(value[:len(PREFIX)]) == PREFIX.encode():
            token = self._rotate(bytes(value[len(PREFIX):]))
            return None if token is None else PREFIX.encode() + token
        return None

    def sealed_by(self, value: Any) -> str | None:
        """The id of the key that opens a sealed value (None: none of them)."""
        token = value[len(PREFIX):].encode("ascii") if isinstance(value, str) else bytes(value[len(PREFIX):])
        keys = self._fresh()
        for key_id, fernet in zip(keys.ids, keys.fernets):
            try:
                fernet.decrypt(token)
                return key_id
            except InvalidToken:
                continue
        return None

    def _rotate(self, token: bytes) -> bytes | None:
        keys = self._fresh()
        try:
            keys.fernets[0].decrypt(token)
            return None
        except InvalidToken:
            pass
        try:
            return keys.multi.rotate(token)
        except InvalidToken:
            raise OrderKeyError("order_key_file: no key in it opens a sealed value of the store "
                                "(a key that sealed orders was removed, or a different key file)") from None

    def _open(self, token: bytes) -> bytes:
        for attempt in (1, 2):
            try:
                return self._fresh().multi.decrypt(token)
            except InvalidToken:
                if attempt == 1 and self._path is not None:
                    self._stamp = None               # read the file again: a rotation may have run
        raise OrderKeyError("order_key_file: this key does not open the orders in the store "
                            "(a different key sealed them)") from None


class _Keys:
    def __init__(self, keys: tuple[bytes, ...]) -> None:
        self.fernets = [Fernet(k) for k in keys]
        self.multi = MultiFernet(self.fernets)
        self.lookup = [hashlib.sha256(b"ehall-helpdesk order lookup v1\0" + k).digest() for k in keys]
        self.ids = tuple(hashlib.sha256(b"ehall-helpdesk order key id v1\0" + k).hexdigest()[:16] for k in keys)


MAX_KEY_FILE = 64 * 1024


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def read_keys(p: Path) -> tuple[bytes, ...]:
    """The key file's keys, newest first: one per line; empty lines and ``#`` comments skipped."""
    try:
        info = p.stat()
    except FileNotFoundError:
        raise OrderKeyError(f"order_key_file {p}: no such file; make one with "
                            f"`ehall-helpdesk orders keygen {p}` (and keep a copy: without it the "
                            "orders cannot be read)") from None
    except OSError as exc:
        raise OrderKeyError(f"order_key_file {p}: cannot read it ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise OrderKeyError(f"order_key_file {p}: not a regular file")
    if info.st_mode & 0o077:
        raise OrderKeyError(f"order_key_file {p}: readable by others (mode {info.st_mode & 0o777:o}); "
                            f"chmod 600 {p}")
    try:
        with open(p, "rb") as f:
            raw = f.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise OrderKeyError(f"order_key_file {p}: cannot read it ({exc.strerror})") from None
    if len(raw) > MAX_KEY_FILE:
        raise OrderKeyError(f"order_key_file {p}: larger than {MAX_KEY_FILE} bytes: not a key file")
    keys: list[bytes] = []
    for n, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(b"#"):
            continue
        try:
            Fernet(line)
        except ValueError:
            raise OrderKeyError(f"order_key_file {p} line {n}: not a key made by `ehall-helpdesk orders keygen` "
                                "(each line holds one key, newest first)") from None
        keys.append(line)
    if not keys:
        raise OrderKeyError(f"order_key_file {p}: no key in it; not a key made by `ehall-helpdesk orders keygen`")
    if len(set(keys)) != len(keys):
        raise OrderKeyError(f"order_key_file {p}: the same key twice; each line holds a different key")
    return tuple(keys)


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def check_key(db: Any, cipher: OrderCipher | None) -> None:
    """At hub start: sealed orders need the key that sealed them (OrderKeyError, not a traceback)."""
    from helpdesk.orders import orders
    row = db.execute(sa.select(orders.c.phone).where(orders.c.phone.like(PREFIX + "%")).limit(1)).first()
    if row is None:
        return
    if cipher is None:
        raise OrderKeyError("the store holds encrypted work orders but the config keeps orders in plain text "
                            "(orders_plaintext = true); remove it, and set order_key_file to the key that sealed "
                            "them unless it is orders.key next to a SQLite store")
    cipher.open(row.phone)


def seal_rows(db: Any, cipher: OrderCipher, batch: int = 500) -> int:
    """Seals the orders kept in plain text (and keys their 查询码 hash); returns how many."""
    from helpdesk.orders import order_photos, orders
    if db.dialect.name == "sqlite":        # the plain text's old bytes are overwritten, not left in free pages
        db.exec_driver_sql("PRAGMA secure_delete = ON")
    seal_texts(db, cipher, batch)
    has_key_column = "code_key" in {c["name"] for c in sa.inspect(db).get_columns("orders")}   # 0008 on
    done = 0
    while True:
        rows = list(db.execute(sa.select(orders.c.id, orders.c.code_hash, *(orders.c[f] for f in SEALED_FIELDS))
                               .where(sa.not_(orders.c.phone.like(PREFIX + "%"))).limit(batch)))
        if not rows:
            return done
        for r in rows:
            key_id, kept = cipher.keyed(r.code_hash)[0]
            keyed = {"code_key": key_id} if has_key_column else {}
            db.execute(orders.update().where(orders.c.id == r.id).values(
                code_hash=kept, **keyed, **{f: cipher.seal(getattr(r, f)) for f in SEALED_FIELDS}))
            for p in list(db.execute(sa.select(order_photos.c.n, order_photos.c.jpeg)
                                     .where(order_photos.c.order_id == r.id))):
                if bytes(p.jpeg[:len(PREFIX)]) != PREFIX.encode():
                    db.execute(order_photos.update().where(order_photos.c.order_id == r.id,
                                                           order_photos.c.n == p.n)
                               .values(jpeg=cipher.seal_bytes(bytes(p.jpeg))))
        done += len(rows)


def seal_texts(db: Any, cipher: OrderCipher, batch: int = 500) -> int:
    """Seals the replies, the audit trail's texts and the ratings' texts kept in plain text
    (:data:`SEALED_TEXTS`); returns how many texts."""
    from helpdesk.orders import meta
    done = 0
    if db.dialect.name == "sqlite":
        db.exec_driver_sql("PRAGMA secure_delete = ON")
    for table_name, key, column in SEALED_TEXTS:
        table = meta.tables[table_name]
        while True:
            rows = list(db.execute(sa.select(table.c[key], table.c[column]).where(
                table.c[column].is_not(None), sa.not_(table.c[column].like(PREFIX + "%"))).limit(batch)))
            if not rows:
                break
            for r in rows:
                db.execute(table.update().where(table.c[key] == r[0]).values({column: cipher.seal(r[1])}))
            done += len(rows)
    return done
