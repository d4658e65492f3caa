# SPDX-License-Identifier: Apache-2.0
"""The hub in-process over real WebSockets on 127.0.0.1: 18 helpers, 20+ kiosks.

Time is the injected clock; the tests call ``hub.tick()`` where the hub's
periodic task would. The only waits are for messages, each with a deadline.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

from helpdesk_testkit import HubFixture, running_hub


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


async def hall(fx, n_helpers=18):
    """n helpers log in and become available one second apart (h00 idle longest)."""
    names = fx.add_helpers(n_helpers)
    helpers = {}
    for name in names:
        helpers[name] = await fx.helper(name)
        fx.clock.t += 1
    return helpers


def test_eighteen_helpers_twenty_two_kiosks_full_flow(tmp_path):
    """GIVEN 18 available helpers WHEN 22 kiosks ask one second apart THEN the first 18
    ring the helpers in idle order, the other 4 queue with positions and estimates;
    accepted calls relay signal and chat only between the pair; a hang-up frees the
    helper and rings the head of the queue; a cancel moves the others up."""
    async def main():
        async with running_hub(tmp_path, ring_seconds=15, max_wait_seconds=600,
                               turn_secret="s3cret",
                               ice_servers=[{"urls": ["turn:127.0.0.1:3478"]}]) as fx:
            helpers = await hall(fx)
            kiosks = {}
            for i in range(22):
                k = kiosks[f"K{i:02d}"] = await fx.kiosk(f"K{i:02d}")
                await k.send(type="request", terminal_id=f"K{i:02d}",
                             terminal_name=f"{i}号机", large_text=False)
                await k.expect("welcome")
                fx.clock.t += 1
            rings = {}
            for i in range(18):
                kr = await kiosks[f"K{i:02d}"].expect("ringing")
                assert kr["ice_servers"][0]["username"].endswith(f":kiosk-K{i:02d}")
                ring = await helpers[f"h{i:02d}"].expect("ring", terminal_id=f"K{i:02d}")
                assert ring["terminal_name"] == f"{i}号机" and ring["ring_s"] == 15
                rings[i] = ring
            queued = {}
            for i, pos in zip(range(18, 22), range(1, 5)):
                q = queued[i] = await kiosks[f"K{i:02d}"].expect("queued", position=pos)
                assert q["estimate_s"] > 0 and q["helpers_available"] == 0
            for name, h in helpers.items():
                assert len([m for m in h.inbox if m["type"] == "ring"]) == 1, name
            # all 18 accept
            for i in range(18):
                await helpers[f"h{i:02d}"].send(type="accept", request_id=rings[i]["request_id"])
            for i in range(18):
                c = await kiosks[f"K{i:02d}"].expect("connected")
                assert c["helper"] == f"帮办h{i:02d}"
                user, cred = c["ice_servers"][0]["username"], c["ice_servers"][0]["credential"]
                assert user == f"{int(fx.clock.t) + 3600}:kiosk-K{i:02d}"
                want = base64.b64encode(hmac.new(b"s3cret", user.encode(), hashlib.sha1).digest())
                assert cred == want.decode()
                hc = await helpers[f"h{i:02d}"].expect("connected", terminal_id=f"K{i:02d}")
                assert hc["ice_servers"][0]["username"].endswith(f":helper-h{i:02d}")
            # signal + chat relayed only between the pair
            await kiosks["K03"].send(type="signal", data={"sdp": {"type": "offer", "sdp": "v=0"}})
            sig = await helpers["h03"].expect("signal")
            assert sig == {"type": "signal", "from": "kiosk",
                           "data": {"sdp": {"type": "offer", "sdp": "v=0"}}}
            await helpers["h03"].send(type="signal", data={"candidate": "c1"})
            assert (await kiosks["K03"].expect("signal"))["data"] == {"candidate": "c1"}
            await helpers["h03"].send(type="chat", text="您好，请把身份证放到读卡区")
            assert (await kiosks["K03"].expect("chat"))["text"] == "您好，请把身份证放到读卡区"
            await kiosks["K19"].send(type="signal", data={})
            assert (await kiosks["K19"].expect("error"))["code"] == "no_call"
            for name, h in helpers.items():
                assert not h.unread("signal") or name == "h03"
            # hang-up: helper h05 free → longest-waiting queued kiosk K18 rings h05
            fx.clock.t += 90
            await helpers["h05"].send(type="hangup")
            ended = await kiosks["K05"].expect("ended")
            assert ended["by"] == "helper" and ended["reason"] == "hangup"
            await helpers["h05"].expect("ended")
            await helpers["h05"].expect("ring", terminal_id="K18")
            await kiosks["K18"].expect("ringing")
            # K19 moves up to 1; K20 cancels; K21 moves up to 2 then 1... in order
            await kiosks["K19"].expect("queued", position=1)
            await kiosks["K20"].send(type="cancel")
            await kiosks["K20"].expect("ended", reason="cancelled")
            await kiosks["K21"].expect("queued", position=2)
            # wrap-up note lands in the call record
            await helpers["h05"].send(type="wrapup", note="已协助完成社保查询",
                                      request_id=rings[5]["request_id"])
            await helpers["h05"].expect("wrapup_saved")
            rows = {r["request_id"]: r for r in fx.hub.calllog.recent(100)}
            rec = rows[rings[5]["request_id"]]
            assert (rec["helper"], rec["terminal_id"], rec["outcome"]) == ("h05", "K05", "completed")
            assert rec["ended_at"] - rec["answered_at"] == 90 and rec["note"] == "已协助完成社保查询"
            assert rows[queued[20]["request_id"]]["outcome"] == "cancelled"
            assert await (await fx.session.get(fx.server.make_url("/healthz"))).json() == \
                {"status": "ok"}                                   # nothing for strangers
            health = await (await fx.session.get(fx.server.make_url("/api/status"), headers={
                "Authorization": f"Bearer {fx.tokens['h00']}"})).json()
            assert health["helpers"] == {"busy": 17, "ringing": 1} and health["queued"] == 2
    run(main())


def test_missed_ring_sets_away_and_rings_next_then_no_helper(tmp_path):
    """Missed 15 s ring → away + next helper; declines exhaust the rest → no_helper."""
    async def main():
        async with running_hub(tmp_path, ring_seconds=15) as fx:
            helpers = await hall(fx, 3)
            k = await fx.kiosk("K1")
            await k.send(type="request", terminal_id="K1")
            r0 = await helpers["h00"].expect("ring")
            fx.tick(14.9)
            assert not helpers["h01"].unread("ring")
            fx.tick(0.1)
            await helpers["h00"].expect("ring_cancelled", reason="missed")
            await helpers["h00"].expect("presence", state="away")
            r1 = await helpers["h01"].expect("ring")
            assert r1["request_id"] == r0["request_id"] and r1["waited_s"] == 15
            await helpers["h01"].send(type="decline", request_id=r1["request_id"])
            r2 = await helpers["h02"].expect("ring")
            await helpers["h02"].send(type="decline", request_id=r2["request_id"])
            assert (await k.expect("no_helper"))["reason"] == "all_tried"
            # h00 comes back: the request is gone, nobody rings h00 twice
            await helpers["h00"].send(type="presence", state="available")
            await helpers["h00"].expect("presence", state="available")
            assert not helpers["h00"].unread("ring")
    run(main())


def test_no_helper_online_and_max_wait_timeout(tmp_path):
    async def main():
        async with running_hub(tmp_path, max_wait_seconds=120) as fx:
            k = await fx.kiosk("K1")
            await k.send(type="request", terminal_id="K1", large_text=True)
            assert (await k.expect("no_helper"))["reason"] == "none_online"
            helpers = await hall(fx, 1)
            await k.send(type="request", terminal_id="K1")
            await helpers["h00"].send(type="accept",
                                      request_id=(await helpers["h00"].expect("ring"))["request_id"])
            k2 = await fx.kiosk("K2")
            await k2.send(type="request", terminal_id="K2")
            await k2.expect("queued", position=1)
            fx.tick(119)
            assert not k2.unread("timeout")
            fx.tick(1)
            assert (await k2.expect("timeout"))["waited_s"] == 120
            rows = {r["terminal_id"]: r for r in fx.hub.calllog.recent()}
            assert rows["K2"]["outcome"] == "timeout"
    run(main())


def test_elder_overtakes_gradually_over_websockets(tmp_path):
    """An elder who asked 10 s after a normal kiosk is behind at first, ahead after
    their waiting × 1.5 exceeds the other's (here from t = 30 s)."""
    async def main():
        async with running_hub(tmp_path, elder_factor=1.5, max_wait_seconds=1000) as fx:
            helpers = await hall(fx, 1)
            busy = await fx.kiosk("B")
            await busy.send(type="request", terminal_id="B")
            rid = (await helpers["h00"].expect("ring"))["request_id"]
            await helpers["h00"].send(type="accept", request_id=rid)
            await busy.expect("connected")
            n, e = await fx.kiosk("N"), await fx.kiosk("E")
            await n.send(type="request", terminal_id="N")
            await n.expect("queued", position=1)
            fx.clock.t += 10
            await e.send(type="request", terminal_id="E", large_text=True)
            await e.expect("queued", position=2)
            fx.tick(19)                       # N waited 29, E 19 × 1.5 = 28.5
            fx.tick(2)                        # N 31, E 21 × 1.5 = 31.5
            await e.expect("queued", position=1)
            await n.expect("queued", position=2)
            await helpers["h00"].send(type="hangup")
            ring = await helpers["h00"].expect("ring")
            assert ring["terminal_id"] == "E" and ring["large_text"] is True
    run(main())


def test_drops_tell_the_other_side(tmp_path):
    """Helper drops while ringing → next helper; helper drops in a call → kiosk told;
    kiosk drops while ringing or in a call → helper told and free again."""
    async def main():
        async with running_hub(tmp_path) as fx:
            helpers = await hall(fx, 3)
            k1 = await fx.kiosk("K1")
            await k1.send(type="request", terminal_id="K1")
            await helpers["h00"].expect("ring")
            await helpers["h00"].close()
            r = await helpers["h01"].expect("ring", terminal_id="K1")
            await helpers["h01"].send(type="accept", request_id=r["request_id"])
            await k1.expect("connected")
            await helpers["h01"].close()
            assert (await k1.expect("ended"))["reason"] == "peer_disconnected"
            k2 = await fx.kiosk("K2")
            await k2.send(type="request", terminal_id="K2")
            await helpers["h02"].expect("ring", terminal_id="K2")
            await k2.close()
            await helpers["h02"].expect("ring_cancelled", reason="kiosk_left")
            await helpers["h02"].expect("presence", state="available")
            k3 = await fx.kiosk("K3")
            await k3.send(type="request", terminal_id="K3")
            r = await helpers["h02"].expect("ring", terminal_id="K3")
            await helpers["h02"].send(type="accept", request_id=r["request_id"])
            await k3.expect("connected")
            await k3.close()
            assert (await helpers["h02"].expect("ended"))["reason"] == "peer_disconnected"
            await helpers["h02"].expect("presence", state="available")
            outcomes = sorted(r["outcome"] for r in fx.hub.calllog.recent())
            assert outcomes == ["helper_dropped", "kiosk_dropped", "kiosk_dropped"]
    run(main())


def test_periodic_task_drives_timers_from_the_injected_clock(tmp_path):
    """The hub's own ticker calls tick(); with the clock moved 15 s the ring is
    missed on the next tick, with no sleeping in the test."""
    async def main():
        fx = HubFixture(tmp_path, ring_seconds=15)
        fx.tick_interval = 0.01
        fx.add_helpers(2)
        await fx.start()
        try:
            h0, h1 = await fx.helper("h00"), None
            fx.clock.t += 1
            h1 = await fx.helper("h01")
            k = await fx.kiosk("K1")
            await k.send(type="request", terminal_id="K1", requested_at=float("nan"))
            assert (await k.expect("error"))["code"] == "bad_message"     # NaN is no time
            await k.send(type="request", terminal_id="K1")
            await h0.expect("ring")
            assert not h0.unread("ring_cancelled")
            fx.clock.t += 15
            await h0.expect("ring_cancelled", reason="missed")
            await h1.expect("ring", terminal_id="K1")
        finally:
            await fx.stop()
    run(main())
