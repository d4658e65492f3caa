# SPDX-License-Identifier: Apache-2.0
"""The kiosk's outbox: work orders, ratings and unanswered questions, never lost between the
citizen's 确认提交 and the hub's acknowledgement.

- :meth:`Outbox.put` returns only once the record is on disk (SQLite, ``synchronous=FULL``), so
  the kiosk may say "submitted" after it; a kiosk killed before sending sends after its restart.
- Each record carries an id the kiosk makes (random, 128 bits); the hub ignores an id it has
  already taken, so sending twice is harmless.
- A phone number is encrypted at rest (Fernet from ``cryptography``; the key is in the admin
  config, never in the outbox's folder) and the row is deleted once the hub acknowledged it,
  with ``secure_delete`` so the freed pages are overwritten, not just unlinked. With a key the
  payload (an order's description, a name) is sealed the same way.
- :class:`OutboxSender` sends in order on its own thread, with a growing pause while the hub is
  down, and wakes at once for a new record.
"""
from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)
KINDS = ("order", "rating", "question")
SEALED = "fernet:"            # a payload kept encrypted (an outbox with a key)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    phone BLOB,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    refused TEXT
)"""


@dataclass(frozen=True)
class Refused:
    """A send's answer when the hub refuses a record for good (it would refuse it again): the
    record is set aside, kept with the reason, and the ones behind it go on."""
    reason: str


class OutboxError(Exception):
    """The record could not be kept (no key for a phone number, a full or read-only disk)."""


@dataclass(frozen=True)
class Record:
    id: str
    kind: str
    payload: dict[str, Any]
    phone: str | None
    created: float
    attempts: int


def new_key() -> str:
    """A key for ``[records] outbox_key`` (``ehall-kiosk records keygen`` prints one)."""
    from cryptography.fernet import Fernet
    return Fernet.generate_key().decode("ascii")


class Outbox:
    def __init__(self, path: str | Path, key: str | bytes | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fernet = None
        if key:
            from cryptography.fernet import Fernet
            try:
                self._fernet = Fernet(key if isinstance(key, bytes) else key.encode("ascii"))
            except (ValueError, TypeError):
                raise OutboxError("records.outbox_key is not a key made by `ehall-kiosk records keygen`") from None
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        if "refused" not in columns:                     # an outbox from before set-aside records
            self._db.execute("ALTER TABLE outbox ADD COLUMN refused TEXT")
        self.changed = threading.Event()

    @property
    def can_encrypt(self) -> bool:
        return self._fernet is not None

    def put(self, kind: str, payload: dict[str, Any], phone: str | None = None) -> str:
        """Keeps a record durably and returns its id. Raises OutboxError when it cannot."""
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r}: one of {', '.join(KINDS)}")
        if phone and self._fernet is None:
            raise OutboxError("no records.outbox_key: a phone number cannot be kept encrypted")
        record_id = secrets.token_hex(16)
        blob = self._fernet.encrypt(phone.encode("ascii")) if phone and self._fernet else None
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        if self._fernet is not None:
            text = SEALED + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")
        try:
            with self._lock:
                self._db.execute("INSERT INTO outbox (id, kind, payload, phone, created) VALUES (?, ?, ?, ?, ?)",
                                 (record_id, kind, text, blob, time.time()))
        except sqlite3.Error as exc:
            raise OutboxError(f"the outbox cannot keep the record ({exc})") from None
        self.changed.set()
        return record_id

    def pending(self, limit: int = 50) -> list[Record]:
        with self._lock:
            rows = self._db.execute("SELECT id, kind, payload, phone, created, attempts FROM outbox "
                                    "WHERE refused IS NULL ORDER BY created LIMIT ?", (limit,)).fetchall()
        return [Record(r[0], r[1], self._payload(r[2]), self._decrypt(r[3]), r[4], r[5]) for r in rows]

    def _payload(self, text: str) -> dict[str, Any]:
        if text.startswith(SEALED):
            sealed = self._decrypt(text[len(SEALED):].encode("ascii"), "utf-8")
            return json.loads(sealed or "{}")
        return json.loads(text)

    def _decrypt(self, blob: bytes | None, encoding: str = "ascii") -> str | None:
        if not blob:
            return None
        if self._fernet is None:
            raise OutboxError("no records.outbox_key: the kept phone numbers cannot be read")
        from cryptography.fernet import InvalidToken
        try:
            return self._fernet.decrypt(blob).decode(encoding)
        except InvalidToken:
            raise OutboxError("records.outbox_key is not the key the phone numbers were kept with") from None

    def ack(self, record_id: str) -> None:
        """The hub has the record: it goes, phone number and all."""
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE id = ?", (record_id,))

    def failed(self, record_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (record_id,))

    def set_aside(self, record_id: str, reason: str) -> None:
        """The hub refused the record for good: it stays (never lost: `refused` says why, for the
        admin), but is no longer sent, so the records behind it are not held up."""
        with self._lock:
            self._db.execute("UPDATE outbox SET refused = ?, attempts = attempts + 1 WHERE id = ?",
                             (reason[:300], record_id))

    def refused(self) -> list[tuple[str, str, str]]:
        """(id, kind, reason) of the records set aside."""
        with self._lock:
            return self._db.execute("SELECT id, kind, refused FROM outbox WHERE refused IS NOT NULL "
                                    "ORDER BY created").fetchall()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def http_sender(url: str, terminal: str, token: str, timeout: float = 10.0,
                on_answer: Callable[[Record, dict[str, Any]], None] | None = None,
                session: Any = None) -> Callable[[Record], bool | Refused]:
    """``send`` for :class:`OutboxSender`: POSTs a record to the hub's ``/api/records`` with the
    kiosk's credentials. True once the hub has it; False to try again later (no network, a hub
    that is down or busy, a credential the admin may fix: 401, 403, 429, 5xx); :class:`Refused`
    when the hub says the record itself is wrong (400, 404, 413, 422): it is set aside, kept.
    ``on_answer(record, answer)``: the hub's answer to a taken record (an order's number and
    查询码, the code only the first time). ``session``: a ``requests.Session`` to keep the
    connection to the hub open between records (the sender's one thread uses it)."""
    import requests
    post = session.post if session is not None else requests.post
    headers = {"Authorization": f"Bearer {token}", "X-Ehall-Terminal": terminal}

    def send(record: Record) -> bool | Refused:
        body = {"id": record.id, "kind": record.kind, "payload": record.payload, "phone": record.phone}
        answer = post(url, json=body, headers=headers, timeout=timeout)
        if answer.status_code in (400, 404, 413, 422):
            words = answer.text[:200].replace("\n", " ")
            log.warning("outbox: the hub refused %s %s for good: HTTP %s", record.kind, record.id[:8], answer.status_code)
            return Refused(f"HTTP {answer.status_code}: {words}")
        if answer.status_code != 200:
            log.warning("outbox: the hub refused %s %s: HTTP %s", record.kind, record.id[:8], answer.status_code)
            return False
        if on_answer is not None:
            on_answer(record, answer.json())
        return True
    return send


class OutboxSender:
    """Sends the outbox's records in order with ``send(record)``: True, the hub has it; False,
    try again later (the records behind wait, in order); :class:`Refused`, set it aside."""

    def __init__(self, outbox: Outbox, send: Callable[[Record], bool | Refused], first_pause: float = 1.0,
                 max_pause: float = 60.0):
        self.outbox, self.send = outbox, send
        self.first_pause, self.max_pause = first_pause, max_pause
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)

    def start(self) -> OutboxSender:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.outbox.changed.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        pause = self.first_pause
        while not self._stop.is_set():
            self.outbox.changed.clear()
            try:
                records = self.outbox.pending()
            except (OutboxError, sqlite3.Error) as exc:
                log.error("outbox: %s", exc)
                records = []
            ok = True
            for record in records:
                try:
                    answer = self.send(record)
                except Exception as exc:  # noqa: BLE001 - a network error is a failed send, retried
                    log.warning("outbox: sending %s %s failed: %s", record.kind, record.id[:8], type(exc).__name__)
                    answer = False
                if isinstance(answer, Refused):
                    self.outbox.set_aside(record.id, answer.reason)
                    continue
                ok = bool(answer)
                if not ok:
                    self.outbox.failed(record.id)
                    break
                self.outbox.ack(record.id)
            if records and not ok:
                self._stop.wait(pause)
                pause = min(self.max_pause, pause * 2)
            else:
                pause = self.first_pause
                if not records:
                    self.outbox.changed.wait(self.max_pause)
