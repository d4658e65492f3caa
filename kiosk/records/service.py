# SPDX-License-Identifier: Apache-2.0
"""The records the citizen submits on purpose, as the screens use them: a work order (工单) with
its 查询码 and deadline, a rating (好差评), an unanswered question; all through the outbox.

- :meth:`RecordsService.submit_order` keeps the order on disk (the outbox) and returns what the
  receipt shows: the 查询码 (made here, so a receipt prints while the hub is unreachable; the
  record carries only its hash), the deadline in working days, the status page's address.
- :meth:`RecordsService.wait_sent` says whether the hub has taken a record (and the order's
  number), so the screen says 已提交 only when it did, and 已保存，联网后自动提交 otherwise.
- What a record holds is the minimum: an order's category, item, description, deadline, the
  code's hash, the masked name the citizen agreed to, and the phone (encrypted); a rating's
  score, reasons and what was rated, never who rated; a question masked.
No Kivy; the sender runs on its own thread (kiosk/records/outbox.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ehall_common.order_code import code_hash, new_code

from ..i18n import N_
from ..observe import Observers
from .outbox import Outbox, OutboxError, OutboxSender, Record, Refused, http_sender
from ehall_common.workdays import Deadline, WorkCalendar, parse_days

log = logging.getLogger(__name__)
CATEGORIES = ("咨询", "求助", "投诉", "建议")
DAY_KEYS = {"咨询": "records.consult_days", "求助": "records.help_days", "投诉": "records.complaint_days",
            "建议": "records.suggestion_days"}
MAX_DESCRIPTION = 500
MAX_PHOTOS = 3                 # the document camera's photos with an order (the hub's limits,
MAX_PHOTO_BYTES = 200_000      # helpdesk/order_photos.py): JPEG, kiosk.web.capture.to_jpeg
SCORES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# 差评 reasons offered at the kiosk (GB/T 39735-2020's list of reasons for a bad rating, in the
# wording of the 好差评 system's offline channels)
BAD_REASONS = (N_("政策宣传解读不到位"), N_("办事指南不准确"), N_("多次往返跑腿"), N_("等候时间过长"),
               N_("服务态度不好"), N_("办理时间超时"), N_("设备不好用"), N_("其他"))
TARGETS = ("call", "guide", "item", "order", "session")


@dataclass(frozen=True)
class Submitted:
    """What the receipt shows for an order kept in the outbox."""
    record_id: str
    code: str                   # the 查询码 (in memory only: the record has its hash)
    category: str
    days: int                   # working days to the reply
    deadline: Deadline
    status_url: str             # the page with the code in its fragment (never sent to a server log)

    def link(self, language: str) -> str:
        """The status page's address for a reader of ``language`` (the receipt's QR, on screen and
        printed): English adds ``lang=en`` before the ``#code``, so the hub's page answers in English
        (helpdesk/status_page.py); Chinese leaves it to the phone's language, Chinese by default."""
        if language != "en":
            return self.status_url
        page, sep, code = self.status_url.partition("#")
        return f"{page}?lang=en{sep}{code}"


@dataclass(frozen=True)
class Sent:
    """The hub's word on a record: taken (an order's number), or refused for good."""
    taken: bool
    number: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Lookup:
    """A 查询码 typed at the kiosk: ``found`` (the hub's status), ``pending`` (still in this
    kiosk's outbox, not yet sent), ``wrong`` (no such code), ``wait`` (too many wrong codes from
    this terminal), ``offline`` (the hub cannot be asked now)."""
    outcome: str
    number: str = ""
    category: str = ""
    words: str = ""
    deadline: str = ""
    reply: str = ""
    status: str = ""            # the hub's status key (replied/closed: it may be rated)
    rated: bool = False         # the order was rated already (once per order)


@dataclass(frozen=True)
class MyOrder:
    """One of an identified citizen's orders (查看我的工单): never the phone, name or description."""
    number: str                 # "" while it is still in this kiosk's outbox
    category: str
    words: str                  # the hub's status words ("" while pending)
    deadline: str               # YYYY-MM-DD
    replied: bool = False
    pending: bool = False       # still in this kiosk's outbox, not yet submitted


@dataclass(frozen=True)
class Mine:
    """查看我的工单's answer: ``found`` (``orders``, maybe empty), ``wait`` (too many lookups without
    orders from this terminal), ``offline`` (the hub cannot be asked now; ``orders`` has this
    kiosk's pending ones)."""
    outcome: str
    orders: tuple[MyOrder, ...] = ()


def state_folder() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "ehall-kiosk"


def records_url(hub_url: str) -> str:
    """``ws(s)://host[:port][/...]`` → ``http(s)://host[:port]`` (the hub serves both)."""
    scheme, _, rest = hub_url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{'https' if scheme == 'wss' else 'http'}://{host}"


class RecordsService:
    def __init__(self, outbox: Outbox, calendar: WorkCalendar, terminal: str, status_url: str,
                 days: dict[str, int], today: Callable[[], dt.date] = dt.date.today):
        self.outbox, self.calendar, self.terminal = outbox, calendar, terminal
        self.status_url, self.days, self.today = status_url, days, today
        self.bad_reasons: tuple[str, ...] = BAD_REASONS     # records.bad_reasons: the hall's own list
        self.sender: OutboxSender | None = None
        self.ask_hub: Callable[[str], Lookup] | None = None     # the hub's answer to a code
        self.ask_mine: Callable[[str], Mine] | None = None      # the hub's answer to a citizen tag
        self._sent: dict[str, Sent] = {}
        self.rated: Observers[int] = Observers("ratings")     # each kept rating's score (hall statistics)
        self._cond = threading.Condition()

    @property
    def can_order(self) -> bool:
        """An order carries a phone number: only with a key to keep it encrypted."""
        return self.outbox.can_encrypt

    # -- sending ---------------------------------------------------------------------
    def start(self, send: Callable[[Record], bool | Refused], first_pause: float = 1.0,
              max_pause: float = 60.0) -> RecordsService:
        def noted(record: Record) -> bool | Refused:
            answer = send(record)
            if isinstance(answer, Refused):
                self._note(record.id, Sent(False, reason=answer.reason))
            return answer
        self.sender = OutboxSender(self.outbox, noted, first_pause, max_pause).start()
        return self

    def on_answer(self, record: Record, answer: dict[str, Any]) -> None:
        """The hub took a record (``http_sender``'s on_answer)."""
        self._note(record.id, Sent(True, number=str(answer.get("number") or "")))

    def _note(self, record_id: str, sent: Sent) -> None:
        with self._cond:
            self._sent[record_id] = sent
            while len(self._sent) > 200:          # answers nobody waits for any more
                self._sent.pop(next(iter(self._sent)))
            self._cond.notify_all()

    def wait_sent(self, record_id: str, timeout: float) -> Sent | None:
        """The hub's word within ``timeout`` seconds (None: not yet; the outbox keeps trying)."""
        with self._cond:
            self._cond.wait_for(lambda: record_id in self._sent, timeout)
            return self._sent.pop(record_id, None)

    def stop(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        self.outbox.close()

    # -- what the citizen submits ----------------------------------------------------------
    def deadline(self, category: str) -> tuple[int, Deadline]:
        days = self.days[category]
        return days, self.calendar.add_workdays(self.today(), days)

    def submit_order(self, category: str, description: str, phone: str, item_id: str = "",
                     item_name: str = "", name_masked: str = "", photos: Sequence[bytes] = (),
                     citizen_tag: str = "") -> Submitted:
        """Keeps the order (OutboxError when it cannot: the screen then says it was not saved).
        ``photos``: JPEGs from the document camera, sealed in the outbox with the rest.
        ``citizen_tag``: the identity worker's tag of the ID card, only when the citizen agreed to
        find the order by card (查看我的工单; kiosk/citizen_tag.py); never the number."""
        if category not in CATEGORIES:
            raise ValueError(f"category {category!r}")
        if len(photos) > MAX_PHOTOS or any(len(p) > MAX_PHOTO_BYTES or not p.startswith(b"\xff\xd8")
                                           for p in photos):
            raise ValueError(f"photos: at most {MAX_PHOTOS} JPEGs of {MAX_PHOTO_BYTES} bytes")
        text = description.strip()
        if not text or len(text) > MAX_DESCRIPTION:
            raise ValueError("description: 1 to 500 characters")
        days, deadline = self.deadline(category)
        code = new_code()
        payload: dict[str, Any] = {"category": category, "description": text, "item_id": item_id or None,
                   "item_name": item_name[:80] or None, "name_masked": name_masked[:20] or None,
                   "filed": self.today().isoformat(),
                   "deadline": deadline.date.isoformat(), "deadline_certain": deadline.certain,
                   "code_hash": code_hash(code)}
        from ..i18n import current
        if current() == "en":                 # the hub's SMS notices then come in English
            payload["lang"] = "en"
        if citizen_tag:
            from ehall_common.order_code import is_hash
            if not is_hash(citizen_tag):
                raise ValueError("citizen_tag: 64 lower-case hex digits")
            payload["citizen_tag"] = citizen_tag
        if photos:
            import base64
            payload["photos"] = [base64.b64encode(p).decode("ascii") for p in photos]
        record_id = self.outbox.put("order", payload, phone=phone)
        return Submitted(record_id, code, category, days, deadline, f"{self.status_url}#{code}")

    def lookup(self, code: str) -> Lookup:
        """What a 查询码 shows (call off the UI thread: it may ask the hub)."""
        from ehall_common.order_code import normalise
        typed = normalise(code)
        if not typed or len(typed) > 16:
            return Lookup("wrong")
        wanted = code_hash(typed)
        try:
            for record in self.outbox.pending(500):
                if record.kind == "order" and record.payload.get("code_hash") == wanted:
                    return Lookup("pending", category=record.payload.get("category", ""),
                                  deadline=record.payload.get("deadline", ""))
        except OutboxError as exc:
            log.error("the outbox cannot be read for a lookup: %s", exc)
        if self.ask_hub is None:
            return Lookup("offline")
        return self.ask_hub(typed)

    def mine(self, tag: str) -> Mine:
        """查看我的工单: the orders filed with this citizen tag, this kiosk's pending ones first (call
        off the UI thread: it asks the hub)."""
        pending: list[MyOrder] = []
        try:
            for record in self.outbox.pending(500):
                if record.kind == "order" and tag and record.payload.get("citizen_tag") == tag:
                    pending.append(MyOrder("", str(record.payload.get("category", "")), "",
                                           str(record.payload.get("deadline", "")), pending=True))
        except OutboxError as exc:
            log.error("the outbox cannot be read for a card lookup: %s", exc)
        if not tag or self.ask_mine is None:
            return Mine("offline", tuple(pending))
        answer = self.ask_mine(tag)
        return Mine(answer.outcome, tuple(pending) + answer.orders)

    def rate(self, score: int, target_kind: str, target_id: str = "", reasons: Sequence[str] = (),
             text: str = "", helper: str = "") -> bool:
        """A 好差评 rating kept for the hub; False when it could not be kept (logged)."""
        if score not in SCORES or target_kind not in TARGETS:
            raise ValueError("score 1-5 and a known target")
        payload = {"score": score, "target_kind": target_kind, "target_id": target_id or None,
                   "reasons": [r for r in reasons if r in self.bad_reasons], "text": text.strip()[:200] or None,
                   "helper": helper or None}
        try:
            self.outbox.put("rating", payload)
        except OutboxError as exc:
            log.error("a rating could not be kept: %s", exc)
            return False
        self.rated.notify(score)
        return True


def build_records(config) -> RecordsService | None:
    """The outbox and its sender to the hub (assist.hub_url with the kiosk's token); None when no
    hub is configured (nothing could ever be delivered, so nothing is promised)."""
    hub = config["assist.hub_url"]
    if not hub:
        return None
    from ..config import read_token_file

    folder = Path(config["records.folder"]) if config["records.folder"] else state_folder()
    old_mask = os.umask(0o077)                   # the outbox's files: the kiosk user's only
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        outbox = Outbox(folder / "outbox.db", config["records.outbox_key"] or None)
    except (OSError, OutboxError, sqlite3.Error) as exc:
        # the kiosk still serves citizens; it only offers nothing it could not keep
        log.error("the records' outbox cannot be opened in %s (%s): no 留言, ratings or questions", folder, exc)
        return None
    finally:
        os.umask(old_mask)
    calendar = WorkCalendar(parse_days(config["records.extra_holidays"], "records.extra_holidays"),
                            parse_days(config["records.extra_workdays"], "records.extra_workdays"),
                            config["records.calendar_years"])
    base = records_url(hub)
    service = RecordsService(outbox, calendar, config["hall.terminal_id"],
                             config["records.status_url"] or base + "/orders/status",
                             {c: config[k] for c, k in DAY_KEYS.items()})
    service.bad_reasons = tuple(r.strip() for r in config["records.bad_reasons"])   # the hall's list
    token_file = config["assist.hub_token_file"]

    def token() -> str:
        return read_token_file(token_file) if token_file else config["assist.hub_token"]

    import requests
    connection = requests.Session()             # one kept-open connection, on the sender's thread

    def send(record: Record) -> bool | Refused:
        return http_sender(base + "/api/records", config["hall.terminal_id"], token(),
                           on_answer=service.on_answer, session=connection)(record)
    def ask_hub(code: str) -> Lookup:
        try:
            answer = requests.post(base + "/api/records/status", json={"code": code}, timeout=5,
                                   headers={"Authorization": f"Bearer {token()}",
                                            "X-Ehall-Terminal": config["hall.terminal_id"]})
        except (requests.RequestException, OSError, ValueError):
            return Lookup("offline")
        if answer.status_code == 404:
            return Lookup("wrong")
        if answer.status_code == 429:
            return Lookup("wait")
        if answer.status_code != 200:
            return Lookup("offline")
        found = answer.json()
        return Lookup("found", str(found.get("number", "")), str(found.get("category", "")),
                      str(found.get("words", "")), str(found.get("deadline", "")), str(found.get("reply", "")),
                      str(found.get("status", "")), bool(found.get("rated")))
    service.ask_hub = ask_hub

    def ask_mine(tag: str) -> Mine:
        try:
            answer = requests.post(base + "/api/records/mine", json={"tag": tag}, timeout=5,
                                   headers={"Authorization": f"Bearer {token()}",
                                            "X-Ehall-Terminal": config["hall.terminal_id"]})
            if answer.status_code == 429:
                return Mine("wait")
            if answer.status_code != 200:
                return Mine("offline")
            found = answer.json().get("orders") or []
            return Mine("found", tuple(MyOrder(str(o.get("number", "")), str(o.get("category", "")),
                                               str(o.get("words", "")), str(o.get("deadline", "")),
                                               bool(o.get("replied"))) for o in found[:20]))
        except (requests.RequestException, OSError, ValueError, AttributeError, TypeError):
            return Mine("offline")
    service.ask_mine = ask_mine
    if not service.can_order:
        log.warning("records.outbox_key is empty: 留言 (work orders) is not offered; ratings and "
                    "questions are still kept")
    return service.start(send)
