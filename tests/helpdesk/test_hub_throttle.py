# SPDX-License-Identifier: Apache-2.0
"""Refused kiosk sockets are throttled per address, and token checks are bounded.

The hub runs in-process over real WebSockets on 127.0.0.1 (helpdesk_testkit). The
"other device" really connects from another address: its client socket is bound to
127.0.0.2 (all of 127/8 is loopback), so the hub sees that peer address. Token checks
are counted by wrapping the registry's verify; time is the injected clock.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time

import aiohttp
import pytest

from helpdesk.config import ConfigError, parse
from helpdesk.throttle import client_address, networks
from helpdesk_testkit import Client, running_hub

WRONG = "w" * 43
OTHER = "127.0.0.2"
HOLD_S = 0.05             # the hub's pause before a throttled answer, short for the tests


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def count_checks(fx, delay_s: float = 0.0) -> dict:
    """Wraps the registry's verify (the scrypt check); counts calls and the most at once."""
    stats, lock, real = {"calls": 0, "now": 0, "max": 0}, threading.Lock(), \
        fx.kiosk_registry.verify

    def verify(terminal_id, token):
        with lock:
            stats["calls"] += 1
            stats["now"] += 1
            stats["max"] = max(stats["max"], stats["now"])
        try:
            time.sleep(delay_s)
            return real(terminal_id, token)
        finally:
            with lock:
                stats["now"] -= 1
    fx.kiosk_registry.verify = verify
    return stats


class Kiosks:
    """Kiosk sockets from one local address (127.0.0.1 or 127.0.0.2)."""

    def __init__(self, fx, address: str) -> None:
        self.fx = fx
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, local_addr=(address, 0)))

    async def attempt(self, terminal_id: str, token: str, **headers) -> dict:
        """One socket: hello with ``token``; the first answer (welcome or error). A refused
        socket is checked to be closed with 4003 and never welcomed."""
        ws = await self.session.ws_connect(self.fx.server.make_url("/ws/kiosk"), headers={
            "Authorization": f"Bearer {token}", **headers})
        c = Client(ws, terminal_id)
        await c.send(type="hello", terminal_id=terminal_id)
        await asyncio.wait_for(_first(c), 5)
        m = c.inbox[0]
        if m["type"] == "error":
            await asyncio.wait_for(c.closed.wait(), 5)
            assert ws.close_code == 4003 and not c.unread("welcome")
        else:
            await c.close()
        return m

    async def code(self, terminal_id: str, token: str, **headers) -> str:
        m = await self.attempt(terminal_id, token, **headers)
        return m["type"] if m["type"] == "welcome" else m["code"]

    async def close(self) -> None:
        await self.session.close()


async def _first(c: Client) -> None:
    while not c.inbox:
        await asyncio.sleep(0.005)


def throttle_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "kiosk_throttled" in r.getMessage()]


def test_an_address_is_throttled_without_token_checks_others_are_admitted(tmp_path, caplog):
    """GIVEN 127.0.0.2 refused 5 times within 30 s WHEN it tries again, even with the right
    token THEN it gets kiosk_throttled with retry_after_s, is closed (4003), and no token is
    checked; the genuine kiosk from 127.0.0.1 is admitted meanwhile; after the window
    127.0.0.2 is checked again, and the hub logged one warning, not one per socket."""
    caplog.set_level(logging.INFO)

    async def main():
        async with running_hub(tmp_path) as fx:
            fx.hub.gate.hold_s = HOLD_S
            right = fx.register_kiosk("K1"), fx.register_kiosk("K2")
            checks = count_checks(fx)
            bad, good = Kiosks(fx, OTHER), Kiosks(fx, "127.0.0.1")
            for _ in range(5):
                assert await bad.code("K1", WRONG) == "kiosk_unauthorized"
            assert checks["calls"] == 5
            for token in (WRONG, right[1], WRONG):
                m = await bad.attempt("K2", token)
                assert m["code"] == "kiosk_throttled" and m["retry_after_s"] == 30
                assert "docs/helpdesk.md" in m["message"] and m["in_reply_to"] == "hello"
            assert checks["calls"] == 5                        # refused without a check
            assert await good.code("K1", right[0]) == "welcome"
            assert checks["calls"] == 6
            fx.clock.t += 29
            assert (await bad.attempt("K2", right[1]))["retry_after_s"] == 1
            fx.clock.t += 1                                    # the window has passed
            assert await bad.code("K2", WRONG) == "kiosk_unauthorized"
            assert await bad.code("K2", right[1]) == "welcome"
            assert checks["calls"] == 8
            await bad.close(), await good.close()
            return right
    right = run(main())
    warnings = throttle_warnings(caplog)
    assert len(warnings) == 1 and "from 127.0.0.2: 5 refused within 30 s" in warnings[0]
    assert "127.0.0.2: no longer throttled (no refusal in 30 s); 4 refused without" \
        in caplog.text
    assert all(t not in caplog.text for t in (*right, WRONG))


def test_a_welcome_clears_the_address_record(tmp_path):
    """GIVEN 4 refusals from 127.0.0.2 WHEN a kiosk from it is admitted THEN the count starts
    again: 5 more refusals are checked, and only the next socket is throttled."""
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.hub.gate.hold_s = HOLD_S
            token = fx.register_kiosk("K2")
            bad = Kiosks(fx, OTHER)
            for _ in range(4):
                assert await bad.code("K2", WRONG) == "kiosk_unauthorized"
            assert await bad.code("K2", token) == "welcome"
            for _ in range(5):
                assert await bad.code("K2", WRONG) == "kiosk_unauthorized"
            assert await bad.code("K2", token) == "kiosk_throttled"
            await bad.close()
    run(main())


def test_a_burst_from_one_address_gets_few_checks_and_the_hold(tmp_path):
    """GIVEN slow token checks WHEN 30 sockets from 127.0.0.2 arrive at once with a wrong
    token THEN at most limit + checks_at_once - 1 are checked (the queued ones look at the
    throttle again), every one is refused, a throttled answer comes only after the hold,
    and the genuine kiosk from 127.0.0.1 is admitted during the burst."""
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.hub.gate.hold_s = 0.3
            token = fx.register_kiosk("K1")
            checks = count_checks(fx, delay_s=0.02)
            bad, good = Kiosks(fx, OTHER), Kiosks(fx, "127.0.0.1")
            burst = [asyncio.ensure_future(bad.code("K1", WRONG)) for _ in range(30)]
            assert await good.code("K1", token) == "welcome"
            codes = await asyncio.gather(*burst)
            assert set(codes) == {"kiosk_unauthorized", "kiosk_throttled"}
            assert 5 <= codes.count("kiosk_unauthorized") == checks["calls"] - 1 <= 5 + 2 - 1
            t0 = time.monotonic()
            assert await bad.code("K1", token) == "kiosk_throttled"
            assert time.monotonic() - t0 >= 0.3
            await bad.close(), await good.close()
    run(main())


@pytest.mark.parametrize("at_once", [2, 3])
def test_token_checks_at_once_are_bounded(tmp_path, at_once):
    """GIVEN checks of 50 ms WHEN 12 genuine kiosks connect at once THEN all are admitted and
    exactly kiosk_token_checks_at_once checks ran at the same time, never more."""
    async def main():
        async with running_hub(tmp_path, kiosk_token_checks_at_once=at_once) as fx:
            tokens = {f"K{i:02d}": fx.register_kiosk(f"K{i:02d}") for i in range(12)}
            checks = count_checks(fx, delay_s=0.05)
            good = Kiosks(fx, "127.0.0.1")
            codes = await asyncio.gather(*(good.code(t, tok) for t, tok in tokens.items()))
            assert codes == ["welcome"] * 12
            assert checks["calls"] == 12 and checks["max"] == at_once
            await good.close()
    run(main())


def test_forwarded_for_only_from_trusted_proxies(tmp_path, caplog):
    """Without trusted_proxies, X-Forwarded-For is ignored: a device that forges it is still
    throttled as its peer address. With the proxy (127.0.0.1) trusted, the address is the one
    the proxy appended: that client is throttled, another client behind it is admitted, and
    a forged left-hand entry changes nothing."""
    caplog.set_level(logging.INFO)

    async def main():
        async with running_hub(tmp_path / "a") as fx:
            fx.hub.gate.hold_s = HOLD_S
            k = Kiosks(fx, "127.0.0.1")
            for i in range(5):
                assert await k.code("K1", WRONG, **{"X-Forwarded-For": f"10.0.0.{i}"}) \
                    == "kiosk_unauthorized"
            assert await k.code("K1", WRONG, **{"X-Forwarded-For": "10.0.0.99"}) \
                == "kiosk_throttled"
            await k.close()
        (tmp_path / "b").mkdir()
        async with running_hub(tmp_path / "b", trusted_proxies=["127.0.0.1"]) as fx:
            fx.hub.gate.hold_s = HOLD_S
            token = fx.register_kiosk("K1")
            proxy = Kiosks(fx, "127.0.0.1")
            for i in range(5):
                xff = f"192.168.1.{i}, 10.0.0.9"           # the client's own claim, then nginx's
                assert await proxy.code("K1", WRONG, **{"X-Forwarded-For": xff}) \
                    == "kiosk_unauthorized"
            assert await proxy.code("K1", token, **{"X-Forwarded-For": "10.0.0.9"}) \
                == "kiosk_throttled"
            assert await proxy.code("K1", token, **{"X-Forwarded-For": "10.0.0.9, 10.0.0.10"}) \
                == "welcome"
            await proxy.close()
    (tmp_path / "a").mkdir()
    run(main())
    assert "kiosk sockets from 127.0.0.1: 5 refused" in caplog.text
    assert "kiosk 'K1' from 10.0.0.9 refused: wrong_token" in caplog.text
    assert "kiosk sockets from 10.0.0.9: 5 refused" in caplog.text
    assert "kiosk 'K1' connected from 10.0.0.10" in caplog.text


def test_client_address():
    trusted = networks(["127.0.0.1", "10.8.0.0/24"])
    assert client_address("10.1.2.3", ["6.6.6.6"], ()) == "10.1.2.3"            # not trusted
    assert client_address("10.1.2.3", ["6.6.6.6"], trusted) == "10.1.2.3"
    assert client_address("127.0.0.1", [], trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", ["6.6.6.6, 10.1.2.3"], trusted) == "10.1.2.3"
    assert client_address("127.0.0.1", ["10.1.2.3, 10.8.0.7"], trusted) == "10.1.2.3"
    assert client_address("127.0.0.1", ["10.1.2.3", "10.8.0.7"], trusted) == "10.1.2.3"
    assert client_address("127.0.0.1", ["10.1.2.3, junk"], trusted) == "127.0.0.1"
    assert client_address("::ffff:10.1.2.3", [], ()) == "10.1.2.3"
    assert client_address(None, [], trusted) == "?"


def test_throttle_config_keys():
    cfg = parse({})
    assert (cfg.kiosk_refusals_before_throttle, cfg.kiosk_throttle_seconds,
            cfg.kiosk_token_checks_at_once, cfg.trusted_proxies) == (5, 30.0, 2, ())
    cfg = parse({"kiosk_refusals_before_throttle": 10, "kiosk_throttle_seconds": 60,
                 "kiosk_token_checks_at_once": 4, "trusted_proxies": ["127.0.0.1", "::1"]})
    assert (cfg.kiosk_refusals_before_throttle, cfg.kiosk_throttle_seconds,
            cfg.kiosk_token_checks_at_once, cfg.trusted_proxies) == (10, 60.0, 4,
                                                                     ("127.0.0.1", "::1"))
    for data, match in [({"kiosk_refusals_before_throttle": 0}, "must be > 0"),
                        ({"kiosk_refusals_before_throttle": 2.5}, "whole number"),
                        ({"kiosk_token_checks_at_once": 64}, "1-32"),
                        ({"kiosk_throttle_seconds": "30"}, "must be a number"),
                        ({"trusted_proxies": "127.0.0.1"}, "list of addresses"),
                        ({"trusted_proxies": ["nginx.local"]}, "'nginx.local' is not an IP")]:
        with pytest.raises(ConfigError, match=match):
            parse(data, "hub.toml")
