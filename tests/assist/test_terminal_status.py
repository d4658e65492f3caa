# SPDX-License-Identifier: Apache-2.0
"""Terminal status, kiosk → hub, end to end: the kiosk's StatusReporter on the real
AssistService link to the real hub; what the hub's 终端 API then shows; alerts raised,
acknowledged (确认) and cleared; the hub's ack only when staff have a console open; and the
hub's checks on the message (bounded, typed, nothing but the documented fields kept)."""
from __future__ import annotations

import json

import pytest

from assist_testkit import TEST_TOKEN, HubThread, kiosk_config, started_services
from drivers.receipt_printer import create_printer
from kiosk.ops.status import StatusReporter
from waiting import wait_for

WAIT = 10.0


# `hub` is the plain one of conftest.py, with the default silence window (90 s): a live kiosk with
# a 30 s heartbeat is never taken for 失联 however slow the machine; the test of 失联 shortens it
# once its kiosk has stopped.


@pytest.fixture
def printer():
    device = create_printer("sim://", name="receipt_printer")
    device.open()
    yield device
    device.close()


def api(hub, path, token, method="GET"):
    async def go():
        async with hub.session.request(method, hub.http + path,
                                       headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status, await r.json()
    return hub.run(go())


def console_token(hub):
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    return hub.accounts.login("wangfang", "password-wangfang")


def card(hub, token, terminal="EHALL-T1"):
    status, body = api(hub, "/api/terminals", token)
    assert status == 200
    return next(c for c in body["terminals"] if c["terminal"] == terminal), body


def test_paper_out_reaches_the_console_is_acknowledged_and_clears(hub, printer):
    """GIVEN a kiosk linked to the hub with a receipt printer and a console open WHEN the printer
    runs out of paper THEN the hub's card says 装纸, an alert is open, and the kiosk learns that
    staff were told; 确认 records who; WHEN paper is back THEN the alert clears by itself."""
    token = console_token(hub)
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer},
                                  versions={"app": "0.1.0", "catalogue": "abc"}, heartbeat_s=0.3)
        reporter.start()
        try:
            wait_for(lambda: card(hub, token)[0]["level"] == "ok", WAIT, "the terminal reports ready")
            c, body = card(hub, token)
            assert c["versions"] == {"app": "0.1.0", "catalogue": "abc"} and c["in_session"] is False
            assert c["paper"]["roll_mm"] > 0 and c["paper"]["left_mm"] <= c["paper"]["roll_mm"]
            other = next(t for t in body["terminals"] if t["terminal"] == "OTHER")
            assert other["level"] == "lost"            # registered, never heard from

            printer.set_mode("paper_out")
            printer.refresh()                          # what the printer's poll does
            wait_for(lambda: card(hub, token)[0]["level"] == "fault", WAIT, "the card turns red")
            c, body = card(hub, token)
            assert [t["todo"] for t in c["todo"]] == ["装纸"]
            [alert] = body["alerts"]
            assert (alert["terminal"], alert["device"], alert["code"], alert["todo"]) == \
                ("EHALL-T1", "receipt_printer", "PRN_NO_PAPER", "装纸")
            assert reporter.wait_notified("receipt_printer", WAIT)     # the console polls: staff see it

            status, acked = api(hub, f"/api/alerts/{alert['id']}/ack", token, "POST")
            assert status == 200 and acked["acked_by"] == "wangfang"

            printer.set_mode("online")
            printer.refresh()
            wait_for(lambda: card(hub, token)[1]["alerts"] == [], WAIT, "the alert clears")
            c, body = card(hub, token)
            assert c["level"] == "ok" and body["cleared"][0]["id"] == alert["id"]
            assert not reporter.notified("receipt_printer")
        finally:
            reporter.stop()
    hub.hub.terminals.silent_s = 1.0                   # the kiosk has stopped: 1 s of silence is enough
    wait_for(lambda: card(hub, token)[0]["level"] == "lost", WAIT, "the silent terminal turns 失联")


def test_no_console_open_means_nobody_was_told(hub, printer):
    """GIVEN no console open on the hub WHEN the printer faults THEN the hub holds the alert but
    does not tell the kiosk staff know; WHEN a helper logs in to the desk THEN it does (the 终端
    page polling counts too: test_paper_out_reaches_the_console...)."""
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=30)
        reporter.start()
        try:
            wait_for(lambda: service.status.linked, WAIT, "linked")
            printer.set_mode("paper_out")
            printer.refresh()
            wait_for(lambda: hub.hub.terminals.alerts, WAIT, "the hub holds the alert")
            assert not reporter.wait_notified("receipt_printer", 0.5)
            helper = hub.helper()                      # a helper logs in to the desk
            assert reporter.wait_notified("receipt_printer", WAIT)
            helper.close()                             # the last console closes: nobody is told now
            wait_for(lambda: not reporter.notified("receipt_printer"), WAIT, "the kiosk hears it")
        finally:
            reporter.stop()


def test_the_orders_page_open_counts_as_staff_watching_and_closing_it_stops(hub, printer):
    """GIVEN a helper logged in with only the 工单 page open (it polls GET /api/alerts with its own
    page id; no desk socket, no 终端 page) WHEN the printer faults THEN the kiosk learns staff were
    told, and the page gets the alert for its banner; WHEN the page closes (pagehide: unwatch)
    THEN the kiosk hears nobody is watching. A second open page keeps counting until it closes."""
    token = console_token(hub)
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=30)
        reporter.start()
        try:
            wait_for(lambda: service.status.linked, WAIT, "linked")
            printer.set_mode("paper_out")
            printer.refresh()
            wait_for(lambda: hub.hub.terminals.alerts, WAIT, "the hub holds the alert")
            assert not reporter.wait_notified("receipt_printer", 0.5)     # nobody watching yet

            status, body = api(hub, "/api/alerts?watch=orders-page-1", token)
            assert status == 200 and [a["todo"] for a in body["alerts"]] == ["装纸"]
            assert reporter.wait_notified("receipt_printer", WAIT)      # the 工单 page counts
            assert api(hub, "/api/alerts?watch=orders-page-2", token)[0] == 200   # a second tab

            status, body = api(hub, "/api/alerts/unwatch?watch=orders-page-1", token, "POST")
            assert status == 200 and body["watching"] is True           # the other tab is open
            assert reporter.notified("receipt_printer")
            status, body = api(hub, "/api/alerts/unwatch?watch=orders-page-2", token, "POST")
            assert status == 200 and body["watching"] is False
            wait_for(lambda: not reporter.notified("receipt_printer"), WAIT, "the kiosk hears it")

            assert api(hub, "/api/alerts?watch=orders-page-1", "not-a-token")[0] == 401
            assert api(hub, "/api/alerts?watch=<b>", token)[0] == 400
            assert not reporter.wait_notified("receipt_printer", 0.3)   # neither counted
        finally:
            reporter.stop()


def test_a_page_that_stops_polling_stops_counting():
    """A page that vanished without pagehide (crash, network) stops counting POLL_S after its
    last poll; the hub's tick then tells the kiosks."""
    from helpdesk.terminals_api import POLL_S, StaffWatch

    class Hub:
        helpers: dict = {}
        kiosks: dict = {}
        now = 1000.0

        def clock(self):
            return self.now

    hub = Hub()
    watch = StaffWatch(hub)
    told = []
    watch.changed = lambda: (told.append(watch.open()), setattr(watch, "told", watch.open()))
    watch.seen("abc:orders")
    assert watch.open() and told == [True]
    hub.now += POLL_S - 1
    watch.tick()
    assert watch.open() and told == [True]
    hub.now += 2
    watch.tick()
    assert not watch.open() and told == [True, False]


def test_the_status_message_carries_no_citizen_data(hub, printer):
    """The kiosk's message holds only the documented fields: devices with fixed code texts
    (never a driver's detail), versions, paper, uptime, whether a session is on."""
    sent = []

    class Link:
        status = type("S", (), {"linked": True})()

        def tap(self, fn):
            pass

        def send_to_hub(self, msg):
            sent.append(msg)

    printer.set_mode("paper_out")
    printer.refresh()
    reporter = StatusReporter(Link(), {"receipt_printer": printer}, versions={"app": "1"}, heartbeat_s=60)
    reporter.start()
    reporter.stop()
    [msg] = sent
    assert set(msg) == {"type", "seq", "uptime_s", "devices", "versions", "in_session", "paper"}
    [dev] = msg["devices"]
    assert set(dev) == {"name", "kind", "state", "code", "action", "severity", "text"}
    assert dev["text"] == "printer is out of paper" and printer.last_error.detail not in json.dumps(msg)


@pytest.mark.parametrize("bad, words", [
    ({"devices": "x"}, "devices: a list"),
    ({"devices": [{"name": "p", "state": "melting"}]}, "device state"),
    ({"devices": [{"name": "P R", "state": "ready"}]}, "device name"),
    ({"devices": [{"name": "p", "state": "ready"}] * 2}, "each name once"),
    ({"devices": [{"name": f"d{i}", "state": "ready"} for i in range(17)]}, "at most 16"),
    ({"devices": [{"name": "p", "state": "fault", "code": "X_Y", "action": "pray"}]}, "device action"),
    ({"devices": [{"name": "p", "state": "fault", "code": "X_Y", "action": "staff", "text": "x" * 201}]},
     "at most 200"),
    ({"versions": {"app": "x" * 65}}, "versions"),
    ({"uptime_s": -1}, "uptime_s"),
    ({"in_session": "yes"}, "in_session"),
    ({"paper": {"left_mm": True}}, "paper.left_mm"),
])
def test_the_hub_refuses_a_malformed_status(hub, bad, words):
    async def go():
        async with hub.session.ws_connect(hub.url + "/ws/kiosk",
                                          headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": "EHALL-T1"})
            assert (await ws.receive_json())["type"] == "welcome"
            await ws.send_json({"type": "status", **bad})
            answer = await ws.receive_json()
            await ws.send_json({"type": "status", "devices": [{"name": "p", "state": "ready"}]})
            ok = await ws.receive_json()
            return answer, ok
    answer, ok = hub.run(go())
    assert answer["type"] == "error" and answer["code"] == "bad_message" and words in answer["message"]
    assert ok == {"type": "status_ack", "seq": 0, "notified": []}     # the socket goes on
    assert "EHALL-T1" in hub.hub.terminals.latest


def test_status_before_hello_is_refused(hub):
    async def go():
        async with hub.session.ws_connect(hub.url + "/ws/kiosk",
                                          headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as ws:
            await ws.send_json({"type": "status", "devices": []})
            return await ws.receive_json()
    answer = hub.run(go())
    assert answer["code"] == "hello_first" and hub.hub.terminals.latest == {}


def test_an_idle_printer_running_out_is_noticed_without_a_print(hub, printer):
    """GIVEN the reporter polling the receipt printer (as the kiosk's wiring does) WHEN paper runs
    out while nobody prints THEN the hub's card says 装纸 all the same."""
    token = console_token(hub)
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=30, printer_poll_s=0.2)
        reporter.start()
        try:
            wait_for(lambda: card(hub, token)[0]["level"] == "ok", WAIT, "the terminal reports ready")
            printer.set_mode("paper_out")
            wait_for(lambda: [t["todo"] for t in card(hub, token)[0]["todo"]] == ["装纸"], WAIT,
                     "the poll notices and the card says 装纸")
        finally:
            reporter.stop()
    assert printer._poller is None                 # stopped with the reporter


def test_alerts_are_recorded_and_survive_a_hub_restart(tmp_path, printer):
    """GIVEN an acknowledged alert WHEN the hub restarts THEN the alert is still open with its 确认,
    and once the printer is back it clears; the record keeps who acknowledged and when it cleared."""
    import sqlite3

    hub = HubThread(tmp_path).start()
    token = console_token(hub)
    try:
        with started_services(backoff_first_s=0.2) as make:
            service = make(kiosk_config(hub.url))
            reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=0.3)
            reporter.start()
            try:
                printer.set_mode("paper_out")
                printer.refresh()
                wait_for(lambda: card(hub, token)[1]["alerts"], WAIT, "the alert")
                alert = card(hub, token)[1]["alerts"][0]
                assert api(hub, f"/api/alerts/{alert['id']}/ack", token, "POST")[0] == 200
                hub.stop_server()
                hub.server = None
                hub.start()                              # the same db: a restarted hub
                [back] = card(hub, token)[1]["alerts"]
                assert (back["id"], back["acked_by"], back["todo"]) == (alert["id"], "wangfang", "装纸")
                printer.set_mode("online")
                printer.refresh()
                wait_for(lambda: card(hub, token)[1]["alerts"] == [], WAIT, "it clears after the restart")
            finally:
                reporter.stop()
    finally:
        hub.close()
    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        rows = db.execute("SELECT terminal, device, code, acked_by, cleared_at IS NOT NULL"
                          " FROM terminal_alerts").fetchall()
    assert rows == [("EHALL-T1", "receipt_printer", "PRN_NO_PAPER", "wangfang", 1)]


def test_a_kiosk_flooding_status_is_held_back(tmp_path):
    hub = HubThread(tmp_path, status_per_kiosk_per_minute=3).start()

    async def go():
        async with hub.session.ws_connect(hub.url + "/ws/kiosk",
                                          headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": "EHALL-T1"})
            await ws.receive_json()
            answers = []
            for seq in range(5):
                await ws.send_json({"type": "status", "seq": seq, "devices": []})
                answers.append(await ws.receive_json())
            return answers
    try:
        answers = hub.run(go())
    finally:
        hub.close()
    assert [a["type"] for a in answers] == ["status_ack"] * 3 + ["error"] * 2
    assert answers[-1]["code"] == "rate_limited"


def test_changes_in_quick_succession_are_sent_together():
    """A flapping device: the first change goes at once, the rest once after a short gap, and the
    last word is the device's latest state."""
    import threading

    from drivers.receipt_printer import create_printer as make

    sent, cond = [], threading.Condition()

    class Link:
        status = type("S", (), {"linked": True})()

        def tap(self, fn):
            pass

        def send_to_hub(self, msg):
            with cond:
                sent.append(msg)
                cond.notify_all()

    printer = make("sim://", name="receipt_printer")
    printer.open()
    reporter = StatusReporter(Link(), {"receipt_printer": printer}, heartbeat_s=60)
    reporter.start()
    try:
        for mode in ("paper_out", "online", "cover_open", "online", "paper_out"):
            printer.set_mode(mode)
            printer.refresh()
        with cond:
            assert cond.wait_for(lambda: sent and sent[-1]["devices"][0].get("code") == "PRN_NO_PAPER", WAIT)
        assert len(sent) <= 3            # the link-up report, the first change, one after the gap
    finally:
        reporter.stop()
        printer.close()


def test_the_kiosks_own_wiring_reports_versions_and_sessions(hub, printer, tmp_path):
    """GIVEN the kiosk core wired as ehall-kiosk wires it (kiosk.wiring.build_assist/build_status)
    THEN the hub's card shows the app, catalogue and knowledge-base versions, and 有人在办理 while a
    citizen uses the terminal (nothing else of the session)."""
    from kiosk import config as config_mod
    from kiosk import wiring
    from kiosk.core import Kiosk

    cfg = config_mod.load().with_overrides(**{
        "assist.hub_url": hub.url, "assist.hub_token": TEST_TOKEN, "hall.terminal_id": "EHALL-T1",
        "catalogue.cache_dir": str(tmp_path / "cache")})
    kiosk = Kiosk.build(cfg)
    kiosk.devices = {"receipt_printer": printer}
    kiosk.assist = wiring.build_assist(kiosk)
    kiosk.status = wiring.build_status(kiosk)
    token = console_token(hub)
    kiosk.assist.start()
    try:
        wait_for(lambda: card(hub, token)[0]["level"] == "ok", WAIT, "the wired kiosk reports")
        versions = card(hub, token)[0]["versions"]
        assert versions["catalogue"] == kiosk.catalogue.digest[:12]
        assert len(versions["knowledge_base"]) == 12 and versions["app"]
        kiosk.session.touch()                          # a citizen starts
        wait_for(lambda: card(hub, token)[0]["in_session"], WAIT, "in session on the card")
        kiosk.session.end("finished")
        wait_for(lambda: not card(hub, token)[0]["in_session"], WAIT, "idle again")
    finally:
        wiring.stop(kiosk, type("W", (), {"stop": lambda self: None})())
        kiosk.assist.stop()
    assert printer._poller is None


def test_card_words_and_colours_for_each_kind_of_trouble():
    """What a card says for each kind of device trouble, and its colour (unit level: the board)."""
    from helpdesk.kiosks import Terminal
    from helpdesk.terminals import TerminalBoard

    now = [1000.0]
    board = TerminalBoard(lambda: now[0], silent_s=90, watched=lambda: True)
    terminals = [Terminal(t, 0.0, None, None, False) for t in ("A", "B", "C", "D", "E")]

    def dev(name, state, code=None, action=None):
        d = {"name": name, "state": state}
        if code:
            d.update(code=code, action=action, severity="error", text="x")
        return d
    board.report("A", {"devices": [dev("id_reader", "absent", "IDR_UNPLUGGED", "staff")]})
    board.report("B", {"devices": [dev("receipt_printer", "degraded", "PRN_PAPER_LOW_FORECAST", "staff")]})
    board.report("C", {"devices": [dev("receipt_printer", "fault", "PRN_CUTTER", "maintenance")]})
    board.report("D", {"devices": [dev("id_reader", "fault", "IDR_TIMEOUT", "retry")]})
    board.report("E", {"devices": [dev("receipt_printer", "ready")]})
    cards = {c["terminal"]: c for c in board.view(terminals)["terminals"]}
    assert [(t, cards[t]["level"], [x["todo"] for x in cards[t]["todo"]]) for t in "ABCDE"] == [
        ("A", "fault", ["插好读卡器"]), ("B", "warn", ["备纸（纸快用完了）"]), ("C", "fault", ["联系维护"]),
        ("D", "warn", ["自动重试中，持续不好请联系维护"]), ("E", "ok", [])]
    assert sorted(a["terminal"] for a in board.view(terminals)["alerts"]) == ["A", "B", "C"]   # not D: it retries
    now[0] += 91
    assert {c["level"] for c in board.view(terminals)["terminals"]} == {"lost"}


def test_a_terminal_that_goes_silent_raises_an_alert_that_clears_when_it_is_back(hub, printer):
    """GIVEN a kiosk that reported WHEN it goes silent longer than terminal_silent_seconds (1 s
    once it has stopped) THEN an alert 终端失联 reaches the helper desk (its banner and tone); WHEN the kiosk is
    back THEN the alert clears by itself."""
    token = console_token(hub)
    helper = hub.helper()
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=0.3)
        reporter.start()
        wait_for(lambda: card(hub, token)[0]["level"] == "ok", WAIT, "the terminal reports")
        reporter.stop()
        service.stop()
        hub.hub.terminals.silent_s = 1.0               # silent from now on: 1 s is enough
    pushed = helper.expect("terminal_alerts")
    while not pushed["alerts"]:
        pushed = helper.expect("terminal_alerts")
    [alert] = pushed["alerts"]
    assert (alert["terminal"], alert["device"], alert["code"], alert["device_words"]) == \
        ("EHALL-T1", "link", "TERMINAL_LOST", "终端连接")
    assert "失联" in alert["todo"]
    hub.hub.terminals.silent_s = 90.0                  # back for good: a slow heartbeat is no loss
    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {"receipt_printer": printer}, heartbeat_s=0.3)
        reporter.start()
        try:
            wait_for(lambda: card(hub, token)[1]["alerts"] == [], WAIT, "back: the alert clears")
            assert card(hub, token)[1]["cleared"][0]["code"] == "TERMINAL_LOST"
        finally:
            reporter.stop()
    helper.close()
