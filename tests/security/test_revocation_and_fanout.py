# SPDX-License-Identifier: Apache-2.0
"""A helper who is disabled, logs out or gets a new password is out at once; fan-out to
helpers is bounded (deltas, a byte bound per send queue, per-kiosk rate limits)."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import socket

from helpdesk import conn as conn_mod
from hubkit import run, running_hub, until

PHONE = "13812345678"


async def _closed_with(client) -> list[str]:
    await asyncio.wait_for(client.closed.wait(), 5)
    return [m.get("code") for m in client.inbox if m["type"] == "error"]


def test_disable_logout_and_new_password_drop_the_console_and_the_token(tmp_path):
    """GIVEN three logged-in helpers WHEN one is disabled, one logs out (POST /api/logout)
    and one gets a new password THEN on the hub's next tick (every 0.5 s) each console gets
    session_ended and is closed, its token no longer opens a console, and it is no longer
    rung; the fourth helper is untouched."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(4)
            hs = {n: await fx.helper(n) for n in ("h00", "h01", "h02", "h03")}
            fx.accounts.disable("h00")
            async with fx.session.post(fx.server.make_url("/api/logout"), headers={
                    "Authorization": f"Bearer {fx.tokens['h01']}"}) as r:
                assert r.status == 204
            fx.accounts.set_password("h02", "a new password")
            fx.tick(0.5)
            for n in ("h00", "h01", "h02"):
                assert "session_ended" in await _closed_with(hs[n]), n
                assert n not in fx.hub.helpers
                again = await fx.session.ws_connect(fx.server.make_url("/ws/helper"))
                await again.send_json({"type": "login", "token": fx.tokens[n]})
                assert (await again.receive_json(timeout=5))["code"] == "bad_token"
                await again.close()
            assert not hs["h03"].closed.is_set()
            k = await fx.kiosk("K01")
            await k.send(type="request", terminal_id="K01")
            await hs["h03"].expect("ring")                   # only the one still in
    run(go())


def test_a_kiosk_cannot_flood_call_backs_or_chat(tmp_path):
    """GIVEN limits of 2 call-backs per hour and 3 chat lines per minute THEN the third
    call-back and the fourth chat line get rate_limited, the socket stays usable, and an
    hour later call-backs are taken again."""
    async def go():
        async with running_hub(tmp_path, callbacks_per_kiosk_per_hour=2,
                               chat_per_kiosk_per_minute=3) as fx:
            fx.add_helpers(1)
            h = await fx.helper("h00")
            k = await fx.kiosk("K01")
            for _ in range(2):
                await k.send(type="callback", terminal_id="K01", phone=PHONE)
                await k.expect("callback_saved")
            await k.send(type="callback", terminal_id="K01", phone=PHONE)
            assert (await k.expect("error"))["code"] == "rate_limited"
            assert len(fx.hub.callbacks.store.all()) == 2
            await k.send(type="request", terminal_id="K01")
            ring = await h.expect("ring")
            await h.send(type="accept", request_id=ring["request_id"])
            await k.expect("connected")
            for i in range(3):
                await k.send(type="chat", text=f"line {i}")
                await h.expect("chat", text=f"line {i}")
            await k.send(type="chat", text="line 3")
            assert (await k.expect("error"))["code"] == "rate_limited"
            await h.send(type="chat", text="请稍候")        # the helper is not limited
            await k.expect("chat", text="请稍候")
            fx.clock.t += 3600
            await k.send(type="callback", terminal_id="K01", phone=PHONE)
            await k.expect("callback_saved")
    run(go())


def test_a_helper_who_never_reads_is_disconnected_by_the_byte_bound(tmp_path, monkeypatch):
    """GIVEN a helper console whose socket never reads (tiny receive buffer) WHEN the hub
    has more than the byte bound queued for it THEN that console is dropped and counted
    off, while a reading helper keeps getting every change."""
    monkeypatch.setattr(conn_mod, "MAX_QUEUED_BYTES", 64 * 1024)

    async def go():
        async with running_hub(tmp_path, callbacks_per_kiosk_per_hour=10_000) as fx:
            fx.add_helpers(2)
            reader = await fx.helper("h00", available=False)
            # a console on a raw socket with a tiny receive buffer that never reads
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", fx.server.port))
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall((f"GET /ws/helper HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                          f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
            sock.sendall(_frame(json.dumps({"type": "login", "token": fx.tokens["h01"]})))
            await until(lambda: "h01" in fx.hub.helpers, "the stalled helper logs in")
            stalled = fx.hub.helpers["h01"]
            stalled.transport.get_extra_info("socket").setsockopt(   # a slow line, not GBs
                socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            k = await fx.kiosk("K01")
            n = 0
            while fx.hub.helpers.get("h01") is stalled and n < 5000:
                await k.send(type="callback", terminal_id="K01", phone=PHONE,
                             terminal_name="长" * 60 + f"{n:04d}", reason="x" * 32)
                await k.expect("callback_saved")
                n += 1
            assert fx.hub.helpers.get("h01") is not stalled, f"still in after {n} call-backs"
            assert stalled.dropped
            await until(lambda: len(reader.unread("callback_changed")) == n,
                        "the reading helper got every change")
            print(f"the stalled console was dropped after {n} call-backs")
            sock.close()
    run(go(), 120)


def _frame(text: str) -> bytes:
    """One masked client text frame (RFC 6455)."""
    data, mask = text.encode(), os.urandom(4)
    head = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126
                            else bytes([0x80 | 126]) + len(data).to_bytes(2, "big"))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
