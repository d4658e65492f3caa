# SPDX-License-Identifier: Apache-2.0
"""Refused kiosk sockets, counted per remote address.

Every kiosk socket costs the hub a scrypt check of its token (about 10 ms of CPU)
unless it names an unknown terminal. A broken or hostile device that reconnects in
a loop would keep the hub busy with those checks, so after ``limit`` refusals from
one address within ``window_s`` its sockets are refused at once, without a check
(``kiosk_throttled`` with ``retry_after_s``), until the oldest of those refusals is
``window_s`` old. A welcome from the address clears its record. The
:class:`~helpdesk.kiosks.KioskGate` asks this before (and again right before) each
check; docs/helpdesk.md §3b is the admin's side.

The address is the socket's peer unless that peer is one of ``trusted_proxies``:
then it is the right-most ``X-Forwarded-For`` entry that is not a trusted proxy
(what a proxy in the list appended), so a client cannot choose its own address.
"""
from __future__ import annotations

import ipaddress
import logging
from collections import deque
from typing import Callable, Iterable

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(specs: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "10.1.0.0/16"]`` as networks; ValueError names a bad entry."""
    out = []
    for spec in specs:
        try:
            out.append(ipaddress.ip_network(spec.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{spec!r} is not an IP address or network (a.b.c.d or a.b.c.0/24)") \
                from None
    return tuple(out)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip


def client_address(peer: str | None, forwarded_for: Iterable[str],
                   trusted: tuple[Network, ...]) -> str:
    """The address to count refusals for: ``peer``, or behind a trusted proxy the client
    that proxy saw. ``forwarded_for``: every ``X-Forwarded-For`` header, in order."""
    ip = _ip(peer or "")
    if ip is None:
        return peer or "?"
    if not trusted:
        return str(ip)
    hops = [h for header in forwarded_for for h in header.split(",")]
    while any(ip in net for net in trusted) and hops:
        nxt = _ip(hops.pop())
        if nxt is None:             # garbage: nothing left of it can be trusted
            break
        ip = nxt
    return str(ip)


class RefusalThrottle:
    """Per address, the times of its last ``limit`` refusals (a sliding window).

    Logs one warning when an address starts being throttled and one line when that
    is over (no refusal left in the window), never one per socket.
    """

    def __init__(self, clock: Callable[[], float], limit: int = 5, window_s: float = 30.0,
                 max_addresses: int = 10_000, what: str = "kiosk sockets from",
                 answer: str = "kiosk_throttled") -> None:
        self.clock, self.limit, self.window_s = clock, limit, window_s
        self.what, self.answer = what, answer          # for the log lines
        self.max_addresses = max_addresses
        self._refusals: dict[str, deque[float]] = {}
        self._throttled: dict[str, int] = {}     # address: sockets refused unchecked since
        self._pruned = float("-inf")

    def retry_after(self, address: str) -> float:
        """Seconds until ``address`` may have its token checked again; 0: now. A
        positive answer counts as one socket refused without a check."""
        now = self.clock()
        self._prune(now)
        times = self._refusals.get(address)
        if times is None or len(times) < self.limit:
            return 0.0
        left = times[0] + self.window_s - now
        if left <= 0:
            return 0.0
        self._throttled[address] = self._throttled.get(address, 0) + 1
        return left

    def refused(self, address: str) -> None:
        """A socket from ``address`` was checked and refused."""
        now = self.clock()
        times = self._refusals.setdefault(address, deque(maxlen=self.limit))
        times.append(now)
        if (len(times) == self.limit and now - times[0] < self.window_s
                and address not in self._throttled):
            self._throttled[address] = 0
            log.warning("%s %s: %d refused within %.0f s; further ones are refused without "
                        "a check (%s) until that many are no longer within %.0f s (logged "
                        "once while it goes on)", self.what, address, self.limit,
                        self.window_s, self.answer, self.window_s)
        if len(self._refusals) > self.max_addresses:
            self._prune(now, force=True)
            while len(self._refusals) > self.max_addresses:     # keep memory bounded
                self._forget(next(iter(self._refusals)))

    def admitted(self, address: str) -> None:
        """A kiosk from ``address`` was welcomed: its record is cleared."""
        self._forget(address, " (a kiosk from it was admitted)")

    def _forget(self, address: str, why: str = "") -> None:
        self._refusals.pop(address, None)
        n = self._throttled.pop(address, None)
        if n is not None:
            log.info("%s %s: no longer throttled%s; %d refused without a check meanwhile",
                     self.what, address, why, n)

    def _prune(self, now: float, force: bool = False) -> None:
        """Forgets addresses with no refusal within the window (at most once a second)."""
        if not force and now - self._pruned < 1.0:
            return
        self._pruned = now
        for address in [a for a, t in self._refusals.items() if now - t[-1] >= self.window_s]:
            self._forget(address, f" (no refusal in {self.window_s:.0f} s)")
