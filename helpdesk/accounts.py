# SPDX-License-Identifier: Apache-2.0
"""Helper accounts and login sessions in SQLite.

Passwords: hashlib.scrypt with a per-user random salt, stored with their cost
parameters; compared with hmac.compare_digest. Session tokens are random and
only their SHA-256 is stored, so a copied database does not log anyone in.
Each call opens its own short connection, so any thread may call any method
(the hub runs the slow scrypt in a worker thread).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from typing import Callable

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")

SCHEMA = """
CREATE TABLE IF NOT EXISTS helpers (
    name TEXT PRIMARY KEY, display_name TEXT NOT NULL, pw_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, expires_at REAL NOT NULL);
"""


class AccountError(Exception):
    pass


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    disabled: bool


def hash_password(password: str, n: int = SCRYPT_N) -> str:
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${dk.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, want = stored.split("$")
        if algo != "scrypt":
            return False
        dk = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                            p=int(p), dklen=len(want) // 2, maxmem=2 ** 26)
    except ValueError:
        return False
    return hmac.compare_digest(dk.hex(), want)


class Accounts:
    def __init__(self, db_path: str, clock: Callable[[], float] = time.time,
                 scrypt_n: int = SCRYPT_N, session_s: float = 12 * 3600) -> None:
        self.db_path, self.clock = db_path, clock
        self.scrypt_n, self.session_s = scrypt_n, session_s

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=10)
        db.executescript(SCHEMA)
        return db

    def add(self, name: str, password: str, display_name: str | None = None) -> Account:
        if not name or not set(name) <= _NAME_OK or len(name) > 64:
            raise AccountError(f"name {name!r}: use 1-64 of a-z 0-9 _ . -")
        if len(password) < 8:
            raise AccountError("password: at least 8 characters")
        with closing(self._db()) as db, db:
            try:
                db.execute("INSERT INTO helpers VALUES (?, ?, ?, 0, ?)",
                           (name, display_name or name, hash_password(password, self.scrypt_n),
                            self.clock()))
            except sqlite3.IntegrityError:
                raise AccountError(f"helper {name!r} already exists") from None
        return Account(name, display_name or name, False)

    def list(self) -> list[Account]:
        with closing(self._db()) as db:
            rows = db.execute("SELECT name, display_name, disabled FROM helpers ORDER BY name")
            return [Account(n, d, bool(x)) for n, d, x in rows]

    def disable(self, name: str) -> None:
        """Disable an account and end its sessions (a connected console is not kicked)."""
        with closing(self._db()) as db, db:
            if db.execute("UPDATE helpers SET disabled = 1 WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no helper {name!r}")
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def login(self, name: str, password: str) -> str:
        """Check the password (slow on purpose: call off the event loop) → session token."""
        with closing(self._db()) as db:
            row = db.execute("SELECT pw_hash, disabled FROM helpers WHERE name = ?",
                             (name,)).fetchone()
        # hash even for unknown names so timing does not tell which names exist
        stored = row[0] if row else hash_password("x" * 8, self.scrypt_n)
        ok = verify_password(password, stored)
        if not (row and ok and not row[1]):
            raise AccountError("wrong name or password, or account disabled")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with closing(self._db()) as db, db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?)",
                       (_sha(token), name, now + self.session_s))
        return token

    def check_token(self, token: str) -> Account | None:
        if not isinstance(token, str) or not token:
            return None
        with closing(self._db()) as db:
            row = db.execute(
                "SELECT h.name, h.display_name, h.disabled, s.expires_at FROM sessions s "
                "JOIN helpers h ON h.name = s.name WHERE s.token_sha256 = ?",
                (_sha(token),)).fetchone()
        if row is None or row[2] or row[3] < self.clock():
            return None
        return Account(row[0], row[1], False)

    def logout(self, token: str) -> None:
        with closing(self._db()) as db, db:
            db.execute("DELETE FROM sessions WHERE token_sha256 = ?", (_sha(token),))


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
