# SPDX-License-Identifier: Apache-2.0
"""Failed helper logins, held back per address and per account name.

A helper account sees citizens on camera, so its password must not be guessable by
trying: after ``limit`` failed logins from one address (or ``2 × limit`` for one
name, from anywhere) within ``window_s``, further logins are answered "too many
tries, wait N s" without a password check, until the oldest of those failures is
``window_s`` old. A successful login clears both records. The per-name count lets
someone lock a helper out for one window by failing on purpose; it is higher than
the per-address one and short, and a hall LAN is where that someone would be seen.
"""
from __future__ import annotations

import asyncio
import math
from typing import Callable

from helpdesk.accounts import AccountError, Accounts
from helpdesk.throttle import RefusalThrottle


class LoginThrottled(Exception):
    def __init__(self, retry_after_s: int):
        super().__init__(f"too many failed logins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class LoginGate:
    def __init__(self, accounts: Accounts, clock: Callable[[], float], limit: int = 5,
                 window_s: float = 300.0) -> None:
        self.accounts = accounts
        self.by_address = RefusalThrottle(clock, limit, window_s, what="helper logins from",
                                          answer="HTTP 429")
        self.by_name = RefusalThrottle(clock, 2 * limit, window_s, what="helper logins for",
                                       answer="HTTP 429")

    async def login(self, name: str, password: str, address: str) -> str:
        """A session token; raises LoginThrottled (no check made) or AccountError."""
        key = name[:64]
        wait = max(self.by_address.retry_after(address), self.by_name.retry_after(key))
        if wait:
            raise LoginThrottled(max(1, math.ceil(wait)))
        try:
            token = await asyncio.to_thread(self.accounts.login, name, password)
        except AccountError:
            self.by_address.refused(address)
            self.by_name.refused(key)
            raise
        self.by_address.admitted(address)
        self.by_name.admitted(key)
        return token
