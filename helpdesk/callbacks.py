# SPDX-License-Identifier: Apache-2.0
"""Call-back requests (留电回拨): a citizen left a phone number at a kiosk.

The kiosk sends ``callback``; :class:`CallbackDesk` validates the number, stores
it in SQLite (:class:`CallbackStore`), answers ``callback_saved`` and pushes the
open list to every logged-in helper. Helpers take one (``callback_claim``) and
mark it done with a short note (``callback_done``). Rows older than
``callback_retention_days`` are deleted, open or not. The number is personal
data: it goes only to logged-in helpers and is logged masked (138****5678).
The protocol is in docs/assist-protocol.md.
"""
from __future__ import annotations

import logging
import re
from typing import Callable, Iterable

from helpdesk.store import SqliteStore
from helpdesk.model import RoutingError

log = logging.getLogger(__name__)

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")      # area code, then the number
PURGE_EVERY_S = 60.0
NOTE_MAX = 200

SCHEMA = """
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, terminal TEXT NOT NULL,
    terminal_name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL,
    large_text INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL, status TEXT NOT NULL DEFAULT 'open',
    handled_by TEXT, handled_at REAL, note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS callbacks_created ON callbacks (created_at);
"""


def valid_phone(phone: object) -> bool:
    """A mainland mobile (1[3-9] and 9 digits) or a landline with its area code
    (0xx or 0xxx, then 7-8 digits; one '-' allowed after the area code)."""
    return isinstance(phone, str) and bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


def mask_phone(phone: str) -> str:
    """For logs: the first 3 and last 4 digits, e.g. 138****5678."""
    digits = "".join(c for c in str(phone) if c.isdigit())
    if len(digits) < 8:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


class CallbackStore(SqliteStore):
    """The ``callbacks`` table. One connection, used only on the hub's event loop."""

    SCHEMA = SCHEMA

    def add(self, terminal: str, terminal_name: str, phone: str, large_text: bool,
            reason: str, now: float) -> int:
        with self._db() as db:
            return db.execute(
                "INSERT INTO callbacks (terminal, terminal_name, phone, large_text, reason,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (terminal, terminal_name, phone, int(large_text), reason, now)).lastrowid

    def claim(self, cid: int, helper: str) -> bool:
        with self._db() as db:
            return db.execute("UPDATE callbacks SET handled_by = ? WHERE id = ? AND status = 'open'",
                              (helper, cid)).rowcount == 1

    def done(self, cid: int, helper: str, note: str, now: float) -> bool:
        with self._db() as db:
            return db.execute(
                "UPDATE callbacks SET status = 'done', handled_by = ?, handled_at = ?, note = ?"
                " WHERE id = ? AND status = 'open'", (helper, now, note, cid)).rowcount == 1

    def open(self) -> list[dict]:
        cur = self._db().execute(
            "SELECT id, terminal, terminal_name, phone, large_text, reason, created_at, handled_by"
            " FROM callbacks WHERE status = 'open' ORDER BY created_at, id")
        return [{"callback_id": r[0], "terminal_id": r[1], "terminal_name": r[2] or r[1],
                 "phone": r[3], "large_text": bool(r[4]), "reason": r[5], "created_at": r[6],
                 "handled_by": r[7]} for r in cur]

    def all(self) -> list[dict]:
        cur = self._db().execute("SELECT * FROM callbacks ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def purge(self, before: float) -> int:
        """Deletes every request created before ``before`` (open or done)."""
        with self._db() as db:
            return db.execute("DELETE FROM callbacks WHERE created_at < ?", (before,)).rowcount


class CallbackDesk:
    """The hub's call-back messages. ``helpers()`` gives the logged-in helpers' connections."""

    def __init__(self, store: CallbackStore, clock: Callable[[], float], retention_days: float,
                 helpers: Callable[[], Iterable]) -> None:
        self.store, self.clock = store, clock
        self.retention_s = retention_days * 86400
        self.helpers = helpers
        self._last_purge: float | None = None

    def from_kiosk(self, terminal: str, data: dict) -> dict:
        """A kiosk's ``callback``: store it, tell the helpers; returns the answer."""
        phone = data.get("phone")
        if not valid_phone(phone):
            raise RoutingError("bad_phone", "phone must be a mainland mobile (11 digits) "
                                            "or a landline with area code")
        reason, name = data.get("reason") or "", data.get("terminal_name") or ""
        if not isinstance(reason, str) or len(reason) > 32 or \
                not isinstance(name, str) or len(name) > 64:
            raise RoutingError("bad_message", "reason (<=32) and terminal_name (<=64) are strings")
        cid = self.store.add(terminal, name, phone, bool(data.get("large_text")), reason,
                             self.clock())
        log.info("call-back %d from %s: %s", cid, terminal, mask_phone(phone))
        self.push()
        return {"type": "callback_saved", "callback_id": cid}

    def from_helper(self, helper: str, data: dict) -> dict:
        """``callback_claim`` or ``callback_done`` from a logged-in helper."""
        cid = data.get("callback_id")
        if isinstance(cid, bool) or not isinstance(cid, int):
            raise RoutingError("bad_message", "callback_id must be an integer")
        if data["type"] == "callback_claim":
            ok, status = self.store.claim(cid, helper), "open"
        else:
            note = data.get("note") or ""
            if not isinstance(note, str) or len(note) > NOTE_MAX:
                raise RoutingError("bad_message", f"note must be a string of 0-{NOTE_MAX} characters")
            ok, status = self.store.done(cid, helper, note, self.clock()), "done"
        if not ok:
            raise RoutingError("no_such_callback", "no open call-back request with that id")
        log.info("call-back %d %s by %s", cid, "claimed" if status == "open" else "done", helper)
        self.push()
        return {"type": "callback_updated", "callback_id": cid, "status": status}

    def list_message(self) -> dict:
        return {"type": "callbacks", "open": self.store.open()}

    def push(self) -> None:
        """The open list to every logged-in helper (after each change)."""
        msg = self.list_message()
        for conn in self.helpers():
            conn.send(msg)

    def purge(self, force: bool = False) -> int:
        """Deletes requests older than the retention; at most once a minute unless forced."""
        now = self.clock()
        if not force and self._last_purge is not None and now - self._last_purge < PURGE_EVERY_S:
            return 0
        self._last_purge = now
        n = self.store.purge(now - self.retention_s)
        if n:
            log.info("call-back retention: deleted %d request(s) older than %g days",
                     n, self.retention_s / 86400)
            self.push()
        return n
