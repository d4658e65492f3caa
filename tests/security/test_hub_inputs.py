# SPDX-License-Identifier: Apache-2.0
"""Hostile input at every JSON entry point of the hub, and the web surface.

Real HTTP and WebSockets against a hub on 127.0.0.1. Each bad input gets a clear error
to that peer and leaves its connection as it was.
"""
from __future__ import annotations

import io
import sys

import aiohttp

from helpdesk import cli
from helpdesk.callbacks import normal_phone
from hubkit import run, running_hub

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_nesting_and_huge_numbers_get_a_clear_error_and_change_nothing(tmp_path):
    """GIVEN deeply nested JSON (before login, on both sockets and on /api/login) and a
    401-digit requested_at THEN bad_message (or 400), the same socket still logs in or
    queues, and the kiosk is not left half-registered."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            ws = await fx.session.ws_connect(fx.server.make_url("/ws/helper"))
            await ws.send_str('{"type": "login", "x": ' + DEEP + "}")
            assert (await ws.receive_json(timeout=5))["code"] == "bad_message"
            await ws.send_json({"type": "login", "token": fx.tokens["h00"]})
            assert (await ws.receive_json(timeout=5))["type"] == "welcome"
            await ws.close()
            async with fx.session.post(fx.server.make_url("/api/login"), data=DEEP,
                                       headers={"Content-Type": "application/json"}) as r:
                assert r.status in (400, 413)
            async with fx.session.post(fx.server.make_url("/api/login"),
                                       data='{"name": "h00", "password": ' + "9" * 5000 + "}",
                                       headers={"Content-Type": "application/json"}) as r:
                assert r.status == 400
            k = await fx.kiosk("K01")
            await k.send_raw('{"type": "hello", "terminal_id": "K01", "x": ' + DEEP + "}")
            assert (await k.expect("error"))["code"] == "bad_message"
            await k.send_raw('{"type": "request", "terminal_id": "K01", "requested_at": '
                             + "9" * 401 + "}")
            err = await k.expect("error")
            assert err["code"] == "bad_message" and "digits" in err["message"]
            assert "K01" not in fx.hub.kiosks and "K01" not in fx.hub.router.requests
            await k.send(type="request", terminal_id="K01", requested_at=1e308 * 10)
            assert (await k.expect("error"))["code"] == "bad_message"     # Infinity
            await k.send(type="request", terminal_id="K01")
            await k.expect("welcome")
            await k.expect("no_helper")
    run(go())


def test_phone_numbers_are_ascii_digits_after_nfkc():
    assert normal_phone("１３８１２３４５６７８") == "13812345678"          # full-width: understood
    assert normal_phone("０１０－１２３４５６７８") == "010-12345678"
    assert normal_phone("١٣٨١٢٣٤٥٦٧٨") is None                          # Arabic-Indic
    assert normal_phone("１３８１２３４５６７८") is None                   # one Devanagari digit
    assert normal_phone("1" * 10_000) is None


def test_cli_output_escapes_control_characters(tmp_path, monkeypatch):
    """A helper's note with ANSI escapes and a bidi override is printed escaped by
    ``ehall-helpdesk calls``: it cannot clear the admin's terminal or forge a line."""
    from helpdesk.model import CallRecord
    from helpdesk.records import CallLog
    db = str(tmp_path / "hub.sqlite3")
    log = CallLog(db)
    log.call_started(CallRecord("r1", "K\x1b[31m1", "h00", False, 1.0, 2.0, None, "in_call"))
    log.call_ended(CallRecord("r1", "K\x1b[31m1", "h00", False, 1.0, 2.0, 3.0, "completed"))
    log.call_note("r1", "h00", "ok\x1b[2J\x1b[H\nforged line\u202eevil")
    log.close()
    (tmp_path / "hub.toml").write_text(f'db_path = "{db}"\n')
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert cli.main(["--config", str(tmp_path / "hub.toml"), "calls"]) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and text.count("\n") == 1
    assert "\\x1b[2J" in text and "\\u202e" in text


def test_the_web_surface(tmp_path):
    """Only the page, static files, /healthz and /api/login answer without a login; every
    answer carries CSP, X-Frame-Options DENY, nosniff and Referrer-Policy, and a Server
    header without versions; /healthz says only ok; /api/login refuses other origins and
    anything but JSON; static files cannot be escaped."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            s, url = fx.session, fx.server.make_url
            for path in ("/", "/static/console.js", "/healthz"):
                async with s.get(url(path)) as r:
                    assert r.status == 200, path
                    h = r.headers
                    assert "script-src 'self'" in h["Content-Security-Policy"]
                    assert "unsafe-inline" not in h["Content-Security-Policy"]
                    assert h["X-Frame-Options"] == "DENY"
                    assert h["X-Content-Type-Options"] == "nosniff"
                    assert h["Referrer-Policy"] == "no-referrer"
                    assert h["Server"] == "ehall-helpdesk"
                    if path == "/":
                        assert "<script>" not in await r.text()       # no inline script
            assert await (await s.get(url("/healthz"))).json() == {"status": "ok"}
            async with s.get(url("/api/status")) as r:
                assert r.status == 401
            async with s.get(url("/api/status"), headers={
                    "Authorization": f"Bearer {fx.tokens['h00']}"}) as r:
                assert r.status == 200 and "queued" in await r.json()
            for path in ("/static/../hub.sqlite3", "/static/%2e%2e/helpdesk/config.py",
                         "/static/..%2fconfig.py"):
                async with s.get(url(path)) as r:
                    assert r.status in (403, 404), path
            body = '{"name": "h00", "password": "password-h00"}'
            async with s.post(url("/api/login"), data=body,
                              headers={"Content-Type": "text/plain"}) as r:
                assert r.status == 415
            async with s.post(url("/api/login"), data=body, headers={
                    "Content-Type": "application/json", "Origin": "http://evil.example"}) as r:
                assert r.status == 403
            assert fx.hub.logins.checked == 0                  # neither burnt an attempt
            own = f"http://127.0.0.1:{fx.server.port}"
            async with s.post(url("/api/login"), data=body, headers={
                    "Content-Type": "application/json", "Origin": own}) as r:
                assert r.status == 200
    run(go())


def test_claims_are_respected(tmp_path):
    """A call-back one helper claimed cannot be claimed or closed by another."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(2)
            h0, h1 = await fx.helper("h00"), await fx.helper("h01")
            k = await fx.kiosk("K01")
            await k.send(type="callback", terminal_id="K01", phone="13812345678")
            cid = (await k.expect("callback_saved"))["callback_id"]
            await h0.send(type="callback_claim", callback_id=cid)
            await h0.expect("callback_updated")
            for t in ("callback_claim", "callback_done"):
                await h1.send(type=t, callback_id=cid, note="mine now")
                assert (await h1.expect("error"))["code"] == "no_such_callback"
            rows = fx.hub.callbacks.store.all()
            assert rows[0]["handled_by"] == "h00" and rows[0]["status"] == "open"
            await h0.send(type="callback_done", callback_id=cid, note="已回电")
            assert (await h0.expect("callback_updated"))["status"] == "done"
    run(go())


def test_tokens_are_not_interchangeable(tmp_path):
    """A kiosk's token does not log a helper in, nor a helper's token a kiosk."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            ktoken = fx.register_kiosk("K01")
            ws = await fx.session.ws_connect(fx.server.make_url("/ws/helper"))
            await ws.send_json({"type": "login", "token": ktoken})
            assert (await ws.receive_json(timeout=5))["code"] == "bad_token"
            await ws.close()
            k = await fx.kiosk("K01", token=fx.tokens["h00"])
            await k.send(type="hello", terminal_id="K01")
            assert (await k.expect("error"))["code"] == "kiosk_unauthorized"
    run(go())


def test_oversized_frames_close_the_socket(tmp_path):
    """A frame over 256 KiB closes that socket (1009), before or after login; the hub
    goes on serving others."""
    async def go():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            for path in ("/ws/kiosk", "/ws/helper"):
                ws = await fx.session.ws_connect(fx.server.make_url(path))
                await ws.send_str('{"type": "hello", "x": "' + "x" * (300 * 1024) + '"}')
                msg = await ws.receive(timeout=5)
                while msg.type == aiohttp.WSMsgType.TEXT:
                    msg = await ws.receive(timeout=5)
                assert ws.closed and ws.close_code == 1009, (path, ws.close_code)
            await fx.helper("h00")                  # waits for its welcome and presence
            assert "h00" in fx.hub.helpers
    run(go())


def test_the_console_sets_text_never_html():
    """No stored XSS: the console's scripts never parse strings as HTML."""
    from pathlib import Path
    static = Path(__file__).resolve().parents[2] / "helpdesk" / "static"
    for js in static.glob("*.js"):
        code = js.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                     "eval(", "new Function"):
            assert sink not in code, f"{js.name} uses {sink}"
    html = (static / "index.html").read_text()
    assert "<script>" not in html and " on" + "click=" not in html and "style=" not in html
