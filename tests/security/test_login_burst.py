# SPDX-License-Identifier: Apache-2.0
"""Guessing a helper's password in parallel: attempts are counted before they are checked.

A real hub on 127.0.0.1; every request is real HTTP. Password checks are counted by the
gate (LoginGate.checked) and, independently, by wrapping Accounts.login.
"""
from __future__ import annotations

import asyncio
import threading

import aiohttp

from helpdesk.accounts import Accounts, dummy_hash, verify_password
from hubkit import OTHER, post_login, run, running_hub, until


def _count(fx) -> dict:
    stats, real = {"calls": 0}, fx.accounts.login

    def login(name, password):
        stats["calls"] += 1
        return real(name, password)
    fx.accounts.login = login
    return stats


def test_forty_parallel_guesses_and_the_right_password_check_at_most_five(tmp_path):
    """GIVEN a limit of 5 WHEN one address sends 40 wrong guesses at once and, while they
    are in flight, the right password THEN at most 5 passwords are checked, everything
    else is 429, the right one gets no token, and the helper's own PC still logs in."""
    async def go():
        async with running_hub(tmp_path, login_failures_before_throttle=5) as fx:
            fx.add_helpers(1)
            checks = _count(fx)
            conn = aiohttp.TCPConnector(local_addr=(OTHER, 0), limit=0)
            async with aiohttp.ClientSession(connector=conn) as s:
                wrong = [asyncio.ensure_future(post_login(fx, "h00", f"guess-{i}", session=s))
                         for i in range(40)]
                await until(lambda: sum(f.done() for f in wrong) >= 5 or
                            len(fx.hub.logins.by_address.attempts.get(OTHER, ())) >= 5,
                            "the first guesses arrive")
                right = await post_login(fx, "h00", "password-h00", session=s)
                answers = [await f for f in wrong] + [right]
            assert right[0] == 429 and "token" not in right[1]
            statuses = [a[0] for a in answers]
            assert statuses.count(401) <= 5 and statuses.count(200) == 0
            assert set(statuses) <= {401, 429}
            assert checks["calls"] <= 5 and fx.hub.logins.checked <= 5
            assert (await post_login(fx, "h00", "password-h00"))[0] == 200   # own PC
    run(go())


def test_a_right_password_checked_inside_a_refused_burst_gets_no_token(tmp_path):
    """GIVEN the right password whose check is still running WHEN 40 wrong guesses from the
    same address arrive meanwhile (so some are refused unchecked) THEN the right one is
    answered 429 as well and the token it would have had does not work."""
    async def go():
        async with running_hub(tmp_path, login_failures_before_throttle=5) as fx:
            fx.add_helpers(1)
            real, hold, tokens = fx.accounts.login, threading.Event(), []

            def login(name, password):
                if password == "password-h00":
                    hold.wait(10)                # the right one is held in its check
                token = real(name, password)
                tokens.append(token)
                return token
            fx.accounts.login = login
            conn = aiohttp.TCPConnector(local_addr=(OTHER, 0), limit=0)
            async with aiohttp.ClientSession(connector=conn) as s:
                right = asyncio.ensure_future(post_login(fx, "h00", "password-h00", session=s))
                await until(lambda: fx.hub.logins.checked == 1, "the right one is being checked")
                wrong = await asyncio.gather(*(post_login(fx, "h00", f"g{i}", session=s)
                                               for i in range(40)))
                hold.set()
                status, body = await right
            assert status == 429 and "token" not in body
            assert [w[0] for w in wrong].count(429) >= 35
            assert tokens and fx.accounts.check_token(tokens[0]) is None    # revoked
    run(go())


def test_an_unknown_name_costs_one_scrypt_like_a_known_one(tmp_path):
    """Timing does not tell which helper names exist: an unknown name is checked against a
    fixed dummy hash (one scrypt run), not a freshly made one (two)."""
    acc = Accounts(str(tmp_path / "db.sqlite3"), scrypt_n=2 ** 10)
    acc.add("wangfang", "correct horse")
    assert dummy_hash(2 ** 10) == dummy_hash(2 ** 10)      # made once
    runs = {"n": 0}
    import hashlib
    real = hashlib.scrypt

    def counted(*a, **k):
        runs["n"] += 1
        return real(*a, **k)
    hashlib.scrypt = counted
    try:
        for name in ("wangfang", "nobody"):
            runs["n"] = 0
            try:
                acc.login(name, "wrong password")
            except Exception:
                pass
            assert runs["n"] == 1, name
    finally:
        hashlib.scrypt = real
    assert not verify_password("x", dummy_hash(2 ** 10))
