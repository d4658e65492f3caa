# SPDX-License-Identifier: Apache-2.0
"""What staff did on a terminal's admin screen (管理), as the kiosk reports it: the hub's copy of
each terminal's admin audit log (docs/operations.md, *The admin screen*; docs/assist-protocol.md,
*Admin events*).

A kiosk sends ``admin_event`` over its authenticated socket for every audited step (login,
wrong PIN, lockout, 自检, test page, 已换纸, 重新加载, power, 退出到桌面, logout).
:func:`parse_admin_event` checks and bounds it: an action name, a staff id, a few fixed detail
fields with short values (the kiosk's own whitelist, repeated here), the kiosk's time. Nothing
else is kept, so no citizen data can arrive this way. :class:`AdminAuditLog` keeps them in the
hub's SQLite db; the console's 终端 page shows each terminal's latest ones, and a PIN lockout
raises an alert (helpdesk.terminals).
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from typing import Any

from helpdesk.model import RoutingError
from helpdesk.store import SqliteStore

log = logging.getLogger(__name__)

FIELDS = frozenset({"via", "role", "device", "result", "code", "kind", "attempts", "lock_s",
                    "reason", "value", "version"})      # kiosk/ops/admin_access.py AUDIT_FIELDS
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,31}")
_STAFF = re.compile(r"[0-9A-Za-z_.@-]{0,40}")
_AT = re.compile(r"[0-9T:.+\-Z ]{0,40}")
MAX_TEXT = 80
SCHEMA = """
CREATE TABLE IF NOT EXISTS admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, terminal TEXT NOT NULL, action TEXT NOT NULL,
    staff_id TEXT NOT NULL, details TEXT NOT NULL, kiosk_at TEXT NOT NULL, received_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS admin_audit_terminal ON admin_audit (terminal, id);
"""


def _bad(what: str) -> RoutingError:
    return RoutingError("bad_message", f"admin_event: {what}")


def parse_admin_event(data: dict) -> dict[str, Any]:
    """``{"action", "staff_id", "details", "at"}`` from a kiosk's ``admin_event``; RoutingError
    ``bad_message`` naming the field otherwise."""
    action = data.get("action")
    if not isinstance(action, str) or not _ACTION.fullmatch(action):
        raise _bad("action must be a lower-case name of up to 32 characters")
    staff = data.get("staff_id", "")
    if not isinstance(staff, str) or not _STAFF.fullmatch(staff):
        raise _bad("staff_id must be up to 40 of 0-9 A-Z a-z _ . @ -")
    at = data.get("at", "")
    if not isinstance(at, str) or not _AT.fullmatch(at):
        raise _bad("at must be an ISO 8601 time")
    raw = data.get("details", {})
    if not isinstance(raw, dict) or len(raw) > len(FIELDS):
        raise _bad("details must be an object")
    details: dict[str, Any] = {}
    for key, val in raw.items():
        if key not in FIELDS:
            raise _bad(f"details may carry only {', '.join(sorted(FIELDS))}")
        if isinstance(val, bool) or (isinstance(val, int) and abs(val) < 10 ** 9):
            details[key] = val
        elif isinstance(val, str) and len(val) <= MAX_TEXT and val.isprintable():
            details[key] = val
        else:
            raise _bad(f"details.{key} must be a number or up to {MAX_TEXT} printable characters")
    return {"action": action, "staff_id": staff, "details": details, "at": at}


class AdminAuditLog(SqliteStore):
    """One connection, used only on the hub's event loop. A failed write is logged (the event
    still shows on the console until the hub restarts)."""

    SCHEMA = SCHEMA

    def add(self, terminal: str, event: dict[str, Any], received_at: float) -> None:
        try:
            with self._db() as db:
                db.execute("INSERT INTO admin_audit (terminal, action, staff_id, details, kiosk_at, received_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           (terminal, event["action"], event["staff_id"],
                            json.dumps(event["details"], ensure_ascii=False), event["at"], received_at))
        except sqlite3.Error as exc:
            log.error("admin event of %s not recorded (%s)", terminal, exc)

    def latest(self, terminal: str, limit: int = 10) -> list[dict[str, Any]]:
        cur = self._db().execute(
            "SELECT action, staff_id, details, kiosk_at, received_at FROM admin_audit WHERE terminal = ?"
            " ORDER BY id DESC LIMIT ?", (terminal, limit))
        return [{"action": a, "staff_id": s, "details": json.loads(d), "at": k, "received_at": r}
                for a, s, d, k, r in cur]
