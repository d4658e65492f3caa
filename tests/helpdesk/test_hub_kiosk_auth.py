# SPDX-License-Identifier: Apache-2.0
"""Kiosk registration: only a registered terminal with its token is taken as that kiosk.

The hub runs in-process over real WebSockets on 127.0.0.1 (helpdesk_testkit); the
registry is the hub's real SQLite file, changed through the real CLI where an admin
would use it. Time is the injected clock: ``fx.tick(2)`` is the hub's periodic check.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3

from helpdesk import cli
from helpdesk.kiosks import KioskRegistry, bearer
from helpdesk_testkit import running_hub


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def admin(fx, tmp_path, capsys, *args: str) -> tuple[int, str, str]:
    """``ehall-helpdesk --config <the hub's config> ARGS``, as the admin runs it."""
    conf = tmp_path / "helpdesk.toml"
    conf.write_text(f'db_path = "{fx.cfg.db_path}"\n', encoding="utf-8")
    capsys.readouterr()
    rc = cli.main(["--config", str(conf), *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


async def refused(fx, terminal_id: str, token, first: str = "hello") -> None:
    """THEN the socket gets kiosk_unauthorized, is closed, and never gets a welcome."""
    c = await fx.kiosk(terminal_id, token=token)
    await c.send(type=first, terminal_id=terminal_id, phone="13812345678")
    err = await c.expect("error")
    assert err["code"] == "kiosk_unauthorized" and "docs/helpdesk.md" in err["message"]
    await asyncio.wait_for(c.closed.wait(), 5)
    assert not c.unread("welcome") and c.ws.close_code == 4003


def test_bearer_header_parsing():
    assert bearer("Bearer abc") == "abc" and bearer("bearer  abc ") == "abc"
    assert bearer(None) == "" and bearer("") == "" and bearer("Basic abc") == ""


def test_impostors_are_refused_and_never_displace_the_genuine_kiosk(tmp_path):
    """GIVEN the genuine K1 connected and queued WHEN sockets claim K1 with a wrong token,
    another kiosk's token or no header, or claim an unknown or a disabled terminal THEN
    each is refused with kiosk_unauthorized and closed, K1 is never told "replaced", and
    K1 is still the one a helper is rung for and talks to."""
    async def main():
        # nine refusals from 127.0.0.1 here: more than the throttle lets through by default
        async with running_hub(tmp_path, startup_grace_seconds=600,
                               kiosk_refusals_before_throttle=20) as fx:
            k1 = await fx.kiosk("K1")
            await k1.send(type="request", terminal_id="K1")
            await k1.expect("welcome")
            await k1.expect("queued", position=1)
            k2_token = fx.register_kiosk("K2")
            fx.register_kiosk("K3")
            fx.kiosk_registry.disable("K3")
            for first in ("hello", "request", "callback"):
                await refused(fx, "K1", "x" * 43, first)              # wrong token
            await refused(fx, "K1", k2_token)                        # another kiosk's token
            await refused(fx, "K1", None)                            # no Authorization header
            await refused(fx, "K1", "")                              # "Bearer " and nothing
            await refused(fx, "K9", fx.kiosk_tokens["K1"])           # unknown terminal
            await refused(fx, "K3", fx.kiosk_tokens["K3"])           # disabled terminal
            assert list(fx.hub.kiosks) == ["K1"] and fx.hub.callbacks.store.all() == []
            assert not k1.unread("error") and not k1.closed.is_set()
            fx.add_helpers(1)
            h = await fx.helper("h00")
            ring = await h.expect("ring", terminal_id="K1")
            await k1.expect("ringing")
            await h.send(type="accept", request_id=ring["request_id"])
            await k1.expect("connected")
            await h.send(type="chat", text="您好")
            assert (await k1.expect("chat"))["text"] == "您好"
    run(main())


def test_disable_drops_the_live_kiosk_and_enable_lets_it_back(tmp_path, capsys):
    """GIVEN K1 ringing a helper WHEN the admin runs `kiosks disable K1` THEN within the
    hub's next check K1 is told kiosk_unauthorized and closed, the helper's ring is
    cancelled, and K1 is refused on reconnect; after `kiosks enable K1` it connects again."""
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            h = await fx.helper("h00")
            k1 = await fx.kiosk("K1")
            await k1.send(type="request", terminal_id="K1")
            await h.expect("ring", terminal_id="K1")
            fx.tick(2)                                  # a check with nothing changed
            assert not k1.unread("error")
            rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "disable", "K1")
            assert rc == 0 and "disabled kiosk K1" in out
            fx.tick(2)
            assert (await k1.expect("error"))["code"] == "kiosk_unauthorized"
            await asyncio.wait_for(k1.closed.wait(), 5)
            await h.expect("ring_cancelled", reason="kiosk_left")
            assert fx.hub.kiosks == {}
            await refused(fx, "K1", fx.kiosk_tokens["K1"])
            rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "enable", "K1")
            assert rc == 0
            again = await fx.kiosk("K1")
            await again.send(type="hello", terminal_id="K1")
            await again.expect("welcome")
    run(main())


def test_a_new_token_invalidates_the_old_one_also_on_a_live_socket(tmp_path):
    """GIVEN K1 connected WHEN its token is rotated (kiosks add again) THEN the live socket
    is dropped at the next check, the old token is refused and the new one works."""
    async def main():
        async with running_hub(tmp_path) as fx:
            k1 = await fx.kiosk("K1")
            await k1.send(type="hello", terminal_id="K1")
            await k1.expect("welcome")
            old = fx.kiosk_tokens["K1"]
            new = fx.register_kiosk("K1")
            assert new != old
            fx.tick(2)
            assert (await k1.expect("error"))["code"] == "kiosk_unauthorized"
            await asyncio.wait_for(k1.closed.wait(), 5)
            await refused(fx, "K1", old)
            k1 = await fx.kiosk("K1", token=new)
            await k1.send(type="hello", terminal_id="K1")
            await k1.expect("welcome")
            fx.tick(2)
            assert not k1.unread("error") and list(fx.hub.kiosks) == ["K1"]
    run(main())


def test_tokens_never_in_the_log_or_in_clear_in_the_db(tmp_path, caplog):
    """The hub logs terminal id and address of accepted and refused kiosks, never a token
    (right or wrong); the database holds only salted hashes."""
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-" + "z" * 31

    async def main():
        async with running_hub(tmp_path) as fx:
            k1 = await fx.kiosk("K1")
            await k1.send(type="hello", terminal_id="K1")
            await k1.expect("welcome")
            await refused(fx, "K1", wrong)
            fx.register_kiosk("K1")                     # rotated: the live one is dropped
            fx.tick(2)
            await asyncio.wait_for(k1.closed.wait(), 5)
            return fx.kiosk_tokens["K1"], fx.cfg.db_path
    token, db_path = run(main())
    text = caplog.text
    assert "kiosk 'K1' connected from 127.0.0.1" in text
    assert "kiosk 'K1' from 127.0.0.1 refused: wrong_token" in text
    assert "kiosk 'K1' dropped: token_rotated" in text
    assert token not in text and wrong not in text and "Bearer" not in text
    dump = "\n".join(sqlite3.connect(db_path).iterdump())
    assert "K1" in dump and token not in dump and "scrypt$" in dump


def test_cli_kiosks_add_list_disable(tmp_path, capsys):
    """`kiosks add` prints the token once with the config line; again, it rotates and says
    so; `list` shows created, last seen and state; errors are one line, exit 2."""
    class Fx:
        class cfg:
            db_path = str(tmp_path / "hub.sqlite3")
    fx = Fx()
    rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "add", "EHALL-01")
    assert rc == 0 and "registered" in out and "[assist]" in out
    line = next(x for x in out.splitlines() if x.startswith("hub_token = "))
    first = line.split('"')[1]
    registry = KioskRegistry(fx.cfg.db_path)
    assert registry.verify("EHALL-01", first).ok and len(first) >= 43
    rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "add", "EHALL-01")
    second = next(x for x in out.splitlines() if x.startswith("hub_token = ")).split('"')[1]
    assert "NEW token" in out and "old one stops working" in out and second != first
    assert not registry.verify("EHALL-01", first).ok and registry.verify("EHALL-01", second).ok
    admin(fx, tmp_path, capsys, "kiosks", "add", "EHALL-02")
    rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "disable", "EHALL-02")
    assert rc == 0 and registry.verify("EHALL-02", "x" * 43).reason == "wrong_token"
    rc, out, _ = admin(fx, tmp_path, capsys, "kiosks", "list")
    rows = [r.split("\t") for r in out.strip().splitlines()]
    assert rows[0] == ["terminal", "created", "last seen", "state"]
    assert [(r[0], r[3]) for r in rows[1:]] == [("EHALL-01", "active"), ("EHALL-02", "disabled")]
    assert rows[1][2] != "never" and rows[2][2] == "never"     # EHALL-01 verified above
    assert first not in out and second not in out
    rc, _, err = admin(fx, tmp_path, capsys, "kiosks", "disable", "EHALL-09")
    assert rc == 2 and err.strip() == "ehall-helpdesk: no kiosk 'EHALL-09' (see: kiosks list)"
    rc, _, err = admin(fx, tmp_path, capsys, "kiosks", "add", "EHALL 01")
    assert rc == 2 and "1-40 characters without spaces" in err and "Traceback" not in err
