# SPDX-License-Identifier: Apache-2.0
"""Helper logins, counted per address and per account name BEFORE the password check.

A helper account sees citizens on camera, so its password must not be guessable by
trying. Every login attempt is recorded the moment it arrives, as a failure until
its check succeeds, so attempts still being checked count too (40 guesses sent at
once are not 40 checks). After ``limit`` attempts from one address (or ``2 × limit``
for one name, from anywhere) within ``window_s`` that are not successes, further
ones are answered "too many tries, wait N s" without a password check, until the
oldest of those attempts is ``window_s`` old. So at most ``limit`` checks per
address are ever in flight, and the whole hub runs at most ``checks_at_once``
scrypt checks at a time.

A success inside a burst is no success: if an address (or name) had an attempt
refused unchecked within the window, a right password checked meanwhile is
refused as well (429), and its token revoked at once. Otherwise a success clears
both records. The per-name count lets someone lock a helper out for one window by
failing on purpose; it is higher than the per-address one and short, and a hall
LAN is where that someone would be seen. Logs one warning per throttled address
or name, never one per attempt.
"""
from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from typing import Callable

from helpdesk.accounts import Accounts

log = logging.getLogger(__name__)


class LoginThrottled(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"登录失败次数过多，请 {retry_after_s} 秒后再试 "
                         f"(too many failed logins; try again in {retry_after_s} s)")
        self.retry_after_s = retry_after_s


class AttemptCounter:
    """Per key (an address or a name): the times of attempts that are not successes,
    and when one was last refused unchecked."""

    def __init__(self, clock: Callable[[], float], limit: int, window_s: float, what: str,
                 max_keys: int = 10_000) -> None:
        self.clock, self.limit, self.window_s, self.what = clock, limit, window_s, what
        self.max_keys = max_keys
        self.attempts: dict[str, deque[float]] = {}
        self.refused_at: dict[str, float] = {}     # key: last attempt refused unchecked

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self.attempts.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if not times:
            del self.attempts[key]
        return times

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may be checked again (0: now); a positive answer is
        itself recorded as a refusal without a check."""
        now = self.clock()
        times = self._prune(key, now)
        if len(times) < self.limit:
            return 0.0
        if now - self.refused_at.get(key, -math.inf) >= self.window_s:
            log.warning("helper logins %s %s: %d attempts within %.0f s; further ones are "
                        "refused without a check (HTTP 429) (logged once per window)",
                        self.what, key, self.limit, self.window_s)
        self.refused_at[key] = now
        return times[0] + self.window_s - now

    def record(self, key: str) -> None:
        now = self.clock()
        self.attempts.setdefault(key, deque()).append(now)
        if len(self.attempts) > self.max_keys:           # keep memory bounded
            for k in list(self.attempts):
                self._prune(k, now)
            while len(self.attempts) > self.max_keys:
                del self.attempts[next(iter(self.attempts))]
        if len(self.refused_at) > self.max_keys:
            for k in [k for k, t in self.refused_at.items() if now - t >= self.window_s]:
                del self.refused_at[k]
            while len(self.refused_at) > self.max_keys:
                del self.refused_at[next(iter(self.refused_at))]

    def burst(self, key: str) -> bool:
        """An attempt from ``key`` was refused unchecked within the window."""
        return self.clock() - self.refused_at.get(key, -math.inf) < self.window_s

    def succeeded(self, key: str) -> None:
        self.attempts.pop(key, None)


class LoginGate:
    """Counts helper logins before checking them; see the module docstring."""

    def __init__(self, accounts: Accounts, clock: Callable[[], float], limit: int = 5,
                 window_s: float = 300.0, checks_at_once: int = 2) -> None:
        self.accounts = accounts
        self.by_address = AttemptCounter(clock, limit, window_s, "from")
        self.by_name = AttemptCounter(clock, 2 * limit, window_s, "for")
        self._checks = asyncio.Semaphore(checks_at_once)
        self.checked = 0            # password checks made (for tests and the bench)

    async def login(self, name: str, password: str, address: str) -> str:
        """A session token; raises LoginThrottled (no check made) or AccountError."""
        key = name[:64]
        wait = max(self.by_address.wait(address), self.by_name.wait(key))
        if wait:
            raise LoginThrottled(max(1, math.ceil(wait)))
        self.by_address.record(address)          # counted before it is checked
        self.by_name.record(key)
        async with self._checks:
            self.checked += 1
            token = await asyncio.to_thread(self.accounts.login, name, password)
        if self.by_address.burst(address) or self.by_name.burst(key):
            self.accounts.logout(token)          # inside a refused burst: no success
            wait = max(self.by_address.wait(address), self.by_name.wait(key), 1)
            raise LoginThrottled(max(1, math.ceil(wait)))
        self.by_address.succeeded(address)
        self.by_name.succeeded(key)
        return token
