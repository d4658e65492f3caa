# SPDX-License-Identifier: Apache-2.0
"""The kiosk's outbox posting to the real hub (aiohttp, kiosk tokens, the SQLAlchemy store):
orders and ratings arrive once, in order, and the citizen's 查询码 then shows the status;
a wrong token, a bad record and an oversized body get clear answers and lose nothing."""
import asyncio
import json


from helpdesk.orders import OrderStore, upgrade
from helpdesk_testkit import HubFixture
from kiosk.records.outbox import Outbox, OutboxSender, Record, http_sender, new_key



def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))

ORDER = {"category": "求助", "description": "护照丢了，想问补办流程", "deadline": "2026-12-11", "item_id": "SI-0049"}
RATING = {"score": 2, "reasons": ["等候时间长"], "target_kind": "session"}


async def _hub(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    await asyncio.to_thread(upgrade, url)
    fx = HubFixture(tmp_path)
    fx.orders = OrderStore(url)
    await fx.start()
    return fx


async def _until(condition, what: str, limit: float = 20.0):
    async def wait():
        while not condition():
            await asyncio.sleep(0.02)
    try:
        await asyncio.wait_for(wait(), limit)
    except asyncio.TimeoutError:
        raise AssertionError(f"never: {what}") from None


def test_the_outbox_delivers_to_the_real_hub_and_the_code_shows_the_status(tmp_path):
    run(_delivers(tmp_path))


async def _delivers(tmp_path):
    fx = await _hub(tmp_path)
    try:
        token = fx.register_kiosk("EHALL-01")
        box = Outbox(tmp_path / "outbox.db", new_key())
        answers: dict[str, list] = {}
        send = http_sender(str(fx.server.make_url("/api/records")), "EHALL-01", token,
                           on_answer=lambda rec, ans: answers.setdefault(rec.id, []).append(ans))
        order_id = box.put("order", ORDER, phone="139-1234-5678")
        rating_id = box.put("rating", RATING)
        sender = OutboxSender(box, send, first_pause=0.05).start()
        try:
            await _until(lambda: len(box) == 0, "the outbox emptied")
        finally:
            await asyncio.to_thread(sender.stop)
        [receipt] = answers[order_id]
        assert receipt["ok"] and receipt["deadline"] == "2026-12-11" and len(receipt["code"]) == 10
        assert answers[rating_id] == [{"ok": True, "new": True}]
        listing = fx.orders.listing()
        assert [(o["number"], o["terminal"]) for o in listing] == [(receipt["number"], "EHALL-01")]
        seen = fx.orders.status(receipt["code"])
        assert seen["status"] == "submitted" and seen["number"] == receipt["number"]
        assert [f["score"] for f in fx.orders.follow_ups()] == [2]        # the 差评 awaits a follow-up
        # the same record sent again (the answer was lost): same number, no second order, no new code
        again = await asyncio.to_thread(send, Record(order_id, "order", ORDER, "13912345678", 0.0, 0))
        assert again is True and answers[order_id][1] == {**receipt, "code": None}
        assert len(fx.orders.listing()) == 1
    finally:
        await fx.stop()


def test_refusals_are_clear_and_the_outbox_keeps_the_record(tmp_path):
    run(_refusals(tmp_path))


async def _refusals(tmp_path):
    fx = await _hub(tmp_path)
    try:
        fx.register_kiosk("EHALL-01")
        url = fx.server.make_url("/api/records")
        body = {"id": "a" * 32, "kind": "order", "payload": ORDER, "phone": "13912345678"}

        async def post(payload, **headers):
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            async with fx.session.post(url, data=data, headers={"Content-Type": "application/json", **headers}) as r:
                return r.status, await r.json()

        good = {"Authorization": f"Bearer {fx.kiosk_tokens['EHALL-01']}", "X-Ehall-Terminal": "EHALL-01"}
        assert await post(body) == (401, {"error": "X-Ehall-Terminal: the terminal id is required"})
        status, answer = await post(body, **{**good, "Authorization": "Bearer wrong"})
        assert status == 401 and "token" in answer["error"]
        status, answer = await post({**body, "payload": {**ORDER, "category": "闲聊"}}, **good)
        assert status == 400 and answer["error"].startswith("category:")
        status, answer = await post({**body, "kind": "memo"}, **good)
        assert status == 400 and answer["error"] == "kind: one of order/rating/question"
        status, answer = await post(b"{not json", **good)
        assert status == 400 and answer["error"] == "the body is not JSON"
        status, answer = await post({**body, "payload": {**ORDER, "description": "长" * 20000}}, **good)
        assert status == 413 and "16384" in answer["error"]
        assert fx.orders.listing() == []                                      # nothing half-taken

        box = Outbox(tmp_path / "outbox.db", new_key())
        box.put("order", ORDER, phone="13912345678")
        refused = http_sender(str(url), "EHALL-01", "not-the-token")
        assert await asyncio.to_thread(refused, box.pending()[0]) is False
        assert len(box) == 1                                                   # kept for a later try
        ok = http_sender(str(url), "EHALL-01", fx.kiosk_tokens["EHALL-01"])
        assert await asyncio.to_thread(ok, box.pending()[0]) is True
    finally:
        await fx.stop()


def test_questions_are_taken_once_and_carry_nothing_personal(tmp_path):
    run(_questions(tmp_path))


async def _questions(tmp_path):
    from helpdesk.questions import groups
    fx = await _hub(tmp_path)
    try:
        fx.register_kiosk("EHALL-01")
        url = fx.server.make_url("/api/records")
        good = {"Authorization": f"Bearer {fx.kiosk_tokens['EHALL-01']}", "X-Ehall-Terminal": "EHALL-01",
                "Content-Type": "application/json"}
        question = {"question": "护照139****5678怎么补", "reason": "unsolved", "offered": ["F-1"]}

        async def post(body):
            async with fx.session.post(url, data=json.dumps(body).encode(), headers=good) as r:
                return r.status, await r.json()

        assert await post({"id": "q" * 32, "kind": "question", "payload": question}) == (200, {"ok": True, "new": True})
        assert await post({"id": "q" * 32, "kind": "question", "payload": question}) == (200, {"ok": True, "new": False})
        status, answer = await post({"id": "p" * 32, "kind": "question", "payload": question, "phone": "13912345678"})
        assert status == 400 and answer["error"] == "phone: a question carries none"
        status, answer = await post({"id": "r" * 32, "kind": "question", "payload": {**question, "reason": "x"}})
        assert status == 400 and answer["error"].startswith("reason:")
        status, answer = await post({"id": "s" * 32, "kind": "question", "payload": {**question, "question": " "}})
        assert status == 400 and answer["error"].startswith("question:")
        [group] = groups(fx.orders)
        assert group["count"] == 1 and group["examples"] == ["护照139****5678怎么补"]
    finally:
        await fx.stop()
