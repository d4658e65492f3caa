# SPDX-License-Identifier: Apache-2.0
"""The helper's pointer (请点这里) through the hub over real WebSockets: a point reaches only the
kiosk of the sender's call, with numbers 0..1 and an id; anything else is refused with the
field named; a burst beyond the limit is refused; the kiosk's point_shown goes back to that
call's helper only. Time is the injected clock."""
from __future__ import annotations

import asyncio

import pytest

from helpdesk.pointer import WINDOW_S
from helpdesk_testkit import running_hub


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


async def in_call(fx, helper: str, terminal: str):
    """A kiosk rings ``helper`` (the only available one) and the helper accepts."""
    h = await fx.helper(helper)
    k = await fx.kiosk(terminal)
    await k.send(type="request", terminal_id=terminal, large_text=False)
    ring = await h.expect("ring", terminal_id=terminal)
    await h.send(type="accept", request_id=ring["request_id"])
    await k.expect("connected")
    await h.expect("connected")
    return h, k


def test_point_goes_to_the_call_kiosk_and_the_answer_back(tmp_path):
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(3)
            h0, k0 = await in_call(fx, "h00", "K00")
            h1, k1 = await in_call(fx, "h01", "K01")
            bystander = await fx.helper("h02")

            await h0.send(type="point", id=7, x=0.25, y=1)
            got = await k0.expect("point")
            assert got == {"type": "point", "from": "helper", "id": 7, "x": 0.25, "y": 1.0}
            await k0.send(type="point_shown", id=7)
            assert (await h0.expect("point_shown")) == {"type": "point_shown", "from": "kiosk", "id": 7}

            # a helper who is not in a call, or a kiosk's answer, reaches nobody else
            await bystander.send(type="point", id=1, x=0.5, y=0.5)
            assert (await bystander.expect("error", in_reply_to="point"))["code"] == "no_call"
            await h1.send(type="point", id=2, x=0.1, y=0.9)
            assert (await k1.expect("point"))["id"] == 2
            assert [m["id"] for m in k0.unread("point")] == []        # K00 got only its own
            assert h1.unread("point_shown") == [] and h0.unread("point_shown") == []
    run(main())


def test_bad_points_are_refused_naming_the_field(tmp_path):
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            h, k = await in_call(fx, "h00", "K00")
            bad = [({"x": -0.01, "y": 0.5}, "x"), ({"x": 0.5, "y": 1.0001}, "y"),
                   ({"x": "0.5", "y": 0.5}, "x"), ({"x": True, "y": 0.5}, "x"),
                   ({"x": 0.5}, "y"), ({"x": 0.5, "y": 0.5, "id": 0}, "id"),
                   ({"x": 0.5, "y": 0.5, "id": 1.5}, "id"), ({"x": 0.5, "y": 0.5, "id": 2 ** 31}, "id")]
            for fields, named in bad:
                await h.send(type="point", **{"id": 3, **fields})
                err = await h.expect("error", in_reply_to="point")
                assert err["code"] == "bad_message" and f"{named} must" in err["message"], (fields, err)
            await k.send(type="point_shown", id="3")
            assert (await k.expect("error", in_reply_to="point_shown"))["code"] == "bad_message"
            # the socket goes on: a good point still arrives, and it is the only one
            await h.send(type="point", id=4, x=0, y=0)
            assert (await k.expect("point"))["id"] == 4
            assert k.unread("point") == []
    run(main())


@pytest.mark.parametrize("limit", [None, 3])
def test_points_are_rate_limited_per_helper(tmp_path, limit):
    """At most points_per_10_seconds (default 10; a hall may set its own) from one helper in 10 s."""
    per_window = limit or 10

    async def main():
        async with running_hub(tmp_path, **({"points_per_10_seconds": limit} if limit else {})) as fx:
            fx.add_helpers(1)
            h, k = await in_call(fx, "h00", "K00")
            for n in range(1, per_window + 2):
                await h.send(type="point", id=n, x=0.5, y=0.5)
            err = await h.expect("error", in_reply_to="point")
            assert err["code"] == "rate_limited"
            await k.expect("point", id=per_window)
            assert [m for m in k.unread("point") if m["id"] > per_window] == []
            fx.clock.t += WINDOW_S                    # the window has passed: points go again
            await h.send(type="point", id=99, x=0.5, y=0.5)
            await k.expect("point", id=99)
    run(main())


def test_no_point_after_the_call(tmp_path):
    async def main():
        async with running_hub(tmp_path) as fx:
            fx.add_helpers(1)
            h, k = await in_call(fx, "h00", "K00")
            await h.send(type="hangup")
            await k.expect("ended")
            await h.send(type="point", id=5, x=0.5, y=0.5)
            assert (await h.expect("error", in_reply_to="point"))["code"] == "no_call"
            await k.send(type="point_shown", id=5)
            assert (await k.expect("error", in_reply_to="point_shown"))["code"] == "no_call"
            assert k.unread("point") == [] and h.unread("point_shown") == []
    run(main())


def test_the_points_limit_is_checked_in_the_hub_config():
    from helpdesk.config import ConfigError, parse
    assert parse({"points_per_10_seconds": 20}, "hub.toml").points_per_10_seconds == 20
    for bad in (0, 51, 2.5, "10"):
        with pytest.raises(ConfigError, match="hub.toml: points_per_10_seconds"):
            parse({"points_per_10_seconds": bad}, "hub.toml")
