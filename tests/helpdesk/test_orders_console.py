# SPDX-License-Identifier: Apache-2.0
"""The staff's work-order API on the real hub: logged-in console sessions only; overdue orders
first; assign / reply / close / return done as the logged-in helper and audited; the reply is
what the citizen's 工单查询 page then shows; 差评 waiting for a follow-up are listed."""
import asyncio
import datetime as dt

from helpdesk.orders import OrderStore, upgrade
from helpdesk_testkit import HubFixture

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def order(n, deadline):
    return {"id": f"rec{n:04d}", "category": "求助", "description": f"问题{n}", "phone": "13912345678",
            "deadline": deadline}


def test_staff_work_the_orders_and_the_citizen_sees_the_reply(tmp_path):
    async def go():
        url = f"sqlite:///{tmp_path / 'orders.db'}"
        await asyncio.to_thread(upgrade, url)
        fx = HubFixture(tmp_path)
        fx.orders = OrderStore(url)
        fx.add_helpers(1)
        await fx.start()
        try:
            s = fx.orders
            done = s.submit_order(order(1, "2020-01-02"), "EHALL-01", NOW)
            s.act(done.id, "h00", "close")
            later = s.submit_order(order(2, "2099-12-31"), "EHALL-01", NOW)
            late = s.submit_order(order(3, "2020-01-03"), "EHALL-02", NOW)
            s.rate({"id": "rate1", "score": 1, "reasons": ["态度差"]}, "EHALL-01", NOW)
            s.rate({"id": "rate2", "score": 5}, "EHALL-01", NOW)
            auth = {"Authorization": f"Bearer {fx.tokens['h00']}"}
            api = fx.server.make_url

            async with fx.session.get(api("/api/orders")) as r:
                assert r.status == 401
            async with fx.session.post(api(f"/api/orders/{late.id}/close")) as r:
                assert r.status == 401
            async with fx.session.get(api("/api/orders"), headers=auth) as r:
                rows = (await r.json())["orders"]
            assert [(o["number"], o["overdue"]) for o in rows] == [
                (late.number, True), (later.number, False), (done.number, False)]
            async with fx.session.post(api(f"/api/orders/{late.id}/assign"), headers=auth, json={}) as r:
                assert r.status == 400 and (await r.json())["error"] == "detail: assign needs a helper"
            async with fx.session.post(api(f"/api/orders/{late.id}/assign"), headers=auth,
                                       json={"detail": "h00"}) as r:
                assert (await r.json())["status"] == "assigned"
            async with fx.session.post(api(f"/api/orders/{late.id}/reply"), headers=auth,
                                       json={"detail": "请到<3号>窗口"}) as r:
                shown = await r.json()
            assert shown["status"] == "replied" and shown["phone"] == "13912345678" and "code_hash" not in shown
            assert [(e["actor"], e["action"]) for e in shown["history"]] == [
                ("kiosk:EHALL-02", "submitted"), ("h00", "assign"), ("h00", "reply")]
            async with fx.session.post(api(f"/api/orders/{late.id}/delete"), headers=auth) as r:
                assert r.status == 400
            async with fx.session.get(api("/api/orders/nope"), headers=auth) as r:
                assert r.status == 404
            async with fx.session.get(api("/orders/status"),
                                      params={"number": late.number, "code": late.code}) as r:
                assert '<dd id="reply">请到&lt;3号&gt;窗口</dd>' in await r.text()
            async with fx.session.get(api("/api/ratings/follow-ups"), headers=auth) as r:
                ups = (await r.json())["follow_ups"]
            assert [(u["id"], u["score"], u["reasons"]) for u in ups] == [("rate1", 1, ["态度差"])]
        finally:
            await fx.stop()
    run(go())
