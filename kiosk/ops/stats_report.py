# SPDX-License-Identifier: Apache-2.0
"""The hall's counts to the hub, and kept until the hub has them (docs/assist-protocol.md,
*Hall statistics*).

:class:`StatsReporter` sends ``stats`` over the remote-assist service's hub link (the kiosk's
authenticated socket, like :mod:`kiosk.ops.status`): every day whose counts changed since the
hub last acknowledged them, at most ``DAYS_PER_MESSAGE`` days a message, every ``send_s`` and
whenever the link comes up. The hub answers ``stats_ack`` with each day and revision it stored;
a past day the hub holds whole is dropped here, today's goes on counting.

What a stop or a crash can lose:

- the hub down, or unreachable for days: nothing; up to ``keep_days`` days wait here (older
  ones are dropped, logged), in the file, and go when it is back;
- the kiosk stopped cleanly: nothing (the counts are written at :meth:`stop`);
- the kiosk killed or the power cut: the counts of the last ``save_s`` seconds at most (60:
  the file is written that often when something was counted or acknowledged; a day the hub
  acknowledged just before may be sent again, and the hub replaces it with the same counts).

The file (``stats.json`` in the records' folder, the kiosk user's only) holds counts and masked
queries (:func:`kiosk.ops.stats.stat_query`), nothing else.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from .stats import HallCounter

log = logging.getLogger(__name__)

SEND_S = 300.0
SAVE_S = 60.0
KEEP_DAYS = 92
DAYS_PER_MESSAGE = 7


def load(path: Path) -> dict[str, dict[str, Any]]:
    """The days kept in ``path`` ({} when there is none, or it cannot be read: logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.error("hall statistics: %s cannot be read (%s); counting starts afresh", path, exc)
        return {}
    days = data.get("days") if isinstance(data, dict) else None
    if not isinstance(days, dict):
        log.error("hall statistics: %s has no days; counting starts afresh", path)
        return {}
    from .stats import new_day
    out = {}
    for day, counts in days.items():
        if isinstance(counts, dict) and isinstance(day, str):
            out[day] = {**new_day(day), **counts, "day": day}
    return out


def save(path: Path, days: dict[str, dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "days": days}, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class StatsReporter:
    """``link``: the AssistService (``tap``, ``send_to_hub``, ``status.linked``)."""

    def __init__(self, link: Any, counter: HallCounter, path: Path | None, send_s: float = SEND_S,
                 save_s: float = SAVE_S, keep_days: int = KEEP_DAYS) -> None:
        self.link, self.counter, self.path = link, counter, path
        self.send_s, self.save_s, self.keep_days = send_s, save_s, keep_days
        self._linked = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0              # stats messages sent (for tests and the bench)
        self.feed: Any = None      # the kiosk.ops.stats_feed.StatsFeed counting into ``counter``

    @property
    def linked(self) -> bool:
        """The hub link is up, as the last ``link`` message from it said."""
        return self._linked

    def start(self) -> "StatsReporter":
        if self._thread is not None:
            return self
        self.link.tap(self._from_hub)
        self._linked = bool(getattr(getattr(self.link, "status", None), "linked", False))
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="stats-report", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)
        self.save()

    def _run(self) -> None:
        since_send = 0.0
        if self._linked:
            self.send()
        while not self._stop.wait(min(self.save_s, self.send_s)):
            since_send += min(self.save_s, self.send_s)
            if since_send >= self.send_s:
                since_send = 0.0
                self.send()
            if self.counter.changed:
                self.save()

    def save(self) -> None:
        if self.path is None:
            return
        for day in self.counter.keep_at_most(self.keep_days):
            log.warning("hall statistics: the hub has not taken %s for %d days; dropped", day, self.keep_days)
        with self._lock:
            try:
                save(self.path, self.counter.state())
            except OSError as exc:
                log.error("hall statistics: %s cannot be written (%s)", self.path, exc.strerror)

    def send(self) -> int:
        """Sends the days the hub has not acknowledged; how many messages went."""
        if not self._linked:
            return 0
        days, n = self.counter.unsent(), 0
        for i in range(0, len(days), DAYS_PER_MESSAGE):
            self.link.send_to_hub({"type": "stats", "days": days[i:i + DAYS_PER_MESSAGE]})
            n += 1
        self.sent += n
        return n

    def _from_hub(self, msg: dict) -> None:
        kind = msg.get("type")
        if kind == "link":
            self._linked = bool(msg.get("up"))
            if self._linked:
                self.send()
        elif kind == "stats_ack":
            for got in msg.get("days") or ():
                if isinstance(got, dict) and isinstance(got.get("day"), str) and isinstance(got.get("rev"), int):
                    self.counter.acked(got["day"], got["rev"])   # written with the next save
            for bad in msg.get("refused") or ():             # never taken: sending it again cannot help
                if isinstance(bad, dict) and isinstance(bad.get("day"), str) and self.counter.drop(bad["day"]):
                    log.error("hall statistics: the hub refused %s (%s); dropped", bad["day"],
                              str(bad.get("why", ""))[:200])
