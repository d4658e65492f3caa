# SPDX-License-Identifier: Apache-2.0
"""Guessing a helper's password is held back: failed logins per address and per name.

The hub runs in-process on 127.0.0.1 (helpdesk_testkit); a second device really
connects from 127.0.0.2. Password checks are counted by wrapping Accounts.login;
time is the injected clock.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp

from helpdesk_testkit import running_hub

OTHER = "127.0.0.2"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def count_checks(fx) -> dict:
    stats, real = {"calls": 0}, fx.accounts.login

    def login(name, password):
        stats["calls"] += 1
        return real(name, password)

    fx.accounts.login = login
    return stats


async def post_login(fx, name: str, password: str, address: str = "127.0.0.1"):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0))) as s:
        async with s.post(fx.server.make_url("/api/login"), json={"name": name, "password": password}) as r:
            return r.status, await r.json(), r.headers.get("Retry-After")


def test_an_address_that_keeps_failing_is_held_back_without_password_checks(tmp_path, caplog):
    """GIVEN 5 wrong passwords from one address WHEN it tries again, even with the right one
    THEN 429 with Retry-After and no password check; another address still logs in; after
    the window the address may try again; one warning, and no password in the log."""
    async def go():
        async with running_hub(tmp_path, login_failures_before_throttle=5,
                               login_throttle_seconds=300) as fx:
            fx.add_helpers(1)
            checks = count_checks(fx)
            for i in range(5):
                status, body, _ = await post_login(fx, "h00", f"guess-{i}", OTHER)
                assert status == 401
            assert checks["calls"] == 5
            status, body, retry = await post_login(fx, "h00", "password-h00", OTHER)
            assert status == 429 and int(retry) == body["retry_after_s"] and 1 <= int(retry) <= 300
            assert checks["calls"] == 5                      # held back before any check
            status, body, _ = await post_login(fx, "h00", "password-h00")   # the helper's own PC
            assert status == 200 and body["token"]
            fx.clock.t += 301
            status, body, _ = await post_login(fx, "h00", "password-h00", OTHER)
            assert status == 200
    with caplog.at_level(logging.INFO, logger="helpdesk"):
        run(go())
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("helper logins from 127.0.0.2" in w for w in warnings) == 1
    assert "guess-" not in caplog.text and "password-h00" not in caplog.text


def test_one_name_guessed_from_many_addresses_is_held_back(tmp_path):
    """GIVEN 12 wrong passwords for one name from three addresses, each under its own limit
    THEN that name is held back everywhere (also from a fourth address), other names are not,
    and the right password works again once the window has passed."""
    async def go():
        async with running_hub(tmp_path, login_failures_before_throttle=6,
                               login_throttle_seconds=60) as fx:
            fx.add_helpers(2)
            for i in range(12):                              # 4 per address; the name's limit: 2 × 6
                status, _, _ = await post_login(fx, "h00", f"guess-{i}", f"127.0.0.{2 + i % 3}")
                assert status == 401
            status, body, _ = await post_login(fx, "h00", "password-h00")
            assert status == 429 and "try again" in body["error"]
            status, _, _ = await post_login(fx, "h01", "password-h01")
            assert status == 200
            fx.clock.t += 61
            status, _, _ = await post_login(fx, "h00", "password-h00")
            assert status == 200
    run(go())


def test_a_success_clears_the_count(tmp_path):
    """GIVEN 4 typos then the right password from one address THEN the count starts again:
    4 more typos are still answered 401, not 429."""
    async def go():
        async with running_hub(tmp_path, login_failures_before_throttle=5) as fx:
            fx.add_helpers(1)
            for i in range(4):
                assert (await post_login(fx, "h00", f"typo-{i}"))[0] == 401
            assert (await post_login(fx, "h00", "password-h00"))[0] == 200
            for i in range(4):
                assert (await post_login(fx, "h00", f"typo-{i}"))[0] == 401
    run(go())
