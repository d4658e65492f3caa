# SPDX-License-Identifier: Apache-2.0
"""Call-back requests (留电回拨): a citizen left a phone number at a kiosk.

The kiosk sends ``callback``; :class:`CallbackDesk` validates the number (NFKC,
then ASCII digits only, so full-width digits become dialable ones and Arabic-Indic
ones are refused), stores it in SQLite (:class:`CallbackStore`), answers
``callback_saved`` (with the number as understood) and pushes only the change
(``callback_changed`` / ``callback_removed``) to every logged-in helper; a helper
gets the whole open list once, at login. A kiosk may leave at most
``callbacks_per_kiosk_per_hour`` requests. Helpers take one (``callback_claim``)
and mark it done with a short note (``callback_done``); a request claimed by one
helper cannot be taken over or closed by another. Rows older than
``callback_retention_days`` are deleted, open or not. The number is personal
data: it goes only to logged-in helpers and is logged masked (138****5678).
The protocol is in docs/assist-protocol.md.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from typing import Callable, Iterable

from helpdesk.store import SqliteStore
from helpdesk.model import RoutingError

log = logging.getLogger(__name__)

MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")      # area code, then the number
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


def normal_phone(phone: object) -> str | None:
    """The number as helpers will dial it (NFKC: full-width ０-９ and － become ASCII),
    or None unless it is a mainland mobile (1[3-9] and 9 digits) or a landline with its
    area code (0xx or 0xxx, then 7-8 digits; one '-' allowed after the area code), in
    ASCII digits 0-9 only."""
    if not isinstance(phone, str) or len(phone) > 32:
        return None
    text = unicodedata.normalize("NFKC", phone)
    return text if MOBILE.fullmatch(text) or LANDLINE.fullmatch(text) else None


def valid_phone(phone: object) -> bool:
    return normal_phone(phone) is not None


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
        """Only an open request nobody else has claimed."""
        with self._db() as db:
            return db.execute("UPDATE callbacks SET handled_by = ? WHERE id = ? AND status = 'open'"
                              " AND (handled_by IS NULL OR handled_by = ?)",
                              (helper, cid, helper)).rowcount == 1

    def done(self, cid: int, helper: str, note: str, now: float) -> bool:
        with self._db() as db:
            return db.execute(
                "UPDATE callbacks SET status = 'done', handled_by = ?, handled_at = ?, note = ?"
                " WHERE id = ? AND status = 'open' AND (handled_by IS NULL OR handled_by = ?)",
                (helper, now, note, cid, helper)).rowcount == 1

    def open(self, cid: int | None = None) -> list[dict]:
        where = "" if cid is None else " AND id = ?"
        cur = self._db().execute(
            "SELECT id, terminal, terminal_name, phone, large_text, reason, created_at, handled_by"
            f" FROM callbacks WHERE status = 'open'{where} ORDER BY created_at, id",
            () if cid is None else (cid,))
        return [{"callback_id": r[0], "terminal_id": r[1], "terminal_name": r[2] or r[1],
                 "phone": r[3], "large_text": bool(r[4]), "reason": r[5], "created_at": r[6],
                 "handled_by": r[7]} for r in cur]

    def all(self) -> list[dict]:
        cur = self._db().execute("SELECT * FROM callbacks ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def purge(self, before: float) -> list[int]:
        """Deletes every request created before ``before`` (open or done); their ids."""
        with self._db() as db:
            return [r[0] for r in db.execute("DELETE FROM callbacks WHERE created_at < ? "
                                             "RETURNING id", (before,)).fetchall()]


class CallbackDesk:
    """The hub's call-back messages. ``helpers()`` gives the logged-in helpers' connections."""

    def __init__(self, store: CallbackStore, clock: Callable[[], float], retention_days: float,
                 helpers: Callable[[], Iterable], limit=None) -> None:
        self.store, self.clock, self.limit = store, clock, limit
        self.retention_s = retention_days * 86400
        self.helpers = helpers
        self._last_purge: float | None = None

    def from_kiosk(self, terminal: str, data: dict) -> dict:
        """A kiosk's ``callback``: store it, tell the helpers; returns the answer."""
        phone = normal_phone(data.get("phone"))
        if phone is None:
            raise RoutingError("bad_phone", "phone must be a mainland mobile (11 digits) "
                                            "or a landline with area code")
        reason, name = data.get("reason") or "", data.get("terminal_name") or ""
        if not isinstance(reason, str) or len(reason) > 32 or \
                not isinstance(name, str) or len(name) > 64:
            raise RoutingError("bad_message", "reason (<=32) and terminal_name (<=64) are strings")
        if self.limit is not None and not self.limit.allow(terminal):
            raise RoutingError("rate_limited", "too many call-back requests from this terminal; "
                                               "please ask the staff at the desk")
        cid = self.store.add(terminal, name, phone, bool(data.get("large_text")), reason,
                             self.clock())
        log.info("call-back %d from %s: %s", cid, terminal, mask_phone(phone))
        self.changed(cid)
        return {"type": "callback_saved", "callback_id": cid, "phone": phone}

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
            raise RoutingError("no_such_callback", "no open call-back request with that id "
                                                   "that is not another helper's")
        log.info("call-back %d %s by %s", cid, "claimed" if status == "open" else "done", helper)
        self.changed(cid)
        return {"type": "callback_updated", "callback_id": cid, "status": status}

    def list_message(self) -> dict:
        return {"type": "callbacks", "open": self.store.open()}

    def changed(self, cid: int) -> None:
        """One request changed: its new state (or its removal) to every logged-in helper."""
        rows = self.store.open(cid)
        msg = {"type": "callback_changed", "callback": rows[0]} if rows else \
            {"type": "callback_removed", "callback_id": cid}
        for conn in self.helpers():
            conn.send(msg)

    def purge(self, force: bool = False) -> int:
        """Deletes requests older than the retention; at most once a minute unless forced."""
        now = self.clock()
        if not force and self._last_purge is not None and now - self._last_purge < PURGE_EVERY_S:
            return 0
        self._last_purge = now
        ids = self.store.purge(now - self.retention_s)
        if ids:
            log.info("call-back retention: deleted %d request(s) older than %g days",
                     len(ids), self.retention_s / 86400)
            for cid in ids:
                self.changed(cid)
        return len(ids)
