# SPDX-License-Identifier: Apache-2.0
"""留电回拨 on the hub: kiosk ``callback`` → stored → pushed to logged-in helpers → done.

The hub runs in-process on 127.0.0.1 with an injected clock (helpdesk_testkit).
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from helpdesk.callbacks import CallbackStore, mask_phone, valid_phone
from helpdesk.config import ConfigError, parse
from helpdesk_testkit import running_hub

PHONE = "13812345678"
DAY = 86400


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def test_phone_rules_and_mask():
    """GIVEN numbers WHEN validated THEN mobiles 1[3-9]xxxxxxxxx and landlines with area code
    pass (digits and one '-'); the log mask keeps 3 + 4 digits."""
    for ok in ("13812345678", "19900000000", "01012345678", "010-12345678", "0571-8888888",
               "057188888888"):
        assert valid_phone(ok), ok
    for bad in ("12812345678", "1381234567", "138123456789", "1381234567a", "+8613812345678",
                "12345678", "010 12345678", "010--1234567", "", None, 13812345678):
        assert not valid_phone(bad), bad
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("010-12345678") == "010****5678"


def test_retention_config():
    assert parse({}, "t").callback_retention_days == 7
    assert parse({"callback_retention_days": 30}, "t").callback_retention_days == 30
    with pytest.raises(ConfigError, match="callback_retention_days"):
        parse({"callback_retention_days": 0}, "t")


def test_kiosk_callback_reaches_helpers_and_is_done(tmp_path, caplog):
    """GIVEN a logged-in helper WHEN a kiosk leaves a number THEN the kiosk gets callback_saved,
    every logged-in helper gets that one request (callback_changed) with the full number, a
    helper logging in gets the whole open list; a claim and then 已回电 with a note reach
    everyone as changes (callback_changed, callback_removed), the row is stored done with who/when/note, and
    the hub's log never holds the number in clear."""
    caplog.set_level(logging.DEBUG)

    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(2)
            h0 = await fx.helper("h00", available=False)
            first = await h0.expect("callbacks")
            assert first["open"] == []
            k = await fx.kiosk("K01")
            await k.send(type="callback", terminal_id="K01", phone=PHONE, large_text=True,
                         reason="no_helper", terminal_name="东区 3 号机")
            await k.expect("welcome")
            saved = await k.expect("callback_saved")
            cid = saved["callback_id"]
            assert isinstance(cid, int) and saved["phone"] == PHONE
            lst = [(await h0.expect("callback_changed"))["callback"]]
            assert lst == [{"callback_id": cid, "terminal_id": "K01", "terminal_name": "东区 3 号机",
                            "phone": PHONE, "large_text": True, "reason": "no_helper",
                            "created_at": fx.clock.t, "handled_by": None}]
            # a helper who logs in later gets the list at login
            h1 = await fx.helper("h01", available=False)
            assert [c["phone"] for c in (await h1.expect("callbacks"))["open"]] == [PHONE]
            # a second request (landline) while the first is open
            fx.clock.t += 60
            await k.send(type="callback", terminal_id="K01", phone="010-12345678")
            cid2 = (await k.expect("callback_saved"))["callback_id"]
            assert (await h1.expect("callback_changed"))["callback"]["callback_id"] == cid2
            await h0.expect("callback_changed")
            # 处理: h00 takes the first one
            await h0.send(type="callback_claim", callback_id=cid)
            assert (await h0.expect("callback_updated"))["status"] == "open"
            changed = (await h1.expect("callback_changed"))["callback"]
            assert changed["callback_id"] == cid and changed["handled_by"] == "h00"
            await h0.expect("callback_changed")
            # 已回电 with a note
            fx.clock.t += 120
            await h0.send(type="callback_done", callback_id=cid, note="已回电，预约周三办理")
            assert (await h0.expect("callback_updated")) == {
                "type": "callback_updated", "callback_id": cid, "status": "done"}
            for h in (h0, h1):
                assert (await h.expect("callback_removed"))["callback_id"] == cid
            # done twice, or an unknown id: no_such_callback
            await h1.send(type="callback_done", callback_id=cid, note="x")
            assert (await h1.expect("error"))["code"] == "no_such_callback"
            await h1.send(type="callback_claim", callback_id="1")
            assert (await h1.expect("error"))["code"] == "bad_message"
            await h1.send(type="callback_done", callback_id=cid2, note="x" * 201)
            assert (await h1.expect("error"))["code"] == "bad_message"
            row = {r["id"]: r for r in fx.hub.callbacks.store.all()}[cid]
            assert row["status"] == "done" and row["handled_by"] == "h00"
            assert row["handled_at"] == fx.clock.t and row["note"] == "已回电，预约周三办理"
            assert row["terminal"] == "K01" and row["phone"] == PHONE
            # a kiosk cannot mark anything done; helpers' messages need a login
            await k.send(type="callback_done", callback_id=cid2)
            assert (await k.expect("error"))["code"] == "unknown_type"
            anon = await fx.session.ws_connect(fx.server.make_url("/ws/helper"))
            await anon.send_json({"type": "callback_claim", "callback_id": cid2})
            reply = await anon.receive_json(timeout=5)
            assert reply["code"] == "login_first" and PHONE not in str(reply)
            await anon.close()
    run(main())
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "138****5678" in text
    assert PHONE not in text and "12345678" not in text.replace("138****5678", "")


def test_invalid_phone_is_refused(tmp_path, caplog):
    """GIVEN a kiosk WHEN it sends a malformed number THEN error bad_phone (in_reply_to
    callback), nothing is stored, helpers get no push, and the number is not logged."""
    caplog.set_level(logging.DEBUG)

    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            h = await fx.helper("h00", available=False)
            await h.expect("callbacks")
            k = await fx.kiosk("K01")
            await k.send(type="hello", terminal_id="K01")
            await k.expect("welcome")
            for bad in ("12912345678", "1381234567", "138-1234-5678", 13812345678, None):
                await k.send(type="callback", terminal_id="K01", phone=bad)
                err = await k.expect("error")
                assert err["code"] == "bad_phone" and err["in_reply_to"] == "callback"
                assert "1234" not in err["message"]
            await k.send(type="callback", terminal_id="K01", phone=PHONE, reason="x" * 33)
            assert (await k.expect("error"))["code"] == "bad_message"
            await k.send(type="callback", terminal_id="K02", phone=PHONE)
            assert (await k.expect("error"))["code"] == "terminal_mismatch"
            assert fx.hub.callbacks.store.all() == []
            await k.send(type="callback", terminal_id="K01", phone=PHONE)   # the socket still works
            await k.expect("callback_saved")
            assert (await h.expect("callback_changed"))["callback"]["phone"] == PHONE
            assert h.unread("callback_changed") == []
    run(main())
    assert "12912345678" not in caplog.text and PHONE not in caplog.text


def test_retention_purge_with_injected_clock(tmp_path):
    """GIVEN requests 8 days, 3 days and 0 days old (retention 7 days) WHEN the hub's timers
    run THEN the old one is deleted (open or done), the helpers get the shorter list, and a
    restart purges too."""
    async def main():
        async with running_hub(tmp_path, callback_retention_days=7,
                               session_hours=24 * 30) as fx:    # the login outlives the days
            fx.add_helpers(1)
            h = await fx.helper("h00", available=False)
            await h.expect("callbacks")
            k = await fx.kiosk("K01")
            ids = []
            for phone in (PHONE, "13900000001", "13900000002"):
                await k.send(type="callback", terminal_id="K01", phone=phone)
                ids.append((await k.expect("callback_saved"))["callback_id"])
                await h.expect("callback_changed")
                fx.tick(4 * DAY)        # each tick purges what is older than 7 days
                if len(ids) > 1:        # ids[-2] is 8 days old now: gone, and the helper is told
                    assert (await h.expect("callback_removed"))["callback_id"] == ids[-2]
            assert [r["id"] for r in fx.hub.callbacks.store.all()] == [ids[2]]
            fx.tick(3 * DAY)                              # exactly 7 days old: kept
            assert [r["id"] for r in fx.hub.callbacks.store.all()] == [ids[2]]
            fx.tick(1)                                    # < 60 s since the last purge: no query
            fx.tick(DAY)
            assert fx.hub.callbacks.store.all() == []
    run(main())
    # the rows are gone from the file, not just hidden
    db = sqlite3.connect(tmp_path / "hub.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM callbacks").fetchone() == (0,)
    db.close()


def test_purge_at_start_up(tmp_path):
    """GIVEN an old request in the database WHEN the hub starts THEN it is deleted at once."""
    store = CallbackStore(str(tmp_path / "hub.sqlite3"))
    store.add("K01", "", PHONE, False, "", 1_800_000_000.0 - 10 * DAY)
    keep = store.add("K01", "", "13900000001", False, "", 1_800_000_000.0 - DAY)
    store.close()

    async def main():
        async with running_hub(tmp_path) as fx:
            assert [r["id"] for r in fx.hub.callbacks.store.all()] == [keep]
    run(main())
