# SPDX-License-Identifier: Apache-2.0
"""The hub's SQLite tables share one way of opening the database."""
from __future__ import annotations

import sqlite3


class SqliteStore:
    """One connection, opened on first use and used only from the thread that
    opened it (the hub's event loop). WAL with synchronous=NORMAL keeps a write
    well under a millisecond; a power cut can lose the last rows, not corrupt.
    Subclasses set ``SCHEMA`` (CREATE TABLE IF NOT EXISTS ...).
    """

    SCHEMA = ""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.db_path, timeout=10)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(self.SCHEMA)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
