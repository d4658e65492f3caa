# SPDX-License-Identifier: Apache-2.0
"""The kiosk side of kiosk registration: a refused terminal shows 呼叫帮办 as unavailable,
says why once in the log, keeps retrying slowly and recovers without a restart.

A real hub in its own thread (assist_testkit.HubThread), the real AssistService and
HubClient over WebSockets on 127.0.0.1; only the retry delays are shortened.
"""
from __future__ import annotations

import logging
import time

import pytest

from assist_testkit import TEST_TOKEN, HubThread, kiosk_config, started_services, wait_state
from kiosk.assist.callback import CallbackError

LINE = "hub refused this terminal: not registered or wrong token; see docs/helpdesk.md"
FAST = dict(backoff_first_s=0.05, backoff_max_s=0.3)


@pytest.fixture
def hub(tmp_path):
    h = HubThread(tmp_path).start()
    h.run(_fast_checks(h))
    yield h
    h.close()


async def _fast_checks(h):
    h.hub.gate.check_s = 0.1            # the hub notices `kiosks disable` within a tick


@pytest.fixture
def service_for():
    with started_services(**FAST) as make:
        yield make


def refusals(caplog) -> int:
    return sum(LINE in r.getMessage() for r in caplog.records)


def retries(caplog, at_least: int, timeout: float = 3.0) -> list[float]:
    """Waits (with a deadline) for the client's "refused again" retries; their times."""
    end = time.monotonic() + timeout
    while True:
        times = [r.created for r in caplog.records if "refused this terminal again" in r.getMessage()]
        if len(times) >= at_least or time.monotonic() > end:
            assert len(times) >= at_least, f"{len(times)} retries in {timeout} s"
            return times
        time.sleep(0.02)


def test_unregistered_terminal_is_unavailable_then_recovers_when_registered(
        hub, service_for, tmp_path, caplog):
    """GIVEN a kiosk whose token file holds a token the hub does not know WHEN it starts
    THEN it ends "unavailable" (reason kiosk_unauthorized) with one clear log line while
    it keeps retrying, and a call attempt says unavailable at once; WHEN the admin registers
    the terminal and puts the new token in the file THEN it links up by itself, "idle"."""
    caplog.set_level(logging.DEBUG, logger="kiosk.assist")
    token_file = tmp_path / "hub-token"
    token_file.write_text("not-the-right-token-0123456789\n", encoding="ascii")
    s = service_for(kiosk_config(hub.url, **{"hall.terminal_id": "EHALL-NEW",
                                             "assist.hub_token": "",
                                             "assist.hub_token_file": str(token_file)}))
    st = wait_state(s, "unavailable", timeout=3)
    assert st.reason == "kiosk_unauthorized" and not st.linked
    retries(caplog, 2)
    assert refusals(caplog) == 1                     # said once, not at every retry
    assert "EHALL-NEW" in caplog.text and "not-the-right-token" not in caplog.text
    s.request(False).result(2)
    assert s.state == "unavailable"                  # at once, not after link_lost_s
    with pytest.raises(CallbackError):
        s.request_callback("13812345678").result(2)
    token, rotated = hub.kiosks.add("EHALL-NEW")     # what `kiosks add EHALL-NEW` does
    assert not rotated
    token_file.write_text(token + "\n", encoding="ascii")
    st = wait_state(s, lambda st: st.linked and st.state == "idle", timeout=3)
    assert st.reason is None and "accepts this terminal" in caplog.text
    helper = hub.helper()
    helper.send(type="presence", state="available")
    s.request(False)
    helper.expect("ring", terminal_id="EHALL-NEW")
    wait_state(s, "ringing")


def test_disabled_while_waiting_is_unavailable_and_enable_recovers(hub, service_for, caplog):
    """GIVEN a linked kiosk waiting in the queue WHEN the admin disables it THEN the hub
    drops it and the wait ends "unavailable" (the fallback screen's case) and stays so;
    WHEN it is enabled again THEN the kiosk is back to "idle" by itself."""
    caplog.set_level(logging.INFO, logger="kiosk.assist")
    hub.hub.router.rules.startup_grace_s = 600       # nobody online: the request stays queued
    hub.hub.router.started_at = time.time()
    s = service_for(kiosk_config(hub.url))
    wait_state(s, lambda st: st.linked)
    s.request(False)
    wait_state(s, "queued")
    hub.kiosks.disable("EHALL-T1")
    st = wait_state(s, "unavailable", timeout=3)
    assert st.reason == "kiosk_unauthorized" and st.position is None
    s.dismiss().result(2)
    assert s.state == "unavailable" and refusals(caplog) == 1
    s.wipe()                                         # the session ends: still unavailable
    assert s.state == "unavailable"
    hub.kiosks.enable("EHALL-T1")
    wait_state(s, lambda st: st.linked and st.state == "idle", timeout=3)
    assert TEST_TOKEN not in caplog.text


def test_wrong_token_config_is_refused_and_not_retried_fast(hub, service_for, caplog):
    """A wrong assist.hub_token: refused, and retried only every backoff_max_s."""
    caplog.set_level(logging.DEBUG, logger="kiosk.assist")
    s = service_for(kiosk_config(hub.url, **{"assist.hub_token": "w" * 43}),
                    backoff_first_s=0.01, backoff_max_s=0.4)
    wait_state(s, "unavailable", timeout=3)
    times = retries(caplog, 3)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.35 and refusals(caplog) == 1    # the slow pace from the first refusal
