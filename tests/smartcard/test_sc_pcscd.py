# SPDX-License-Identifier: Apache-2.0
"""End to end through a real pcscd with the vsmartcard vpcd reader and a scripted virtual card."""
from __future__ import annotations

import pytest
from sc_helpers import EventLog, wait_state
from sc_vpcd import Pcscd, VpcdCard, foreign_pcscd, tools_missing

from drivers.base import DeviceState
from drivers.smartcard import CardKind, errors as X, open_smartcard
from drivers.smartcard import simulator as S

pytestmark = pytest.mark.slow
FAST = dict(poll=0.1, plug_hold=0.3, retry=0.1)
BADGES = ["uid:04A1B2C3D4=W017", "atr:3B6C00005353432D*=ssc-demo"]


@pytest.fixture(scope="module")
def pcscd(tmp_path_factory):
    why = tools_missing()
    if why:
        pytest.fail(why)                 # the README's set-up installs both
    pid = foreign_pcscd()
    if pid:
        pytest.skip(f"another pcscd (pid {pid}) is running; its socket path is fixed, so ours cannot start")
    d = Pcscd(tmp_path_factory.mktemp("pcscd")).start()
    yield d
    d.stop()


@pytest.fixture
def daemon(pcscd):
    if pcscd.proc is None or pcscd.proc.poll() is not None:   # a test stopped or reconfigured it
        pcscd.stop()
        pcscd.start()
    return pcscd


@pytest.fixture
def card(daemon):
    c = VpcdCard(daemon.port)
    yield c
    c.remove()


@pytest.fixture
def reader(daemon):
    made = []

    def make(uri="pcsc://Virtual%20PCD%2000%2000", **opts):
        r = open_smartcard("smartcard", uri, staff_badges=BADGES, **{**FAST, **opts})
        log = EventLog()
        r.subscribe(log)
        made.append(r)
        return r, log
    yield make
    for r in made:
        r.close()


def test_insert_remove_atr_uid_and_staff_badge(reader, card):
    """GIVEN the driver on vpcd WHEN a MIFARE badge is inserted, then removed
    THEN card_inserted carries the ATR, its parsed summary, the UID and the staff id; then card_removed."""
    r, log = reader()
    assert r.state is DeviceState.READY
    card.insert(S.profile("badge"))
    got = log.wait("card_inserted").data["card"]
    assert got.atr == S.ATR_MIFARE_1K and got.reader == "Virtual PCD 00 00"
    assert got.uid == bytes.fromhex("04A1B2C3D4") and got.masked_uid() == "******C3D4"
    assert got.kind == CardKind.STORAGE and got.storage_name == "MIFARE Classic 1K"
    assert got.atr_info.protocols == (0, 1) and got.atr_info.tck_ok is True
    assert got.staff_id == "W017" and r.is_staff_badge(got) == "W017"
    assert "04A1B2C3D4" not in repr(got)
    card.remove()
    assert log.wait("card_removed").data["reason"] == "removed"
    assert r.current_card is None


def test_unknown_card_without_uid_and_ssc_card(reader, card):
    """GIVEN a processor card with no UID support, then a social-security card
    THEN the first is PROCESSOR, uid None, not staff; the second has its card number and matches an ATR rule."""
    r, log = reader()
    card.insert(S.profile("cpu"))
    got = log.wait("card_inserted").data["card"]
    assert got.kind == CardKind.PROCESSOR and got.uid is None and r.is_staff_badge(got) is None
    card.remove()
    log.wait("card_removed")
    mark = log.mark()
    card.insert(S.profile("ssc"))
    got = log.wait("card_inserted", after=mark).data["card"]
    assert got.kind == CardKind.SOCIAL_SECURITY and got.ssc_number == "D00000017"
    assert r.is_staff_badge(got) == "ssc-demo"
    assert bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF") in card.apdus


def test_first_reader_and_prefix_uri(reader, card):
    """GIVEN pcsc:// and pcsc://Virtual THEN both pick 'Virtual PCD 00 00' and see the card."""
    card.insert(S.profile("mifare"))
    for uri in ("pcsc://", "pcsc://Virtual"):
        r, log = reader(uri)
        got = log.wait("card_inserted").data["card"]
        assert got.reader == "Virtual PCD 00 00" and r.current_card is got


def test_unknown_reader_name_is_absent(reader):
    """GIVEN a reader name pcscd does not have THEN ABSENT with SC_READER_ABSENT (not FAULT)."""
    r, _ = reader("pcsc://No%20Such%20Reader")
    wait_state(r, DeviceState.ABSENT)
    assert r.last_error.error is X.SC_READER_ABSENT


def test_pcscd_restart_recovers_and_sees_next_card(reader, card, daemon):
    """GIVEN a running driver with a card in WHEN pcscd is restarted
    THEN the card is reported gone, the driver re-establishes its context, is READY and sees the next card."""
    r, log = reader()
    card.insert(S.profile("badge"))
    log.wait("card_inserted")
    mark = log.mark()
    daemon.restart()
    assert log.wait("card_removed", after=mark).data["reason"] == "reader_lost"
    wait_state(r, DeviceState.READY)
    card.insert(S.profile("ssc"))
    got = log.wait("card_inserted", after=mark).data["card"]
    assert got.ssc_number == "D00000017"


def test_pcscd_down_then_back(reader, card, daemon):
    """GIVEN pcscd stopped for a while THEN ABSENT with SC_NO_SERVICE; started again THEN READY and cards work."""
    r, log = reader()
    daemon.stop()
    wait_state(r, DeviceState.ABSENT)
    assert r.last_error.error is X.SC_NO_SERVICE
    daemon.start()
    wait_state(r, DeviceState.READY)
    card.insert(S.profile("badge"))
    assert log.wait("card_inserted").data["card"].staff_id == "W017"


def test_reader_gone_and_back(reader, card, daemon):
    """GIVEN pcscd comes back without the vpcd reader THEN ABSENT SC_READER_ABSENT; with it again THEN READY."""
    r, log = reader()
    daemon.restart(with_reader=False)
    wait_state(r, DeviceState.ABSENT)
    assert r.last_error.error is X.SC_READER_ABSENT
    daemon.restart(with_reader=True)
    wait_state(r, DeviceState.READY)
    card.insert(S.profile("cpu"))
    log.wait("card_inserted")


def test_closing_on_purpose_is_quiet(reader, card, caplog):
    """GIVEN a working reader WHEN the kiosk closes it at shutdown THEN ABSENT with no error
    and no warning in the log (a warning there would cry wolf at every stop)."""
    r, _ = reader()
    card.insert(S.profile("badge"))
    with caplog.at_level("WARNING"):
        r.close()
    assert r.state is DeviceState.ABSENT and r.last_error is None
    assert not [rec for rec in caplog.records if rec.levelname == "WARNING"]
