# SPDX-License-Identifier: Apache-2.0
"""The monitor loop on the in-process simulator; open_smartcard selection; the config key."""
from __future__ import annotations

import time

import pytest
from sc_helpers import EventLog, wait_state

from drivers.base import DeviceState
from drivers.smartcard import CardKind, errors as X, open_smartcard
from drivers.smartcard import simulator as S
from drivers.smartcard.selftest import run_self_test

FAST = dict(poll=0.05, plug_hold=0.15, retry=0.05)


@pytest.fixture
def make():
    made = []

    def _make(uri="sim://", badges=(), **opts):
        r = open_smartcard("smartcard", uri, staff_badges=badges, **{**FAST, **opts})
        log = EventLog()
        r.subscribe(log)
        made.append(r)
        return r, r.simulator, log
    yield _make
    for r in made:
        r.close()


def test_events_kinds_and_staff_badge(make):
    """GIVEN sim:// WHEN badge, ssc, locked ssc and mute cards come and go THEN the matching events."""
    r, sim, log = make(badges=["uid:04A1B2C3D4=W017"])
    assert r.state is DeviceState.READY and r.current_card is None
    sim.insert_card("badge")
    card = log.wait("card_inserted").data["card"]
    assert r.is_staff_badge(card) == "W017" and card.kind == CardKind.STORAGE
    sim.remove_card()
    assert log.wait("card_removed").data == {"reason": "removed"}
    m = log.mark()
    sim.insert_card(S.SimCard(S.ATR_SSC, ssc_number="D00000017", ef05_locked=True))
    card = log.wait("card_inserted", after=m).data["card"]
    assert card.kind == CardKind.SOCIAL_SECURITY and card.ssc_number is None and card.uid is None
    sim.remove_card()
    m = log.mark()
    sim.insert_card("mute")
    assert log.wait("card_read_failed", after=m).data["error"].error is X.SC_CARD_MUTE
    assert r.current_card is None and r.is_staff_badge(None) is None


def test_wait_for_card_and_timeout(make):
    r, sim, _ = make()
    from drivers.base import DeviceError
    with pytest.raises(DeviceError) as info:
        r.wait_for_card(0.1)
    assert info.value.error is X.SC_NO_CARD
    sim.insert_card("ssc")
    assert r.wait_for_card(2).ssc_number == "D00000017"


def test_quick_service_restart_does_not_flicker_state(make):
    """GIVEN READY WHEN pcscd restarts within plug_hold THEN no ABSENT, the card is re-reported."""
    r, sim, log = make(plug_hold=0.5)
    sim.insert_card("cpu")
    log.wait("card_inserted")
    m = log.mark()
    sim.restart_service(down_for=0.05)
    assert log.wait("card_removed", after=m).data["reason"] == "reader_lost"
    log.wait("card_inserted", after=m)
    assert not [e for e in log.events[m:] if e.kind == "state_changed" and e.data["state"] is DeviceState.ABSENT]


def test_long_outage_unplug_and_replug(make):
    r, sim, log = make()
    sim.stop_service()
    wait_state(r, DeviceState.ABSENT)
    assert r.last_error.error is X.SC_NO_SERVICE
    sim.start_service()
    wait_state(r, DeviceState.READY)
    sim.unplug()
    wait_state(r, DeviceState.ABSENT)
    assert r.last_error.error is X.SC_READER_ABSENT
    sim.plug()
    wait_state(r, DeviceState.READY)
    sim.insert_card("badge")
    log.wait("card_inserted")


def test_card_removed_during_read_is_a_read_failure_not_a_crash(make):
    r, sim, log = make()
    real = sim.transmit

    def vanish(handle, proto, command):
        sim.remove_card()
        return real(handle, proto, command)
    sim.transmit = vanish
    sim.insert_card("badge")
    assert log.wait("card_read_failed").data["error"].error is X.SC_CARD_REMOVED
    log.wait("card_removed")
    assert r.state is DeviceState.READY


@pytest.mark.parametrize("uri,opts,code", [
    ("usb://x", {}, X.SC_UNKNOWN_SCHEME), ("no-scheme", {}, X.SC_BAD_URI),
    ("sim://?colour=red", {}, X.SC_BAD_URI), ("sim://?card=nope", {}, X.SC_BAD_URI),
    ("sim://", {"speed": 1}, X.SC_BAD_URI), ("pcsc://", {"badges": ["x"]}, X.SC_BAD_URI),
])
def test_open_smartcard_faults_with_a_reason(uri, opts, code):
    r = open_smartcard("smartcard", uri, **opts)
    assert r.state is DeviceState.FAULT and r.last_error.error is code
    r.close()


def test_bad_badge_and_missing_pyscard_are_faults(monkeypatch):
    r = open_smartcard("smartcard", "sim://", staff_badges=["uid:XYZ"])
    assert r.state is DeviceState.FAULT and r.last_error.error is X.SC_BAD_STAFF_BADGE
    from drivers.smartcard import pcsc_backend
    monkeypatch.setattr(pcsc_backend, "_scard", None)
    r = open_smartcard("smartcard", "pcsc://")
    assert r.state is DeviceState.FAULT and r.last_error.error is X.SC_BACKEND_START


def test_self_test_on_the_simulator_masks_the_uid():
    lines = run_self_test("sim://", 2, ["uid:04A1B2C3D4"])
    assert lines[-1] == "RESULT: PASS" and "UID: ******C3D4" in lines and "staff badge: yes" in lines
    assert not any("04A1B2C3D4" in line for line in lines)
    assert run_self_test("bogus://", 1)[-1] == "RESULT: FAIL SC_UNKNOWN_SCHEME"


def test_config_staff_badges_key_and_factory(tmp_path):
    """GIVEN a kiosk.toml with staff_badges THEN it validates and the factory builds a READY reader."""
    from kiosk import config, devices
    f = tmp_path / "kiosk.toml"
    f.write_text('[devices.smartcard]\nuri = "sim://?card=badge"\nstaff_badges = ["uid:04A1B2C3D4=W017"]\n')
    cfg = config.load(f)
    dev = devices.create("smartcard", cfg.devices()["smartcard"])
    assert dev.state is DeviceState.ABSENT        # built, not opened: the kiosk opens devices off the UI thread
    dev.open()
    try:
        card = dev.wait_for_card(5.0)        # the simulator's poll thread reports the card
        assert dev.state is DeviceState.READY and dev.is_staff_badge(card) == "W017"
    finally:
        dev.close()
    f.write_text('[devices.smartcard]\nstaff_badges = ["nfc:04"]\n')
    with pytest.raises(config.ConfigError):
        config.load(f)
    time.sleep(0)
