# SPDX-License-Identifier: Apache-2.0
"""Call records in SQLite: who, which kiosk, when, how long, outcome, note. No media."""
from __future__ import annotations


from helpdesk.store import SqliteStore
from helpdesk.model import CallRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    request_id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, helper TEXT,
    large_text INTEGER NOT NULL, requested_at REAL NOT NULL, answered_at REAL,
    ended_at REAL, outcome TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');
"""


class CallLog(SqliteStore):
    """A :class:`helpdesk.model.CallSink` writing to SQLite.

    One connection, opened on first use and used only from the thread that
    opened it (the hub's event loop). WAL with synchronous=NORMAL keeps a write
    well under a millisecond; a power cut can lose the last records, not corrupt.
    """

    SCHEMA = SCHEMA

    def close_dangling(self, now: float) -> int:
        """At start-up: calls still open belonged to a hub that stopped. Returns how many."""
        with self._db() as db:
            return db.execute("UPDATE calls SET outcome = 'interrupted', ended_at = ? "
                              "WHERE outcome = 'in_call'", (now,)).rowcount

    def _write(self, rec: CallRecord) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO calls (request_id, terminal_id, helper, large_text, requested_at,"
                " answered_at, ended_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(request_id) DO UPDATE SET helper = excluded.helper,"
                " answered_at = excluded.answered_at, ended_at = excluded.ended_at,"
                " outcome = excluded.outcome",
                (rec.request_id, rec.terminal_id, rec.helper, int(rec.large_text),
                 rec.requested_at, rec.answered_at, rec.ended_at, rec.outcome))

    call_started = _write
    call_ended = _write

    def call_note(self, request_id: str, helper: str, note: str) -> None:
        with self._db() as db:
            db.execute("UPDATE calls SET note = ? WHERE request_id = ? AND helper = ?",
                       (note, request_id, helper))

    def recent(self, limit: int = 50) -> list[dict]:
        cur = self._db().execute("SELECT * FROM calls ORDER BY requested_at DESC LIMIT ?",
                                 (limit,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]
