# SPDX-License-Identifier: Apache-2.0
"""The hub's SMS sender: delivers the notices waiting in ``sms_queue`` (helpdesk/orders.py puts
them there in the transaction that filed, answered or closed the order) to the hall's HTTP
gateway (``[sms] url``).

- One POST per notice, JSON ``{"id", "to", "text"}`` with ``Authorization: Bearer <sms.token>``
  when set, through ``requests`` with ``sms.timeout_seconds``; any 2xx means the gateway took it.
  ``id`` stays the same on every attempt, so a gateway can drop a repeat.
- A failed attempt (refused, timed out, not 2xx) stays in the queue: it is tried again after
  ``sms.retry_seconds``, doubling up to an hour, for as long as it takes; a restarted hub carries
  on from the store. Nothing is ever dropped.
- It runs beside the hub's event loop (:meth:`SmsSender.run`, the HTTP in a worker thread), so a
  slow gateway never holds up a kiosk's or a helper's request.
- Logs name the order's number and the phone masked (139****5678), never the text's phone or the
  gateway's answer (which might echo it).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from types import SimpleNamespace
from typing import Any, Callable

import requests
import sqlalchemy as sa

from helpdesk.orders import OrderStore, orders, sms_queue
from helpdesk.sms import SmsConfig, mask_phone

log = logging.getLogger(__name__)
MAX_PAUSE_SECONDS = 3600.0
BATCH = 20
LOUD_AFTER = 10             # failed attempts of one notice before each further one is a warning


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SmsSender:
    def __init__(self, store: OrderStore, cfg: SmsConfig, now: Callable[[], dt.datetime] = _utc_now) -> None:
        self.store, self.cfg, self.now = store, cfg, now
        self.http = requests.Session()
        self.http.trust_env = False          # the hall's gateway, not a proxy from the environment
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    # -- one round (any thread) ---------------------------------------------------------
    def send_due(self, limit: int = BATCH) -> int:
        """Tries the notices due now, oldest first; returns how many were tried."""
        now = self.now()
        q = (sa.select(sms_queue.c.seq, sms_queue.c.order_id, sms_queue.c.event, sms_queue.c.text,
                       sms_queue.c.attempts, orders.c.phone, orders.c.number)
             .join(orders, orders.c.id == sms_queue.c.order_id)
             .where(sms_queue.c.sent.is_(None), sms_queue.c.next_try <= now)
             .order_by(sms_queue.c.next_try, sms_queue.c.seq).limit(limit))
        with self.store.engine.connect() as db:
            due = list(db.execute(q))
        for row in due:
            self._deliver(SimpleNamespace(**{**row._mapping, "phone": self.store.opened(row.phone)}))  # sealed at rest
        return len(due)

    def _deliver(self, row: Any) -> None:
        error = self._post(f"{row.order_id}-{row.seq}", row.phone, row.text)
        now = self.now()
        attempts = row.attempts + 1
        if error is None:
            values: dict[str, Any] = {"sent": now, "attempts": attempts, "last_error": None}
            log.info("sms: %s notice of order %s sent to %s", row.event, row.number, mask_phone(row.phone))
        else:
            pause = min(MAX_PAUSE_SECONDS, self.cfg.retry_seconds * 2 ** (attempts - 1))
            values = {"attempts": attempts, "last_error": error[:200],
                      "next_try": now + dt.timedelta(seconds=pause)}
            (log.warning if attempts >= LOUD_AFTER else log.info)(
                "sms: %s notice of order %s to %s not taken (%s, attempt %d); again in %.0f s",
                row.event, row.number, mask_phone(row.phone), error, attempts, pause)
        with self.store.engine.begin() as db:
            db.execute(sms_queue.update().where(sms_queue.c.seq == row.seq).values(**values))

    def _post(self, notice_id: str, phone: str, text: str) -> str | None:
        """None when the gateway took it, else why not (a status or an error's kind)."""
        headers = {"Authorization": f"Bearer {self.cfg.token}"} if self.cfg.token else {}
        try:
            answer = self.http.post(self.cfg.url, json={"id": notice_id, "to": phone, "text": text},
                                    headers=headers, timeout=self.cfg.timeout_seconds, allow_redirects=False)
            answer.close()
        except requests.RequestException as exc:
            return type(exc).__name__           # its message may hold the request: not logged
        return None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"

    def waiting(self) -> int:
        """Notices not yet taken by the gateway."""
        with self.store.engine.connect() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(sms_queue)
                                  .where(sms_queue.c.sent.is_(None))).scalar_one())

    # -- beside the hub's loop ------------------------------------------------------------
    def wake(self) -> None:
        """A notice was queued (any thread): try now instead of at the next poll."""
        loop, event = self._loop, self._event
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def run(self, poll_seconds: float = 5.0) -> None:
        """Sends until cancelled: at once when woken, otherwise every ``poll_seconds`` (retries)."""
        self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
        try:
            while True:
                tried = 0
                try:
                    tried = await asyncio.to_thread(self.send_due)
                except sa.exc.SQLAlchemyError as exc:       # the store is down: the notices wait there
                    log.error("sms: the queue cannot be read: %s", type(exc).__name__)
                except Exception:                           # keep sending, but say so
                    log.exception("sms: a round failed")
                if tried >= BATCH:
                    continue
                try:
                    await asyncio.wait_for(self._event.wait(), poll_seconds)
                except asyncio.TimeoutError:
                    pass
                self._event.clear()
        finally:
            self._loop = self._event = None
            self.http.close()
