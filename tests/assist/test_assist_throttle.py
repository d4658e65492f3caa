# SPDX-License-Identifier: Apache-2.0
"""The kiosk side of the hub's per-address throttle: ``kiosk_throttled`` is a refusal
like ``kiosk_unauthorized`` (呼叫帮办 unavailable, one log line, slow retries), and the
kiosk waits the hub's ``retry_after_s`` before it tries again.

A real hub in its own thread (assist_testkit.HubThread) with a short throttle window,
the real AssistService and HubClient over WebSockets on 127.0.0.1.
"""
from __future__ import annotations

import logging
import time

import aiohttp
import pytest

from assist_testkit import TEST_TOKEN, HubThread, kiosk_config, wait_state
from kiosk.assist import AssistService

THROTTLED_LINE = "hub refuses connections from this kiosk's address for now"
REFUSED_LINE = "hub refused this terminal: not registered or wrong token"


@pytest.fixture
def hub(tmp_path):
    h = HubThread(tmp_path, kiosk_refusals_before_throttle=2, kiosk_throttle_seconds=1.0).start()
    h.hub.gate.hold_s = 0.05
    yield h
    h.close()


async def _refused_twice(h: HubThread) -> list[str]:
    """Another device at the kiosk's address (127.0.0.1): two wrong tokens."""
    codes = []
    for _ in range(2):
        async with h.session.ws_connect(f"{h.http}/ws/kiosk",
                                        headers={"Authorization": "Bearer " + "x" * 43}) as ws:
            await ws.send_json({"type": "hello", "terminal_id": "OTHER"})
            msg = await ws.receive(timeout=5)
            assert msg.type == aiohttp.WSMsgType.TEXT
            codes.append(msg.json()["code"])
    return codes


def test_throttled_kiosk_is_unavailable_waits_retry_after_and_recovers(hub, caplog):
    """GIVEN the kiosk's address was throttled by another device WHEN the genuine kiosk
    connects THEN it shows unavailable (reason kiosk_unauthorized), logs one line that says
    why, does not retry before retry_after_s (1 s, though its own backoff is 0.3 s), and
    links up by itself once the window has passed."""
    caplog.set_level(logging.DEBUG, logger="kiosk.assist")
    assert hub.run(_refused_twice(hub)) == ["kiosk_unauthorized"] * 2
    s = AssistService(kiosk_config(hub.url), backoff_first_s=0.05, backoff_max_s=0.3)
    s.start()
    try:
        st = wait_state(s, "unavailable", timeout=3)
        refused_at = time.monotonic()
        assert st.reason == "kiosk_unauthorized" and not st.linked
        st = wait_state(s, lambda st: st.linked and st.state == "idle", timeout=5)
        assert time.monotonic() - refused_at >= 0.8          # retry_after_s, not 0.3 s
        assert st.reason is None and "accepts this terminal" in caplog.text
        lines = [r.getMessage() for r in caplog.records]
        assert sum(THROTTLED_LINE in m for m in lines) == 1
        assert sum("refused this terminal again" in m for m in lines) == 1   # one try, waited
        assert not any(REFUSED_LINE in m for m in lines)
        assert not any("assist hub error" in m for m in lines)
        assert TEST_TOKEN not in caplog.text
    finally:
        s.stop()
