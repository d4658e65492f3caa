# SPDX-License-Identifier: Apache-2.0
"""Work orders (工单) and ratings (好差评) on the hub: one schema on SQLite (one hall) or
PostgreSQL (a city's halls sharing a hub), through SQLAlchemy Core; the schema is versioned
with Alembic (helpdesk/migrations, ``upgrade(url)``).

- Submissions carry the id the kiosk made: taking the same id twice returns the first result,
  so a kiosk's outbox may send again after a lost answer.
- A work order gets a number and a 查询码 (10 random characters from an alphabet without
  look-alikes, ehall_common/order_code.py); only the code's SHA-256 is stored, so a copy of the
  database does not open the status pages. A kiosk makes the code itself (so its receipt prints
  while the hub is unreachable) and sends only ``code_hash``.
- The contact phone is kept as the kiosk sends it for staff to call back (the console shows
  it masked until a helper opens the order). The hub's store keeps the phone, the name, the
  description and the photos encrypted at rest and the 查询码's hash keyed (helpdesk/order_crypt.py;
  the key: order_key_file or the default of helpdesk/order_keys.py), and so the staff's reply, the
  audit trail's texts and the ratings' texts; an OrderStore without a cipher keeps plain text.
- Every change of an order (assigned, replied, closed, sent back) is one row of its audit trail.
- A rating of 不满意 or 非常不满意 opens a follow-up with its own deadline.
- Deadlines are the hub's (helpdesk/deadlines.py): the earlier of the kiosk's printed promise
  and the hall's limit counted in working days from the day the order was filed.
- With ``[sms]`` on (``notices``), filing, answering and closing an order and a 差评 on an order
  put an SMS notice in ``sms_queue`` in the same transaction, so none is lost; the hub's sender
  (helpdesk/sms_queue.py) delivers them later and never holds up the request.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

from ehall_common.order_code import ALPHABET as CODE_ALPHABET  # noqa: F401 - the hub's name for it
from ehall_common.order_code import code_hash, is_hash, new_code
from helpdesk.deadlines import DeadlineRules
from helpdesk.order_crypt import OrderCipher
from helpdesk.sms import SmsConfig, render

CATEGORIES = ("咨询", "求助", "投诉", "建议")
STATUSES = ("submitted", "assigned", "replied", "closed", "returned")
SCORES = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}

meta = sa.MetaData()
orders = sa.Table(
    "orders", meta,
    sa.Column("id", sa.String(32), primary_key=True),             # the kiosk's record id
    sa.Column("number", sa.String(20), nullable=False, unique=True),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("category", sa.String(8), nullable=False),
    sa.Column("item_id", sa.String(40)),
    sa.Column("description", sa.Text, nullable=False),      # 500 characters; sealed (order_crypt.py)
    sa.Column("phone", sa.Text, nullable=False),
    sa.Column("name_masked", sa.Text),
    sa.Column("terminal", sa.String(40), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("assigned_to", sa.String(64)),
    sa.Column("reply", sa.Text),                            # 2000 characters; sealed (order_crypt.py)
    sa.Column("code_key", sa.String(16)),                   # the key id code_hash is keyed with (NULL: unkeyed)
    sa.Column("lang", sa.String(2)),                        # the kiosk session's language: en, else zh (NULL)
    sa.Column("citizen_tag", sa.String(64)),                # the ID card's tag, keyed (NULL: not findable by card)
    sa.Column("tag_key", sa.String(16)),                    # the key id citizen_tag is keyed with
)
sa.Index("orders_status_deadline", orders.c.status, orders.c.deadline)
sa.Index("orders_citizen_tag", orders.c.citizen_tag)
order_events = sa.Table(
    "order_events", meta,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(12), nullable=False),
    sa.Column("detail", sa.Text),                           # 2000 characters; sealed
)
ratings = sa.Table(
    "ratings", meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("target_kind", sa.String(12), nullable=False),        # call | guide | order | session
    sa.Column("target_id", sa.String(64)),
    sa.Column("terminal", sa.String(40), nullable=False),
    sa.Column("helper", sa.String(64)),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("reasons", sa.String(400)),
    sa.Column("text", sa.Text),                             # 500 characters; sealed
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("follow_up_due", sa.Date),
    sa.Column("follow_up_done", sa.Text),                   # the follow-up's outcome: date, helper, text; sealed
)

questions = sa.Table(                  # 问一问 questions nothing answered well (helpdesk/questions.py)
    "questions", meta,
    sa.Column("id", sa.String(32), primary_key=True),             # the kiosk's record id
    sa.Column("question", sa.String(500), nullable=False),        # masked at the kiosk
    sa.Column("reason", sa.String(12), nullable=False),           # unsolved | no_answer
    sa.Column("offered", sa.String(400)),                         # what was offered (JSON ids)
    sa.Column("terminal", sa.String(40), nullable=False),
    sa.Column("asked", sa.DateTime(timezone=True), nullable=False),
    sa.Column("handled", sa.String(64)),                          # who marked it 已补充, or NULL
)
sa.Index("questions_handled_asked", questions.c.handled, questions.c.asked)
STATS_SCALARS = ("sessions", "searches", "zero_searches", "items_viewed", "guides_printed", "calls",
                 "calls_answered", "call_wait_s", "call_wait_max_s", "call_talk_s")
stats_days = sa.Table(                 # the hall's statistics per terminal and day (helpdesk/stats.py)
    "stats_days", meta,
    sa.Column("terminal", sa.String(40), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("received", sa.DateTime(timezone=True), nullable=False),
    *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in STATS_SCALARS),
    sa.Column("call_outcomes", sa.String(400), nullable=False, server_default="{}"),
    sa.Column("identity", sa.String(400), nullable=False, server_default="{}"),
    sa.Column("ratings", sa.String(200), nullable=False, server_default="{}"),
)
stats_queries = sa.Table(
    "stats_queries", meta,
    sa.Column("terminal", sa.String(40), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("zero", sa.Boolean, primary_key=True),          # the zero-result list, or all queries
    sa.Column("query", sa.String(40), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
sms_queue = sa.Table(                  # SMS notices until the gateway took them (helpdesk/sms_queue.py)
    "sms_queue", meta,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id"), nullable=False, index=True),
    sa.Column("event", sa.String(12), nullable=False),           # filed | replied | closed | follow_up
    sa.Column("text", sa.String(400), nullable=False),           # the number and the page, no description
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("next_try", sa.DateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("sent", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.String(200)),                     # a status or an error's kind, never the phone
)
sa.Index("sms_queue_sent_next", sms_queue.c.sent, sms_queue.c.next_try)
order_photos = sa.Table(               # the document camera's photos with an order (helpdesk/order_photos.py)
    "order_photos", meta,
    sa.Column("order_id", sa.String(32), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True),
    sa.Column("jpeg", sa.LargeBinary, nullable=False),
)
sa.Index("stats_days_day", stats_days.c.day)
sa.Index("stats_queries_day", stats_queries.c.day)


class OrderError(ValueError):
    """A submission or an action that is refused, with the reason."""


@dataclass(frozen=True)
class Receipt:
    id: str
    number: str
    code: str | None        # the 查询码, only in the answer to the first submission
    deadline: dt.date


def _hash(code: str) -> str:
    return code_hash(code)


def upgrade(url: str, cipher: Any = None) -> None:
    """Brings the database at ``url`` to the newest schema (``ehall-helpdesk db upgrade``); with
    the orders' key (an OrderCipher), migration 0006 encrypts the orders kept in plain text."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["order_cipher"] = cipher
    command.upgrade(cfg, "head")


def _secure_delete(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete = ON")


def order_rating_id(order_id: str) -> str:
    """The one rating an order may have (the kiosk's lookup and the status page share it)."""
    return "order-" + hashlib.sha256(order_id.encode()).hexdigest()[:26]


def _without_hash(found: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if found is None else {k: v for k, v in found.items() if k != "code_hash"}


class OrderStore:
    def __init__(self, url: str, rules: DeadlineRules | None = None, notices: SmsConfig | None = None,
                 cipher: OrderCipher | None = None):
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":      # deleted and sealed rows leave no old bytes in the file
            sa.event.listen(self.engine, "connect", _secure_delete)
        self.cipher = cipher             # the orders' key: personal fields sealed at rest (None: plain)
        self.rules = rules or DeadlineRules()
        self.notices = notices if notices is not None and notices.enabled else None
        self.queued: Callable[[], None] | None = None    # told after a notice was queued (the sender wakes)

    def opened(self, value: Any) -> Any:
        """A sealed field or photo opened (for a logged-in helper's view, the SMS sender)."""
        return self.cipher.open(value) if self.cipher else value

    def _seal(self, text: str | None) -> str | None:
        return self.cipher.seal(text) if self.cipher and text is not None else text

    def _notice(self, db: Any, order_id: str, event: str, now: dt.datetime, **values: str) -> bool:
        """Queues an SMS notice in the caller's transaction (with [sms] on), in the order's language."""
        if self.notices is None:
            return False
        lang = db.execute(sa.select(orders.c.lang).where(orders.c.id == order_id)).scalar() or "zh"
        db.execute(sms_queue.insert().values(order_id=order_id, event=event, created=now, next_try=now,
                                             text=render(self.notices, event, lang, **values), attempts=0))
        return True

    def _wake(self, queued: bool) -> None:
        if queued and self.queued is not None:
            self.queued()

    def submit_order(self, rec: dict[str, Any], terminal: str, now: dt.datetime | None = None) -> Receipt:
        now = now or dt.datetime.now(dt.timezone.utc)
        record_id = str(rec.get("id", ""))
        if not record_id or len(record_id) > 32:
            raise OrderError("id: the kiosk's record id is required")
        category, text = rec.get("category"), str(rec.get("description", "")).strip()
        if category not in CATEGORIES:
            raise OrderError(f"category: one of {'/'.join(CATEGORIES)}")
        if not text or len(text) > 500:
            raise OrderError("description: 1 to 500 characters")
        phone = str(rec.get("phone", ""))
        if not phone or len(phone) > 20 or not phone.replace("-", "").isdigit() or not phone.isascii():
            raise OrderError("phone: a number as a helper dials it")
        try:
            deadline = self.rules.order_deadline(category, now.astimezone().date(),   # the hall's day
                                                 rec.get("filed"), rec.get("deadline"))
        except ValueError as exc:
            raise OrderError(str(exc)) from None
        if rec.get("code_hash") is not None and not is_hash(rec.get("code_hash")):
            raise OrderError("code_hash: the SHA-256 of the kiosk's 查询码, 64 lower-case hex digits")
        if rec.get("citizen_tag") is not None and not is_hash(rec.get("citizen_tag")):
            raise OrderError("citizen_tag: the kiosk's tag of the ID card, 64 lower-case hex digits")
        from helpdesk.order_photos import PhotoError, check_photos
        try:
            rec = {**rec, "photos": check_photos(rec.get("photos"))}
        except PhotoError as exc:
            raise OrderError(str(exc)) from None
        for _attempt in range(50):        # two kiosks may draw the same next number: the second retries
            try:
                return self._insert(rec, record_id, category, text, phone, deadline, terminal, now)
            except sa.exc.IntegrityError:
                continue
        raise OrderError("the store is too busy to number the order; the kiosk's outbox sends it again")

    def _insert(self, rec: dict[str, Any], record_id: str, category: str, text: str, phone: str,
                deadline: dt.date, terminal: str, now: dt.datetime) -> Receipt:
        with self.engine.begin() as db:
            old = db.execute(sa.select(orders.c.number, orders.c.deadline).where(orders.c.id == record_id)).first()
            if old is not None:                       # sent again after a lost answer
                return Receipt(record_id, old.number, None, old.deadline)
            # the day's next number: counted from the day's highest, not from how many orders the
            # store holds (the retention deletes old ones: a count would hand out a number again)
            day = f"{now:%Y%m%d}"
            last = db.execute(sa.select(sa.func.max(orders.c.number)).where(orders.c.number.like(f"{day}%"))).scalar()
            number = f"{day}{int(last[8:]) + 1 if last else 1:06d}"
            made = rec.get("code_hash")                # the kiosk made the code: the hub never sees it
            code = None if made else new_code()
            seal = self.cipher.seal if self.cipher else (lambda v: v)
            hashed = made or _hash(code or "")
            key_id, kept = self.cipher.keyed(hashed)[0] if self.cipher else (None, hashed)
            tag = rec.get("citizen_tag")               # only when the citizen agreed at the kiosk
            tag_key = None
            if tag and self.cipher:
                tag_key, tag = self.cipher.keyed(tag)[0]
            db.execute(orders.insert().values(
                id=record_id, number=number, code_hash=kept, **({"code_key": key_id} if key_id else {}),
                category=category, item_id=rec.get("item_id") or None, description=seal(text), phone=seal(phone),
                name_masked=seal(rec.get("name_masked") or None), terminal=terminal, created=now,
                deadline=deadline, status="submitted", **({"citizen_tag": tag, "tag_key": tag_key} if tag else {}),
                **({"lang": "en"} if rec.get("lang") == "en" else {})))
            db.execute(order_events.insert().values(order_id=record_id, at=now, actor=f"kiosk:{terminal}",
                                                    action="submitted", detail=None))
            for n, jpeg in enumerate(rec["photos"]):
                db.execute(order_photos.insert().values(
                    order_id=record_id, n=n, jpeg=self.cipher.seal_bytes(jpeg) if self.cipher else jpeg))
            queued = self._notice(db, record_id, "filed", now, number=number, deadline=deadline.isoformat())
        self._wake(queued)
        return Receipt(record_id, number, code, deadline)

    def status(self, code: str) -> dict[str, Any] | None:
        """What the holder of a 查询码 may see: number, status, deadline, reply; never phone or name.
        The code's hash is kept keyed (a copy of the database alone cannot be searched for codes):
        each key's is tried, and the plain one (orders kept before the key until they are sealed)."""
        hashed = _hash(code)
        keyed = self.cipher.keyed(hashed) if self.cipher else []
        found = self._status(orders.c.code_hash.in_({*(h for _k, h in keyed), hashed}))
        if found is not None and found["code_hash"] in (h for _k, h in keyed[1:]):
            self._rehash(found["id"], found["code_hash"], *keyed[0])   # an older key's: the newest's now
        return _without_hash(found)

    def status_of(self, number: str) -> dict[str, Any] | None:
        """:meth:`status` by the order's number, for a page that already proved the 查询码 (the
        status page's language switch carries its ticket, helpdesk/status_page.py)."""
        return _without_hash(self._status(orders.c.number == number))

    def _status(self, where: Any) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(orders.c.id, orders.c.number, orders.c.status, orders.c.deadline,
                                       orders.c.reply, orders.c.category, orders.c.code_hash)
                             .where(where)).first()
            if row is None:
                return None
            rated = db.execute(sa.select(ratings.c.id).where(ratings.c.id == order_rating_id(row.id))).first()
        return {**row._mapping, "reply": self.opened(row.reply), "rated": rated is not None}

    def _rehash(self, order_id: str, old: str, key_id: str, new: str) -> None:
        """After a key rotation (helpdesk/order_keys.py): the 查询码 that just found the order keys
        its hash with the newest key, so the older key is needed for one order less."""
        with self.engine.begin() as db:
            db.execute(orders.update().where(orders.c.id == order_id, orders.c.code_hash == old)
                       .values(code_hash=new, code_key=key_id))

    def act(self, order_id: str, actor: str, action: str, detail: str = "",
            now: dt.datetime | None = None) -> None:
        """assign (detail: the helper), reply (detail: the text the citizen sees), close, return."""
        now = now or dt.datetime.now(dt.timezone.utc)
        changes: dict[str, Any] = {"assign": {"status": "assigned", "assigned_to": detail[:64]},
                                   "reply": {"status": "replied", "reply": self._seal(detail[:2000])},
                                   "close": {"status": "closed"}, "return": {"status": "returned"}}.get(action, {})
        if not changes:
            raise OrderError("action: one of assign, reply, close, return")
        with self.engine.begin() as db:
            done = db.execute(orders.update().where(orders.c.id == order_id).values(**changes)).rowcount
            if not done:
                raise OrderError("no such order")
            db.execute(order_events.insert().values(order_id=order_id, at=now, actor=actor[:64],
                                                    action=action, detail=self._seal(detail[:2000] or None)))
            queued = False
            if action in ("reply", "close"):
                number = db.execute(sa.select(orders.c.number).where(orders.c.id == order_id)).scalar_one()
                queued = self._notice(db, order_id, "replied" if action == "reply" else "closed", now,
                                      number=number)
        self._wake(queued)

    def history(self, order_id: str) -> list[tuple[str, str, str | None]]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(order_events.c.actor, order_events.c.action, order_events.c.detail)
                              .where(order_events.c.order_id == order_id).order_by(order_events.c.seq))
            return [(r.actor, r.action, self.opened(r.detail)) for r in rows]

    def listing(self, status: str | None = None, overdue_on: dt.date | None = None, limit: int = 50,
                offset: int = 0) -> list[dict[str, Any]]:
        """The console's list, newest first; ``overdue_on``: open orders past their deadline that day."""
        q = sa.select(orders.c.id, orders.c.number, orders.c.category, orders.c.status, orders.c.deadline,
                      orders.c.terminal, orders.c.created)
        if status:
            q = q.where(orders.c.status == status)
        if overdue_on:
            q = q.where(orders.c.deadline < overdue_on, orders.c.status.notin_(("closed",)))
        q = q.order_by(orders.c.created.desc(), orders.c.id).limit(min(limit, 500)).offset(offset)
        with self.engine.connect() as db:
            return [dict(r._mapping) for r in db.execute(q)]

    def rate(self, rec: dict[str, Any], terminal: str, now: dt.datetime | None = None) -> bool:
        """Takes a rating once (by its id); True when new. A 差评 opens a follow-up."""
        now = now or dt.datetime.now(dt.timezone.utc)
        score = rec.get("score")
        if score not in SCORES:
            raise OrderError("score: 1 (非常不满意) to 5 (非常满意)")
        reasons = rec.get("reasons") or []
        if score <= 2 and not reasons:
            raise OrderError("reasons: a bad rating says why (GB/T 39735 list)")
        due = self.rules.follow_up(now.astimezone().date()) if score <= 2 else None
        try:
            return self._rate(rec, terminal, score, reasons, due, now)
        except sa.exc.IntegrityError:          # the same order rated at once from two places
            return False

    def _rate(self, rec: dict[str, Any], terminal: str, score: int, reasons: list[str], due: dt.date | None,
              now: dt.datetime) -> bool:
        with self.engine.begin() as db:
            if db.execute(sa.select(ratings.c.id).where(ratings.c.id == str(rec.get("id")))).first():
                return False
            order = None
            if rec.get("target_kind") == "order" and rec.get("target_id"):
                key = str(rec["target_id"])            # a finished order rated: its id or its number
                order = db.execute(sa.select(orders.c.id, orders.c.number)
                                   .where(sa.or_(orders.c.id == key, orders.c.number == key))).first()
            rating_id = str(rec["id"])[:32]
            if order is not None:                      # one rating per order, wherever it comes from
                rating_id = order_rating_id(order.id)
                if db.execute(sa.select(ratings.c.id).where(ratings.c.id == rating_id)).first():
                    return False
            db.execute(ratings.insert().values(
                id=rating_id, target_kind=str(rec.get("target_kind", "session"))[:12],
                target_id=(str(rec["target_id"])[:64] if rec.get("target_id") else None), terminal=terminal,
                helper=rec.get("helper"), score=score, reasons=json.dumps(reasons, ensure_ascii=False)[:400],
                text=self._seal(str(rec.get("text") or "")[:500] or None), created=now, follow_up_due=due))
            queued = False
            if due is not None and order is not None:
                queued = self._notice(db, order.id, "follow_up", now, number=order.number, due=due.isoformat())
        self._wake(queued)
        return True

    def rate_order(self, number: str, score: int, reasons: list[str], text: str = "",
                   now: dt.datetime | None = None) -> bool:
        """The status page's rating of a finished order (its holder had the 查询码); False when
        the order was rated already. OrderError when it is not 已答复/已办结."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(orders.c.id, orders.c.status).where(orders.c.number == number)).first()
        if row is None or row.status not in ("replied", "closed"):
            raise OrderError("order: only an answered or closed order is rated")
        rec = {"id": order_rating_id(row.id), "target_kind": "order", "target_id": row.id, "score": score,
               "reasons": reasons, "text": text or None}
        return self.rate(rec, "status-page", now)

    def delete_order(self, order_id: str) -> bool:
        """Removes an order and all that is tied to it (audit trail, notices, photos): what a
        retention rule calls. True when there was one."""
        with self.engine.begin() as db:
            for table in (order_photos, sms_queue, order_events):
                db.execute(table.delete().where(table.c.order_id == order_id))
            return bool(db.execute(orders.delete().where(orders.c.id == order_id)).rowcount)

    def photo(self, order_id: str, n: int) -> bytes | None:
        with self.engine.connect() as db:
            jpeg = db.execute(sa.select(order_photos.c.jpeg).where(order_photos.c.order_id == order_id,
                                                                   order_photos.c.n == n)).scalar()
        return None if jpeg is None else self.opened(bytes(jpeg))

    def follow_ups(self) -> list[dict[str, Any]]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(ratings).where(ratings.c.follow_up_due.is_not(None),
                                                       ratings.c.follow_up_done.is_(None))
                              .order_by(ratings.c.follow_up_due))
            return [{**r._mapping, "text": self.opened(r.text)} for r in rows]
