# SPDX-License-Identifier: Apache-2.0
"""SMS notices from the hub (helpdesk/sms.py, helpdesk/sms_queue.py) against a local HTTP gateway
the test starts (a real one cannot be reached here): filed, answered, closed and a 差评's
follow-up each send one short text naming the order's number and the status page, never the
description; a gateway that is down keeps the notice queued in the store and it goes when the
gateway is back, also after a restart; a slow gateway never holds up the kiosk's request; bad
[sms] keys are named; the phone is never in a log unmasked."""
import asyncio
import datetime as dt
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpdesk.config import ConfigError, parse
from helpdesk.orders import OrderStore, sms_queue, upgrade
from helpdesk.sms import mask_phone
from helpdesk.sms_queue import SmsSender

PHONE = "13912345678"
STATUS = "https://hall.example.gov.cn/orders/status"
ORDER = {"category": "求助", "description": "护照丢了，想问补办流程", "deadline": "2026-12-11"}


class Gateway:
    """An SMS gateway on 127.0.0.1: records what it took; ``down`` answers 503; ``hold`` keeps a
    request waiting until released."""

    def __init__(self):
        self.taken: list[dict] = []
        self.seen: list[dict] = []          # every attempt, taken or not
        self.down = False
        self.hold: threading.Event | None = None
        self.holding = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body["auth"] = self.headers.get("Authorization")
                gateway.seen.append(body)
                if gateway.hold is not None:
                    gateway.holding.set()
                    gateway.hold.wait(30)
                status = 503 if gateway.down else 200
                if status == 200:
                    gateway.taken.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    gw = Gateway()
    yield gw
    gw.close()


class Now:
    def __init__(self):
        self.t = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)

    def __call__(self):
        return self.t


def _sms(url, **more):
    return {"enabled": True, "url": url, "token": "gw-secret", "status_url": STATUS, **more}


def _store(tmp_path, url):
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(db)
    return OrderStore(db, notices=parse({"sms": _sms(url)}, "hub.toml").sms)


def _rows(store):
    import sqlalchemy as sa
    with store.engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(sa.select(sms_queue).order_by(sms_queue.c.seq))]


def test_filed_replied_closed_and_a_follow_up_each_send_one_short_text(tmp_path, gateway, caplog):
    caplog.set_level(logging.INFO)
    store, now = _store(tmp_path, gateway.url), Now()
    sender = SmsSender(store, store.notices, now)
    receipt = store.submit_order({**ORDER, "id": "o1", "phone": PHONE}, "EHALL-01", now=now.t)
    assert sender.send_due() == 1
    [filed] = gateway.taken
    assert filed["to"] == PHONE and filed["auth"] == "Bearer gw-secret" and filed["id"].startswith("o1-")
    assert receipt.number in filed["text"] and STATUS in filed["text"] and "2026-12-11" in filed["text"]
    assert "护照" not in filed["text"] and PHONE not in filed["text"] and len(filed["text"]) <= len(STATUS) + 45
    store.act("o1", "wangfang", "assign", "wangfang")                  # no notice for an assignment
    store.act("o1", "wangfang", "reply", "请携带身份证到3号窗口补办。")
    store.act("o1", "wangfang", "close")
    store.rate({"id": "r1", "score": 1, "reasons": ["办理时间超时"], "target_kind": "order",
                "target_id": receipt.number}, "EHALL-01", now=now.t)
    store.rate({"id": "r2", "score": 1, "reasons": ["其他"], "target_kind": "session"}, "EHALL-01", now=now.t)
    assert sender.send_due() == 3 and sender.send_due() == 0 and sender.waiting() == 0
    texts = [g["text"] for g in gateway.taken]
    assert ["已受理" in texts[0], "已答复" in texts[1], "已办结" in texts[2], "回访" in texts[3]] == [True] * 4
    assert all(receipt.number in t and "补办" not in t and "3号窗口" not in t for t in texts)
    due = store.follow_ups()[0]["follow_up_due"].isoformat()
    assert due in texts[3]
    assert [r["event"] for r in _rows(store)] == ["filed", "replied", "closed", "follow_up"]
    from helpdesk.orders_console import OrdersConsole                # what the console's order shows
    shown = OrdersConsole(store, accounts=None).one("o1")["sms"]
    assert [(n["event"], n["sent"] is not None, n["attempts"]) for n in shown] == [
        ("filed", True, 1), ("replied", True, 1), ("closed", True, 1), ("follow_up", True, 1)]
    assert mask_phone(PHONE) in caplog.text and PHONE not in caplog.text and "gw-secret" not in caplog.text


def test_an_order_filed_in_english_gets_its_notices_in_english(tmp_path, gateway):
    """A foreigner's order (the kiosk session was English: the record's ``lang``) gets every notice
    in English, naming the status page with lang=en; a Chinese order beside it stays Chinese."""
    store, now = _store(tmp_path, gateway.url), Now()
    sender = SmsSender(store, store.notices, now)
    en = store.submit_order({**ORDER, "id": "e1", "phone": PHONE, "lang": "en"}, "EHALL-01", now=now.t)
    store.submit_order({**ORDER, "id": "z1", "phone": PHONE, "lang": "fr"}, "EHALL-01", now=now.t)  # not ours: zh
    store.act("e1", "wangfang", "reply", "Please bring your passport to window 3.")
    store.act("e1", "wangfang", "close")
    store.rate({"id": "r1", "score": 2, "reasons": ["其他"], "target_kind": "order",
                "target_id": en.number}, "EHALL-01", now=now.t)
    assert sender.send_due() == 5
    by_order = {}
    for g in gateway.taken:
        by_order.setdefault(g["id"].split("-")[0], []).append(g["text"])
    english, chinese = by_order["e1"], by_order["z1"]
    assert sorted(t.split(" ")[1] for t in english) == ["rating", "request", "request", "request"]
    assert all(STATUS + "?lang=en" in t and en.number in t and not any("\u4e00" <= c <= "\u9fff" for c in t)
               for t in english)
    assert any(f"{en.number} was received; reply by 2026-12-11" in t for t in english)
    assert "window 3" not in " ".join(english)
    assert "已受理" in chinese[0] and STATUS in chinese[0] and "lang=en" not in chinese[0]
    with pytest.raises(ConfigError, match="sms.template_replied_en may use only"):
        parse({"sms": _sms("http://gw/sms", template_replied_en="Reply: {description}")}, "hub.toml")


def test_a_gateway_down_then_back_gets_the_notice_later_also_after_a_restart(tmp_path, gateway, caplog):
    caplog.set_level(logging.INFO)
    store, now = _store(tmp_path, gateway.url), Now()
    sender = SmsSender(store, store.notices, now)
    store.submit_order({**ORDER, "id": "o1", "phone": PHONE}, "EHALL-01", now=now.t)
    gateway.down = True
    assert sender.send_due() == 1 and gateway.taken == [] and len(gateway.seen) == 1
    [row] = _rows(store)
    assert row["sent"] is None and row["attempts"] == 1 and row["last_error"] == "HTTP 503"
    assert sender.send_due() == 0                                   # not before its pause
    now.t += dt.timedelta(seconds=30)
    assert sender.send_due() == 1 and _rows(store)[0]["attempts"] == 2     # still down: 60 s now
    now.t += dt.timedelta(seconds=59)
    assert sender.send_due() == 0
    gateway.down = False
    now.t += dt.timedelta(seconds=1)
    restarted = SmsSender(store, store.notices, now)                 # the hub restarted: the store has it
    assert restarted.send_due() == 1 and restarted.waiting() == 0
    assert [g["text"] for g in gateway.taken] == [row["text"]]
    assert len({g["id"] for g in gateway.seen}) == 1                 # the same id on every attempt
    assert _rows(store)[0]["attempts"] == 3 and _rows(store)[0]["last_error"] is None
    with socket.socket() as s:                                       # nothing listening at all
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    (tmp_path / "b").mkdir()
    nowhere = _store(tmp_path / "b", f"http://127.0.0.1:{closed}/sms")
    lost = SmsSender(nowhere, nowhere.notices, now)
    nowhere.submit_order({**ORDER, "id": "o2", "phone": PHONE}, "EHALL-01", now=now.t)
    assert lost.send_due() == 1 and _rows(nowhere)[0]["last_error"] == "ConnectionError" and lost.waiting() == 1
    assert PHONE not in caplog.text and "139****5678" in caplog.text and "护照" not in caplog.text


def test_a_slow_gateway_never_holds_up_the_kiosk_and_the_hub_sends_by_itself(tmp_path, gateway):
    asyncio.run(asyncio.wait_for(_slow(tmp_path, gateway), 60))


async def _slow(tmp_path, gateway):
    from helpdesk_testkit import HubFixture

    db = f"sqlite:///{tmp_path / 'orders.db'}"
    await asyncio.to_thread(upgrade, db)
    fx = HubFixture(tmp_path, sms=_sms(gateway.url, timeout_seconds=30))
    fx.orders = OrderStore(db)
    gateway.hold = threading.Event()
    await fx.start()
    try:
        token = fx.register_kiosk("EHALL-01")
        headers = {"Authorization": f"Bearer {token}", "X-Ehall-Terminal": "EHALL-01",
                   "Content-Type": "application/json"}
        post = {"id": "o1", "kind": "order", "payload": ORDER, "phone": PHONE}
        async with fx.session.post(fx.server.make_url("/api/records"), data=json.dumps(post), headers=headers) as r:
            answer = await r.json()
        assert r.status == 200 and answer["ok"]
        # the hub's sender is at the gateway now (woken by the queued notice), held there ...
        assert await asyncio.to_thread(gateway.holding.wait, 20)
        # ... and the kiosk's next request is answered all the same
        post2 = {**post, "id": "o2"}
        async with fx.session.post(fx.server.make_url("/api/records"), data=json.dumps(post2), headers=headers) as r:
            assert r.status == 200
        assert gateway.taken == [] and fx.hub.sms.waiting() == 2
        gateway.hold.set()
        for _ in range(2000):
            if fx.hub.sms.waiting() == 0:
                break
            await asyncio.sleep(0.01)
        assert fx.hub.sms.waiting() == 0 and [g["to"] for g in gateway.taken] == [PHONE, PHONE]
    finally:
        await fx.stop()


def test_no_sms_unless_configured_and_bad_keys_are_named(tmp_path):
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(db)
    plain = OrderStore(db, notices=parse({}, "hub.toml").sms)
    plain.submit_order({**ORDER, "id": "o1", "phone": PHONE}, "EHALL-01")
    assert plain.notices is None and _rows(plain) == []
    off = parse({"sms": {"url": "http://127.0.0.1:9/sms", "status_url": STATUS}}, "hub.toml").sms
    assert OrderStore(db, notices=off).notices is None                # enabled = false: none queued
    bad = {
        "sms.urll": ({"urll": "x"}, "hub.toml: unknown key 'sms.urll'; allowed keys: sms.enabled, sms.url"),
        "sms.enabled": ({"enabled": "yes"}, "hub.toml: sms.enabled must be true or false"),
        "sms.url": ({"enabled": True, "status_url": STATUS}, "hub.toml: sms.enabled needs sms.url"),
        "sms.url scheme": (_sms("ftp://gw/sms"), "hub.toml: sms.url must be an http:// or https:// address"),
        "template": (_sms("http://gw/sms", template_filed="工单{number}：{description}"),
                     "hub.toml: sms.template_filed may use only {number}, {status_url}, {deadline}, not {description}"),
        "braces": (_sms("http://gw/sms", template_closed="工单{number"), "hub.toml: sms.template_closed: "),
        "timeout": (_sms("http://gw/sms", timeout_seconds=0), "hub.toml: sms.timeout_seconds must be a number from 1 to 30"),
        "too long": (_sms("http://gw/sms", status_url="https://h.example/" + "a" * 250),
                     "hub.toml: sms.template_filed with sms.status_url makes a text of"),
        "table": ("on", "hub.toml: sms must be a table"),
    }
    for what, (value, message) in bad.items():
        with pytest.raises(ConfigError) as info:
            parse({"sms": value}, "hub.toml")
        assert str(info.value).startswith(message), (what, str(info.value))
        assert "gw-secret" not in str(info.value)


def test_a_sealed_store_sends_the_real_number_to_the_gateway(tmp_path, gateway, caplog):
    """With order_key_file the phone is sealed at rest; the sender opens it for the gateway only."""
    from helpdesk.order_crypt import OrderCipher, keygen
    caplog.set_level(logging.INFO)
    store, now = _store(tmp_path, gateway.url), Now()
    store.cipher = OrderCipher.load(keygen(tmp_path / "orders.key"))
    store.submit_order({**ORDER, "id": "o1", "phone": PHONE}, "EHALL-01", now=now.t)
    assert SmsSender(store, store.notices, now).send_due() == 1
    [filed] = gateway.taken
    assert filed["to"] == PHONE and PHONE.encode() not in (tmp_path / "orders.db").read_bytes()
    assert mask_phone(PHONE) in caplog.text and PHONE not in caplog.text and "enc1:" not in caplog.text
