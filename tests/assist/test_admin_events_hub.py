# SPDX-License-Identifier: Apache-2.0
"""The admin screen's audited steps reach the hub (issue 12: "every admin action is audited in a
local log and on the hub"; the lockout is reported): the kiosk's AdminReporter on the real
AssistService link to the real hub; the hub's 终端 API shows them, a PIN lockout raises an alert
that 确认 clears, events made while the hub is away are sent when it is back, and the hub takes
nothing but the audit's fixed fields."""
from __future__ import annotations

import pytest

from assist_testkit import TEST_TOKEN, HubThread, kiosk_config, started_services
from kiosk import config
from kiosk.assist_mode import hash_pin
from kiosk.observe import Observers
from kiosk.ops.admin_access import AdminAccess, AdminAudit
from kiosk.ops.admin_report import AdminReporter
from test_terminal_status import api, card, console_token
from waiting import wait_for

WAIT = 10.0


@pytest.fixture
def hub(tmp_path):
    h = HubThread(tmp_path).start()
    yield h
    h.close()


def _latest(h, n=20):
    async def go():                     # the hub's db is used on its loop only
        return h.hub.terminals.admin_log.latest("EHALL-T1", n)
    return h.run(go())


def _access(tmp_path):
    cfg = config.load().with_overrides(**{"admin.pins": [f"A01:{hash_pin('24680', log2_n=4)}"]})
    return AdminAccess(cfg, AdminAudit(tmp_path / "audit.log", "EHALL-T1"))


def test_a_pin_lockout_reaches_the_console_and_is_cleared_by_its_acknowledgement(hub, tmp_path):
    token = console_token(hub)
    access = _access(tmp_path)
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = AdminReporter(service, access.audit.events).start()
        wait_for(lambda: service.status.linked, WAIT, "linked")
        for _ in range(5):
            assert access.login_pin("00000") is None
        wait_for(lambda: card(hub, token)[1]["alerts"], WAIT, "the lockout raises an alert")
        c, body = card(hub, token)
        [alert] = body["alerts"]
        assert (alert["device"], alert["code"], alert["device_words"]) == ("admin", "ADMIN_PIN_LOCKED", "管理界面")
        assert [e["action"] for e in c["admin"][:2]] == ["pin_locked", "pin_wrong"]
        assert c["admin"][0]["details"] == {"attempts": "5", "lock_s": "300"}
        assert access.login_pin("24680") is None               # locked: refused, and audited
        wait_for(lambda: card(hub, token)[0]["admin"][0]["action"] == "pin_refused_locked", WAIT, "refusal")

        status, acked = api(hub, f"/api/alerts/{alert['id']}/ack", token, "POST")
        assert status == 200 and acked["acked_by"] == "wangfang"
        wait_for(lambda: card(hub, token)[1]["alerts"] == [], WAIT, "确认 clears the lockout alert")
        assert card(hub, token)[1]["cleared"][0]["code"] == "ADMIN_PIN_LOCKED"
        assert reporter.pending() == 0 and reporter.sent == 6
        reporter.stop()
    rows = _latest(hub)                                              # kept in the hub's db
    assert len(rows) == 6 and {r["staff_id"] for r in rows} == {""}


def test_events_made_while_the_hub_is_away_are_sent_when_it_is_back(tmp_path):
    events: Observers = Observers("admin events")
    audit = AdminAudit(tmp_path / "audit.log", "EHALL-T1")
    audit.events = events
    hub = HubThread(tmp_path).start()
    port_url = hub.url
    hub.close()                                                # the hub is away
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(port_url))
        reporter = AdminReporter(service, events).start()
        audit.write("login", "A01", via="pin", role="admin")
        audit.write("paper_changed", "A01", device="receipt_printer")
        assert reporter.pending() == 2 and reporter.sent == 0
        back = HubThread(tmp_path)
        back.port = int(port_url.rsplit(":", 1)[1])            # the same address comes back
        back.start()
        try:
            token = console_token(back)
            wait_for(lambda: reporter.sent == 2, 3 * WAIT, "both sent once the hub is back")
            c, _body = card(back, token)
            assert [e["action"] for e in c["admin"]] == ["paper_changed", "login"]
            assert c["admin"][1]["details"] == {"via": "pin", "role": "admin"}
        finally:
            reporter.stop()
            back.close()


@pytest.mark.parametrize("bad", [
    {"action": "Login"}, {"action": "login", "staff_id": "张三"},
    {"action": "login", "details": {"name": "张三"}}, {"action": "login", "details": {"value": "x" * 81}},
    {"action": "login", "details": {"value": {"nested": 1}}}, {"action": "login", "at": "yesterday"},
])
def test_the_hub_refuses_anything_but_the_audits_fields(hub, bad):
    async def go():
        async with hub.session.ws_connect(hub.url + "/ws/kiosk",
                                          headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": "EHALL-T1"})
            assert (await ws.receive_json())["type"] == "welcome"
            await ws.send_json({"type": "admin_event", **bad})
            answer = await ws.receive_json()
            await ws.send_json({"type": "admin_event", "action": "logout", "staff_id": "A01"})
            await ws.send_json({"type": "status", "devices": []})       # the socket goes on
            ok = await ws.receive_json()
            return answer, ok
    answer, ok = hub.run(go())
    assert answer["type"] == "error" and answer["code"] == "bad_message" and "admin_event" in answer["message"]
    assert ok["type"] == "status_ack"
    assert [r["action"] for r in _latest(hub)] == ["logout"]
