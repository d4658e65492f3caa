# SPDX-License-Identifier: Apache-2.0
"""Terminal alerts in the hub's SQLite db: raised, acknowledged (who, when), cleared. Open ones
come back after a hub restart with their 确认, and the record says how long each took.
No citizen data: terminal, device, error code and what to do."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

from helpdesk.store import SqliteStore

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS terminal_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, terminal TEXT NOT NULL, device TEXT NOT NULL,
    code TEXT NOT NULL, action TEXT NOT NULL, todo TEXT NOT NULL, raised_at REAL NOT NULL,
    acked_by TEXT, acked_at REAL, cleared_at REAL);
CREATE INDEX IF NOT EXISTS terminal_alerts_cleared ON terminal_alerts (cleared_at);
"""
FIELDS = ("id", "terminal", "device", "code", "action", "todo", "raised_at", "acked_by", "acked_at",
          "cleared_at")


class AlertLog(SqliteStore):
    """One connection, used only on the hub's event loop. A failed write is logged and the
    alert goes on in memory (staff must still see it)."""

    SCHEMA = SCHEMA

    def raised(self, a: Any) -> int | None:
        return self._write("INSERT INTO terminal_alerts (terminal, device, code, action, todo, raised_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           (a.terminal, a.device, a.code, a.action, a.todo, a.raised_at))

    def acked(self, row: int, who: str, at: float) -> None:
        self._write("UPDATE terminal_alerts SET acked_by = ?, acked_at = ? WHERE id = ?", (who, at, row))

    def cleared(self, row: int, at: float) -> None:
        self._write("UPDATE terminal_alerts SET cleared_at = ? WHERE id = ?", (at, row))

    def _write(self, sql: str, args: tuple) -> int | None:
        try:
            with self._db() as db:
                return db.execute(sql, args).lastrowid
        except sqlite3.Error as exc:
            log.error("terminal alert not recorded (%s); it is still shown", exc)
            return None

    def rows(self, open_: bool, limit: int = 50) -> list[dict[str, Any]]:
        """Open alerts (oldest first), or the most recently cleared ones."""
        sql = ("SELECT * FROM terminal_alerts WHERE cleared_at IS NULL ORDER BY id" if open_ else
               "SELECT * FROM terminal_alerts WHERE cleared_at IS NOT NULL ORDER BY cleared_at DESC, id DESC LIMIT ?")
        cur = self._db().execute(sql, () if open_ else (limit,))
        return [dict(zip([d[0] for d in cur.description], r)) for r in cur]
