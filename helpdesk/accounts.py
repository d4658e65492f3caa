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


_DUMMY: dict[int, str] = {}


def dummy_hash(n: int = SCRYPT_N) -> str:
    """A fixed hash (made once per process) checked for unknown names, so an unknown
    name costs one scrypt run, like a known one, and timing does not tell them apart."""
    if n not in _DUMMY:
        _DUMMY[n] = hash_password(secrets.token_urlsafe(16), n)
    return _DUMMY[n]


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
        """Disable an account and end all its sessions (a running hub drops its open
        console within 3 s: :meth:`live_sessions`)."""
        with closing(self._db()) as db, db:
            if db.execute("UPDATE helpers SET disabled = 1 WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no helper {name!r}")
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of that helper ends (tokens revoked)."""
        if len(password) < 8:
            raise AccountError("password: at least 8 characters")
        with closing(self._db()) as db, db:
            if db.execute("UPDATE helpers SET pw_hash = ? WHERE name = ?",
                          (hash_password(password, self.scrypt_n), name)).rowcount == 0:
                raise AccountError(f"no helper {name!r}")
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def live_sessions(self, token_hashes: list[str]) -> set[str]:
        """Which of these session hashes are still valid (not logged out, expired,
        revoked, or of a disabled helper)."""
        if not token_hashes:
            return set()
        marks = ",".join("?" * len(token_hashes))
        with closing(self._db()) as db:
            rows = db.execute(
                f"SELECT s.token_sha256 FROM sessions s JOIN helpers h ON h.name = s.name "
                f"WHERE h.disabled = 0 AND s.expires_at >= ? AND s.token_sha256 IN ({marks})",
                (self.clock(), *token_hashes)).fetchall()
        return {r[0] for r in rows}

    def login(self, name: str, password: str) -> str:
        """Check the password (slow on purpose: call off the event loop) → session token."""
        with closing(self._db()) as db:
            row = db.execute("SELECT pw_hash, disabled FROM helpers WHERE name = ?",
                             (name,)).fetchone()
        # one scrypt run for unknown names too, so timing does not tell which names exist
        stored = row[0] if row else dummy_hash(self.scrypt_n)
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


def token_hash(token: str) -> str:
    return _sha(token)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
