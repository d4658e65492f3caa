# SPDX-License-Identifier: Apache-2.0
"""查看我的工单 on the hub's records API (issue 11): ``POST /api/records/mine`` with a kiosk's token
answers the orders filed with that citizen tag (number, category, status, deadline, replied;
nothing personal); a bad tag or token gets a clear answer; five answers without an order from one
terminal in ten minutes are followed by 429, even for a tag that has orders."""
import asyncio
import json

from helpdesk.orders import OrderStore, upgrade
from helpdesk_testkit import HubFixture
from kiosk.citizen_tag import citizen_tag, new_tag_key

KEY = new_tag_key()
MINE = citizen_tag("370102199001011234", KEY)


def test_the_hub_answers_a_tag_with_that_citizens_orders_and_throttles_misses(tmp_path):
    asyncio.run(asyncio.wait_for(_mine(tmp_path), 60))


async def _mine(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    await asyncio.to_thread(upgrade, url)
    fx = HubFixture(tmp_path)
    fx.orders = OrderStore(url)
    await fx.start()
    try:
        fx.register_kiosk("EHALL-01")
        fx.register_kiosk("EHALL-02")
        receipt = fx.orders.submit_order({"id": "r1", "category": "投诉", "description": "窗口排队太久",
                                          "phone": "13912345678", "name_masked": "张*三", "citizen_tag": MINE},
                                         "EHALL-01")
        fx.orders.submit_order({"id": "r2", "category": "咨询", "description": "社保卡", "phone": "13912345678"},
                               "EHALL-01")

        async def post(body, terminal="EHALL-01", token=None):
            headers = {"Authorization": f"Bearer {token or fx.kiosk_tokens[terminal]}", "X-Ehall-Terminal": terminal,
                       "Content-Type": "application/json"}
            async with fx.session.post(fx.server.make_url("/api/records/mine"), data=json.dumps(body).encode(),
                                       headers=headers) as r:
                return r.status, await r.json()

        status, answer = await post({"tag": MINE})
        assert status == 200 and answer["orders"] == [{
            "number": receipt.number, "category": "投诉", "status": "submitted", "words": "已受理，等待分派",
            "deadline": receipt.deadline.isoformat(), "replied": False}]
        assert "13912345678" not in json.dumps(answer, ensure_ascii=False) and "张*三" not in json.dumps(answer)
        assert (await post({"tag": "370102199001011234"}))[0] == 400       # a number is not a tag
        assert (await post({"tag": MINE}, token="wrong"))[0] == 401
        for n in range(5):                                                # tags without orders
            status, answer = await post({"tag": citizen_tag(f"11010119900101{n:04d}", KEY)})
            assert status == 200 and answer["orders"] == []
        status, answer = await post({"tag": MINE})
        assert status == 429 and "card lookups" in answer["error"]
        status, answer = await post({"tag": MINE}, terminal="EHALL-02")   # per terminal
        assert status == 200 and len(answer["orders"]) == 1
    finally:
        await fx.stop()
