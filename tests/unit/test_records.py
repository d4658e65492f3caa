# SPDX-License-Identifier: Apache-2.0
"""The kiosk's records: the outbox (durable, encrypted phones, survives kill -9, sends in order
when the hub comes back), working-day deadlines, contact phone numbers."""
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from waiting import wait_for

from kiosk.records import (Outbox, OutboxError, OutboxSender, WorkCalendar, mask_phone, new_key,
                           normalise_phone, parse_days)

PHONE = "13912345678"        # fictitious


# -- working days ----------------------------------------------------------------------
def test_a_deadline_skips_the_national_day_holiday():
    deadline = WorkCalendar().add_workdays(dt.date(2026, 9, 30), 1)
    assert deadline.certain and deadline.date > dt.date(2026, 10, 7)     # 国庆 2026: 1-7 October off


def test_a_deadline_past_the_calendar_data_is_marked_until_the_hall_covers_the_year():
    start = dt.date(2026, 12, 28)
    guess = WorkCalendar().add_workdays(start, 10)
    assert not guess.certain                                   # 2027 has no official data in the library
    hall = WorkCalendar(extra_holidays=parse_days(["2027-01-01"], "records.extra_holidays"), covered_years=[2027])
    known = hall.add_workdays(start, 10)
    assert known.certain and known.date == guess.date + dt.timedelta(days=1)   # 元旦 2027 is a Friday


def test_bad_days_in_config_name_the_key():
    with pytest.raises(ValueError) as info:
        parse_days(["2027-13-01"], "records.extra_holidays")
    assert "records.extra_holidays" in str(info.value)


# -- phone numbers -------------------------------------------------------------------------
@pytest.mark.parametrize("typed,dialled", [
    ("13912345678", "13912345678"), ("139 1234 5678", "13912345678"), ("+86 139-1234-5678", "13912345678"),
    ("+8613912345678", "13912345678"), ("１３９１２３４５６７８", "13912345678"),      # full-width digits
    ("0631-5201234", "0631-5201234"), ("06315201234", "0631-5201234"), ("010-62345678", "010-62345678"),
    ("400-123-4567", "400-123-4567"),
    ("١٣٩١٢٣٤٥٦٧٨", None), ("12345", None), ("23912345678", None), ("", None), ("1" * 60, None),
])
def test_phone_numbers_as_a_helper_can_dial_them(typed, dialled):
    assert normalise_phone(typed) == dialled


def test_phone_numbers_are_shown_masked():
    assert mask_phone("13912345678") == "139****5678" and mask_phone("0631-5201234") == "0631-****234"


# -- the outbox -------------------------------------------------------------------------------
def _files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def test_a_phone_number_is_encrypted_at_rest_and_gone_after_the_ack(tmp_path):
    box = Outbox(tmp_path / "outbox.db", new_key())
    rid = box.put("order", {"category": "求助", "text": "护照怎么办"}, phone=PHONE)
    assert PHONE.encode() not in _files(tmp_path)                    # db, WAL: no phone in clear
    (record,) = box.pending()
    assert record.id == rid and record.phone == PHONE and record.payload["text"] == "护照怎么办"
    cipher = box._db.execute("SELECT phone FROM outbox").fetchone()[0]
    box.ack(rid)
    box._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert len(box) == 0 and cipher not in _files(tmp_path)           # secure_delete: overwritten
    box.close()


def test_no_key_no_phone_and_a_wrong_key_is_said(tmp_path):
    box = Outbox(tmp_path / "o.db")
    with pytest.raises(OutboxError) as info:
        box.put("order", {}, phone=PHONE)
    assert "outbox_key" in str(info.value)
    box.put("rating", {"score": 5})                                  # a record without a phone is fine
    box.close()
    keyed = Outbox(tmp_path / "k.db", new_key())
    keyed.put("order", {}, phone=PHONE)
    keyed.close()
    with pytest.raises(OutboxError) as info:
        Outbox(tmp_path / "k.db", new_key()).pending()
    assert "not the key" in str(info.value)
    with pytest.raises(OutboxError):
        Outbox(tmp_path / "x.db", "not-a-key")


class _Hub:
    """A stand-in for the hub's records API on 127.0.0.1: takes a record once per id."""

    def __init__(self):
        self.up, self.taken, self.posts = False, {}, 0
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hub.posts += 1
                if not hub.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                hub.taken.setdefault(body["id"], body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/records"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def send(self, record) -> bool:
        import requests
        body = {"id": record.id, "kind": record.kind, "payload": record.payload, "phone": record.phone}
        return requests.post(self.url, json=body, timeout=5).status_code == 200

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_records_wait_while_the_hub_is_down_and_arrive_in_order_when_it_is_back(tmp_path):
    hub = _Hub()
    box = Outbox(tmp_path / "o.db", new_key())
    sender = OutboxSender(box, hub.send, first_pause=0.05, max_pause=0.2).start()
    try:
        ids = [box.put("question", {"n": n}) for n in range(5)]
        wait_for(lambda: hub.posts >= 3, 10, "the sender tries while the hub is down")
        assert len(box) == 5 and hub.taken == {}
        hub.up = True
        wait_for(lambda: len(box) == 0, 10, "all records sent once the hub is back")
        assert list(hub.taken) == ids and [hub.taken[i]["payload"]["n"] for i in ids] == list(range(5))
    finally:
        sender.stop()
        box.close()
        hub.close()


KILLED = """
import os, signal, sys
from kiosk.records import Outbox
box = Outbox(sys.argv[1], sys.argv[2])
print(box.put("order", {"text": "kept"}, phone="13912345678"), flush=True)
os.kill(os.getpid(), signal.SIGKILL)     # killed between 确认提交 and the send
"""


def test_a_record_put_before_kill_9_is_sent_after_the_restart(tmp_path):
    key = new_key()
    out = subprocess.run([sys.executable, "-c", KILLED, str(tmp_path / "o.db"), key], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert out.returncode == -signal.SIGKILL
    rid = out.stdout.strip()
    hub = _Hub()
    hub.up = True
    box = Outbox(tmp_path / "o.db", key)                    # the kiosk starts again
    sender = OutboxSender(box, hub.send, first_pause=0.05).start()
    try:
        wait_for(lambda: rid in hub.taken, 10, "the kept record sent after the restart")
        assert hub.taken[rid]["payload"] == {"text": "kept"} and hub.taken[rid]["phone"] == PHONE
        wait_for(lambda: len(box) == 0, 5, "acknowledged record removed")
    finally:
        sender.stop()
        box.close()
        hub.close()
    assert os.path.exists(tmp_path / "o.db")


def test_a_record_the_hub_refuses_for_good_is_set_aside_and_the_rest_go_on(tmp_path):
    """GIVEN a record the hub answers 400 (it would refuse it again) WHEN the sender meets it
    THEN it is kept with the hub's words but set aside, and the records behind it are sent;
    a hub that is down (503) still holds the queue in order."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kiosk.records.outbox import http_sender

    taken = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if body["payload"].get("bad"):
                self.send_response(400)
                self.end_headers()
                self.wfile.write(b"payload.category: one of ...")
                return
            taken.append(body["payload"]["n"])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    box = Outbox(tmp_path / "o.db", new_key())
    send = http_sender(f"http://127.0.0.1:{server.server_port}/api/records", "EHALL-01", "t" * 32)
    sender = OutboxSender(box, send, first_pause=0.05, max_pause=0.2).start()
    try:
        box.put("question", {"n": 1})
        bad = box.put("question", {"n": 2, "bad": True})
        box.put("question", {"n": 3})
        wait_for(lambda: taken == [1, 3], 10, "the records behind the refused one are sent")
        wait_for(lambda: len(box) == 1, 10, "the sent ones acknowledged")
        assert box.pending() == []                                   # the refused one kept, not sent again
        (kept_id, kind, reason), = box.refused()
        assert kept_id == bad and kind == "question" and reason.startswith("HTTP 400: payload.category")
    finally:
        sender.stop()
        box.close()
        server.shutdown()
        server.server_close()
