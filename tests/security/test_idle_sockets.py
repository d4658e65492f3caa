# SPDX-License-Identifier: Apache-2.0
"""Unidentified sockets cannot starve the hub: a cap per address and a deadline to identify.

Hundreds of idle WebSocket upgrades come from 127.0.0.2 (a bounded number); a real kiosk
and a real helper on 127.0.0.1 must still get in. No sleeps: every wait is on a condition.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp

from hubkit import OTHER, run, running_hub, until

IDLE = 300


def test_hundreds_of_idle_sockets_do_not_keep_a_kiosk_or_helper_out(tmp_path, caplog):
    """GIVEN 300 idle upgrade sockets from one host (cap 50) THEN 50 are open, 250 are
    refused with HTTP 429 before the upgrade, one log line says so; a kiosk's hello and a
    helper's login from another address are welcomed (and timed, for the report)."""
    async def go():
        async with running_hub(tmp_path, connections_per_address=50) as fx:
            fx.add_helpers(1)
            conn = aiohttp.TCPConnector(local_addr=(OTHER, 0), limit=0)
            async with aiohttp.ClientSession(connector=conn) as s:
                async def idle(i):
                    path = "/ws/kiosk" if i % 2 else "/ws/helper"
                    try:
                        return await s.ws_connect(fx.server.make_url(path))
                    except aiohttp.WSServerHandshakeError as e:
                        return e.status
                got = await asyncio.gather(*(idle(i) for i in range(IDLE)))
                opened = [g for g in got if not isinstance(g, int)]
                assert len(opened) == 50 and got.count(429) == IDLE - 50
                assert fx.hub.sockets.open_by_address[OTHER] == 50
                loop = asyncio.get_running_loop()
                t0 = loop.time()
                k = await fx.kiosk("K01")
                await k.send(type="hello", terminal_id="K01")
                await k.expect("welcome")
                h = await fx.helper("h00")
                took = loop.time() - t0
                print(f"kiosk + helper admitted in {took * 1000:.0f} ms beside {len(opened)} "
                      f"idle sockets and {IDLE - 50} refused")
                for ws in opened:
                    await ws.close()
                await k.close()
                await h.close()
            await until(lambda: OTHER not in fx.hub.sockets.open_by_address, "sockets counted off")
    with caplog.at_level(logging.WARNING, logger="helpdesk"):
        run(go())
    lines = [r.getMessage() for r in caplog.records if OTHER in r.getMessage()]
    assert len(lines) == 1 and "429" in lines[0]


def test_a_socket_that_never_identifies_is_closed(tmp_path, caplog):
    """GIVEN identify_seconds = 0.3 WHEN a kiosk socket and a helper socket send nothing (or
    only junk) THEN both get identify_timeout and close 4008; a kiosk that said hello stays;
    one log line for the address."""
    async def go():
        async with running_hub(tmp_path, identify_seconds=0.3) as fx:
            silent = await fx.session.ws_connect(fx.server.make_url("/ws/kiosk"))
            junk = await fx.session.ws_connect(fx.server.make_url("/ws/helper"))
            await junk.send_str("{}")
            good = await fx.kiosk("K01")
            await good.send(type="hello", terminal_id="K01")
            await good.expect("welcome")
            for ws in (silent, junk):
                codes = []
                while True:
                    msg = await ws.receive(timeout=5)
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        codes.append(msg.json()["code"])
                    else:
                        break
                assert "identify_timeout" in codes and ws.close_code == 4008
            await good.send(type="request", terminal_id="K01")
            await good.expect("no_helper")                   # still in (answered)
            assert fx.hub.sockets.timed_out == 2
    with caplog.at_level(logging.WARNING, logger="helpdesk"):
        run(go())
    assert sum("no valid hello" in r.getMessage() for r in caplog.records) == 1


def test_the_unit_raises_the_descriptor_limit():
    from pathlib import Path
    unit = (Path(__file__).resolve().parents[2] / "systemd/ehall-helpdesk.service").read_text()
    line = next(l for l in unit.splitlines() if l.startswith("LimitNOFILE="))
    assert int(line.split("=")[1]) >= 4096


def test_running_out_of_descriptors_is_one_log_line_a_minute(caplog):
    """asyncio reports each failed accept(); the hub keeps one line per minute."""
    import errno

    from helpdesk.guard import quiet_accept_errors

    async def go():
        loop = asyncio.get_running_loop()
        quiet_accept_errors(loop)
        for _ in range(500):
            loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                         "exception": OSError(errno.EMFILE, "Too many open files")})
        loop.call_exception_handler({"message": "something else"})
    with caplog.at_level(logging.INFO):
        asyncio.run(go())
    lines = [r.getMessage() for r in caplog.records]
    assert sum("out of file descriptors" in m for m in lines) == 1
    assert any("something else" in m for m in lines)          # other errors still shown
