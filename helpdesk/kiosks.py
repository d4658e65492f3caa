# SPDX-License-Identifier: Apache-2.0
"""Registered kiosks (terminals) and their bearer tokens, in the hub's SQLite db.

A kiosk proves it is the terminal it names with a random token that
``ehall-helpdesk kiosks add`` made. Only a salted scrypt hash of the token is
stored (:func:`helpdesk.accounts.hash_password`), so a copy of the database
connects no kiosk. The scrypt cost is lower than for passwords (about 10 ms, not
50): a slow hash protects guessable secrets, and a 256-bit random token is not
guessable at any cost, while every kiosk (re)connect pays it, all at once after
a hub restart. Each call opens its own short connection, so any thread may
call any method (the hub runs the slow :meth:`KioskRegistry.verify` in a
worker thread). docs/helpdesk.md, *Kiosks*, is the admin's side of this.
"""
from __future__ import annotations

import asyncio
import logging
import math
import re
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from typing import Callable

from helpdesk.accounts import hash_password, verify_password
from helpdesk.config import HubConfig
from helpdesk.throttle import Network, RefusalThrottle, client_address, networks

log = logging.getLogger(__name__)

TERMINAL_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,40}")     # the kiosk's hall.terminal_id
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")               # what the kiosk's config accepts
TOKEN_BYTES = 32                                           # 43 characters of base64url
SCRYPT_N = 2 ** 12

SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks (
    terminal_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL,
    rotated_at REAL, last_seen REAL);
"""


class KioskError(Exception):
    pass


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    created_at: float
    rotated_at: float | None       # when the current token was made (None: at created_at)
    last_seen: float | None        # last accepted connect, or still connected (checked each minute)
    disabled: bool


@dataclass(frozen=True)
class Verdict:
    """The answer to one kiosk's credentials. ``reason`` is for the hub's log only."""
    ok: bool
    reason: str                    # ok | no_token | unknown | disabled | wrong_token | throttled
    token_hash: str = ""           # what the token matched, to notice a later rotation
    retry_after_s: int = 0         # throttled: whole seconds (>= 1) until the address may try again


class KioskRegistry:
    def __init__(self, db_path: str, clock: Callable[[], float] = time.time,
                 scrypt_n: int = SCRYPT_N) -> None:
        self.db_path, self.clock, self.scrypt_n = db_path, clock, scrypt_n

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=10)
        db.executescript(SCHEMA)
        return db

    def add(self, terminal_id: str, token: str | None = None) -> tuple[str, bool]:
        """Registers a terminal, or gives a registered one a new token (the old one stops
        working; a disabled terminal is enabled again). Returns ``(token, rotated)``.

        ``token``: None makes a random one (the CLI always does); tests may pass their own.
        """
        if not TERMINAL_ID.fullmatch(terminal_id or ""):
            raise KioskError(f"terminal id {terminal_id!r}: use 1-40 characters without "
                             "spaces, as in the kiosk's hall.terminal_id")
        token = secrets.token_urlsafe(TOKEN_BYTES) if token is None else token
        if not TOKEN.fullmatch(token):
            raise KioskError("token: 20-200 characters of A-Z a-z 0-9 _ -")
        hashed, now = hash_password(token, self.scrypt_n), self.clock()
        with closing(self._db()) as db, db:
            rotated = db.execute(
                "UPDATE kiosks SET token_hash = ?, disabled = 0, rotated_at = ? "
                "WHERE terminal_id = ?", (hashed, now, terminal_id)).rowcount > 0
            if not rotated:
                db.execute("INSERT INTO kiosks VALUES (?, ?, 0, ?, NULL, NULL)",
                           (terminal_id, hashed, now))
        return token, rotated

    def list(self) -> list[Terminal]:
        with closing(self._db()) as db:
            rows = db.execute("SELECT terminal_id, created_at, rotated_at, last_seen, disabled "
                              "FROM kiosks ORDER BY terminal_id")
            return [Terminal(t, c, r, s, bool(d)) for t, c, r, s, d in rows]

    def _set_disabled(self, terminal_id: str, disabled: bool) -> None:
        with closing(self._db()) as db, db:
            if db.execute("UPDATE kiosks SET disabled = ? WHERE terminal_id = ?",
                          (int(disabled), terminal_id)).rowcount == 0:
                raise KioskError(f"no kiosk {terminal_id!r} (see: kiosks list)")

    def disable(self, terminal_id: str) -> None:
        """Refuses the terminal from now on; the hub drops its live connection (hub.py)."""
        self._set_disabled(terminal_id, True)

    def enable(self, terminal_id: str) -> None:
        """Accepts the terminal again with the token it already has."""
        self._set_disabled(terminal_id, False)

    def verify(self, terminal_id: str, token: str) -> Verdict:
        """Checks a kiosk's credentials. Slow on purpose (scrypt): call off the event loop.

        Terminal ids are not secret (each kiosk shows its own), so an unknown id is
        answered at once instead of being hashed for equal timing.
        """
        if not token:
            return Verdict(False, "no_token")
        with closing(self._db()) as db:
            row = db.execute("SELECT token_hash, disabled FROM kiosks WHERE terminal_id = ?",
                             (terminal_id,)).fetchone()
        if row is None:
            return Verdict(False, "unknown")
        if not verify_password(token, row[0]):
            return Verdict(False, "wrong_token")
        if row[1]:
            return Verdict(False, "disabled")
        try:
            self.seen([terminal_id])
        except sqlite3.Error as exc:          # only the "last seen" column is late
            log.warning("kiosk %r: last seen not saved (%s)", terminal_id, exc)
        return Verdict(True, "ok", row[0])

    def states(self) -> dict[str, tuple[str, bool]]:
        """``{terminal_id: (token_hash, disabled)}``: cheap, for noticing changes."""
        with closing(self._db()) as db:
            return {t: (h, bool(d)) for t, h, d in
                    db.execute("SELECT terminal_id, token_hash, disabled FROM kiosks")}

    def seen(self, terminal_ids: list[str]) -> None:
        if not terminal_ids:
            return
        with closing(self._db()) as db, db:
            db.executemany("UPDATE kiosks SET last_seen = ? WHERE terminal_id = ?",
                           [(self.clock(), t) for t in terminal_ids])


UNAUTHORIZED = ("this terminal is not registered on the hub, is disabled, or its token is "
                "wrong; see docs/helpdesk.md")
THROTTLED = ("too many refused kiosk connections from this address; try again after "
             "retry_after_s; see docs/helpdesk.md")


def bearer(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header ("" when there is none)."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


class KioskGate:
    """Admits kiosk sockets, and notices registrations that changed under live ones
    (``kiosks disable`` or a new token run in another process: the hub's db is the link).
    Logs terminal ids and addresses, never a token.

    At most ``checks_at_once`` token checks run at a time (the rest wait their turn, so
    a burst cannot fill the executor), and an address that ``throttle`` holds back is
    refused without one, also when it was queued before the throttle began. That answer
    comes after ``hold_s`` (no CPU, only an open socket): answered at once, a device in a
    loop would come back hundreds of times a second and cost more than the checks did."""

    hold_s = 1.0

    def __init__(self, registry: KioskRegistry, clock: Callable[[], float],
                 check_s: float = 2.0, seen_s: float = 60.0,
                 throttle: RefusalThrottle | None = None, checks_at_once: int = 2,
                 trusted_proxies: tuple[Network, ...] = ()) -> None:
        self.registry, self.clock = registry, clock
        self.check_s, self.seen_s = check_s, seen_s
        self._checked = self._seen = float("-inf")
        self.throttle = throttle or RefusalThrottle(clock)
        self.checks = asyncio.Semaphore(checks_at_once)
        self.trusted_proxies = trusted_proxies

    @classmethod
    def for_config(cls, cfg: HubConfig, registry: KioskRegistry,
                   clock: Callable[[], float]) -> "KioskGate":
        throttle = RefusalThrottle(clock, cfg.kiosk_refusals_before_throttle,
                                   cfg.kiosk_throttle_seconds)
        return cls(registry, clock, throttle=throttle,
                   checks_at_once=cfg.kiosk_token_checks_at_once,
                   trusted_proxies=networks(cfg.trusted_proxies))

    def address(self, peer: str | None, forwarded_for: tuple[str, ...] | list[str]) -> str:
        """The client's address: the peer, or behind a trusted proxy the one it names."""
        return client_address(peer, forwarded_for, self.trusted_proxies)

    async def admit(self, terminal_id: str, authorization: str | None, remote: str) -> Verdict:
        """``remote``: the client's address (see :func:`helpdesk.throttle.client_address`)."""
        wait = self.throttle.retry_after(remote)
        if not wait:
            async with self.checks:
                wait = self.throttle.retry_after(remote)    # refusals while this one waited
                if not wait:
                    verdict = await self._verify(terminal_id, authorization, remote)
        if wait:                  # no log line: the throttle says when it starts and ends
            await asyncio.sleep(min(wait, self.hold_s))
            return Verdict(False, "throttled",
                           retry_after_s=math.ceil(max(wait - self.hold_s, 1)))
        if verdict.ok:
            log.info("kiosk %r connected from %s", terminal_id, remote)
            self.throttle.admitted(remote)
        else:
            log.warning("kiosk %r from %s refused: %s", terminal_id, remote, verdict.reason)
            if verdict.reason != "registry_error":         # the hub's fault, not the client's
                self.throttle.refused(remote)
        return verdict

    async def _verify(self, terminal_id: str, authorization: str | None, remote: str) -> Verdict:
        try:
            return await asyncio.to_thread(self.registry.verify, terminal_id,
                                           bearer(authorization))
        except sqlite3.Error as exc:
            log.error("kiosk %r from %s: registry not readable (%s)", terminal_id, remote, exc)
            return Verdict(False, "registry_error")

    def revoked(self, live: dict[str, str]) -> list[tuple[str, str]]:
        """``live``: ``{terminal_id: token_hash it connected with}``. Every ``check_s`` at
        most, returns ``(terminal_id, reason)`` for those no longer allowed."""
        now = self.clock()
        if now - self._checked < self.check_s:
            return []
        self._checked = now
        try:
            states = self.registry.states()
        except sqlite3.Error as exc:          # try again at the next check; keep the rest going
            log.error("kiosk registry not readable: %s", exc)
            return []
        out = []
        for tid, token_hash in live.items():
            state = states.get(tid)
            reason = ("removed" if state is None else "disabled" if state[1]
                      else "token_rotated" if state[0] != token_hash else None)
            if reason is not None:
                log.warning("kiosk %r dropped: %s", tid, reason)
                out.append((tid, reason))
        if now - self._seen >= self.seen_s:
            self._seen = now
            dropped = {t for t, _ in out}
            try:
                self.registry.seen([t for t in live if t not in dropped])
            except sqlite3.Error as exc:
                log.warning("kiosks' last seen not saved: %s", exc)
        return out
