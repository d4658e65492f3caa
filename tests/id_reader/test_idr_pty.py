# SPDX-License-Identifier: Apache-2.0
"""End to end: the serial backend and real pyserial against the simulator on a pty."""
import dataclasses
import time

import pytest
import serial
from idr_helpers import FAST, quick
from waiting import wait_for

from drivers.base import DeviceError, DeviceState
from drivers.id_reader import protocol as P
from drivers.id_reader.card import CardType
from drivers.id_reader.serial_backend import SerialIdCardReader
from drivers.id_reader.sim_cards import SimCard, demo_card
from drivers.id_reader.simulator import SimulatedIdReader
from drivers.id_reader.textblock import encode_text_block


def test_card_placed_and_removed_events(sim, make_reader):
    """GIVEN an idle reader WHEN a card is placed, then removed THEN card_inserted(card) then card_removed."""
    reader, log = make_reader()
    assert reader.state is DeviceState.READY
    sim.place_card("resident")
    card = log.wait("card_inserted").data["card"]
    assert card.card_type is CardType.RESIDENT and card.masked_name() == "测**例"
    assert card.masked_number() == "1100**********0013" and card.check_digit_valid is True
    assert reader.rounds.wait(6)         # card lies there for five polls: no second insert, no removal
    assert log.kinds().count("card_inserted") == 1 and "card_removed" not in log.kinds()
    sim.remove_card()
    log.wait("card_removed")
    sim.place_card("hmt")
    log.wait(lambda e: e.kind == "card_inserted" and e.data["card"].card_type is CardType.HMT_PERMIT)


def test_read_card_directly_and_no_card_timeout(sim, make_reader):
    reader, _ = make_reader(poll=False)
    with pytest.raises(DeviceError) as info:
        reader.read_card(timeout=0.2)
    assert info.value.code == "IDR_NO_CARD"
    sim.place_card("foreigner2023", addresses=["测试省测试市新地址9号"])
    card = reader.read_card(timeout=1.0)
    assert card.card_type is CardType.FOREIGNER_2023 and card.appended_addresses == ["测试省测试市新地址9号"]
    assert card.photo_wlt == demo_card("foreigner2023").photo_wlt
    assert reader.sam_id() == "05.01-20101221-0001234567-0987654321"


def test_read_with_fingerprint(sim, make_reader):
    reader, _ = make_reader(poll=False, read_fingerprint=True)
    raw = SimCard.from_card(demo_card("resident"))
    raw.fingerprint = bytes(512)
    sim.place_card(raw)
    assert len(reader.read_card(1.0).fingerprint) == 512
    assert P.READ_BASE_FP in sim.commands


def test_single_checksum_error_is_retried_transparently(sim, make_reader):
    reader, _ = make_reader(poll=False)
    sim.place_card("resident")
    sim.fail_next("checksum", command=P.READ_BASE)
    assert reader.read_card(1.0).masked_name() == "测**例"
    assert list(sim.commands).count(P.READ_BASE) == 2


@pytest.mark.parametrize("fault, code", [("checksum", "IDR_CHECKSUM"), ("half_frame", "IDR_TRUNCATED"),
                                         ("silence", "IDR_TIMEOUT")])
def test_persistent_link_faults_give_coded_errors(sim, make_reader, fault, code):
    """GIVEN the read answer is spoiled on every try WHEN reading THEN the admin sees the coded error
    after the retry policy's tries (no more, no hang), and the link recovers."""
    reader, _ = make_reader(poll=False, timeouts=quick("read"))
    sim.place_card("resident")
    sim.fail_next(fault, count=2, command=P.READ_BASE)
    with pytest.raises(DeviceError) as info:
        reader.read_card(1.0)
    assert info.value.code == code
    assert list(sim.commands).count(P.READ_BASE) == reader.retries + 1 == 2
    assert reader.read_card(1.0).card_type is CardType.RESIDENT   # and the link recovers


def test_garbage_before_the_preamble_is_skipped(sim, make_reader):
    reader, _ = make_reader(poll=False)
    sim.place_card("resident")
    sim.fail_next("garbage", command=P.READ_BASE)
    assert reader.read_card(1.0).card_type is CardType.RESIDENT


def test_card_moved_mid_read_reports_once_then_reads(sim, make_reader):
    reader, log = make_reader()
    sim.fail_next(0x41, command=P.READ_BASE)
    sim.place_card("resident")
    failed = log.wait("card_read_failed")
    assert failed.data["error"].code == "IDR_READ_FAILED" and failed.data["error"].error.action.value == "user"
    log.wait("card_inserted")
    assert log.kinds().count("card_read_failed") == 1


def test_bad_check_digit_card_is_rejected_with_an_event(sim, make_reader):
    reader, log = make_reader()
    bad = dataclasses.replace(demo_card("resident"), number="110000199001010014")
    sim.place_card(SimCard(encode_text_block(bad), bad.photo_wlt))
    assert log.wait("card_read_failed").data["error"].code == "IDR_BAD_CHECK_DIGIT"
    assert reader.rounds.wait(6)         # five more polls with the card lying there: not read again
    assert "card_inserted" not in log.kinds() and log.kinds().count("card_read_failed") == 1
    sim.remove_card()
    log.wait("card_removed")


def test_unplug_mid_read_then_recovery(sim, make_reader):
    """GIVEN a card being read WHEN the cable is pulled mid-answer THEN IDR_UNPLUGGED, ABSENT; replug → READY."""
    reader, log = make_reader(poll=False)
    sim.place_card("resident")
    sim.fail_next("unplug", command=P.READ_BASE)
    with pytest.raises(DeviceError) as info:
        reader.read_card(1.0)
    assert info.value.code == "IDR_UNPLUGGED"
    absent = log.wait_state(DeviceState.ABSENT)
    assert absent.data["error"].code == "IDR_UNPLUGGED"
    log.clear()
    sim.replug()
    log.wait_state(DeviceState.READY)
    assert reader.last_error is None
    assert reader.read_card(1.0).card_type is CardType.RESIDENT


def test_unplug_while_polling_emits_removal_and_comes_back(sim, make_reader):
    reader, log = make_reader()
    sim.place_card("resident")
    log.wait("card_inserted")
    sim.unplug()
    log.wait("card_removed")
    log.wait_state(DeviceState.ABSENT)
    log.clear()
    sim.replug()
    log.wait_state(DeviceState.READY)
    log.wait("card_inserted")              # the card still lies there: read again


def test_flicker_shorter_than_the_hold_does_not_change_state(sim, make_reader):
    """GIVEN a cable that drops out and comes back within the plug hold THEN the reader stays READY.
    The hold's clock is frozen (injected), so the flicker is shorter than the hold however slow
    the machine; progress is waited on: the reader saw the port gone, then talks to it again."""
    reader, log = make_reader(plug_hold=1.0)
    reader._plug.clock = lambda: 0.0       # the plug debouncer's injectable clock, frozen
    sim.unplug()
    assert reader.rounds.wait(3)           # two whole polls on a gone port
    sim.replug()
    sim.commands.clear()
    wait_for(lambda: P.FIND_CARD in sim.commands, 5, "polling again after the replug")
    assert reader.state is DeviceState.READY
    assert not any(e.kind == "state_changed" and e.data["state"] is DeviceState.ABSENT for e in log.events)


def test_silent_reader_faults_and_recovers(sim, make_reader):
    reader, log = make_reader(timeouts=quick("find", "sam", seconds=0.2))
    sim.set_silent(True)
    fault = log.wait_state(DeviceState.FAULT, timeout=5)
    assert fault.data["error"].code == "IDR_NOT_RESPONDING"
    sim.set_silent(False)
    log.wait_state(DeviceState.READY, timeout=5)


def test_sam_self_test_failure_is_fatal_fault(sim):
    sim.sam_status = 0x60
    reader = SerialIdCardReader("id_reader", sim.path, **FAST)
    with pytest.raises(DeviceError) as info:
        reader.open()
    assert info.value.code == "IDR_SAM_SELFTEST"
    assert reader.state is DeviceState.FAULT and reader.last_error.error.severity.value == "fatal"
    reader.close()


# -- the simulator alone, byte for byte -----------------------------------------
@pytest.mark.parametrize("request_hex, answer_hex", [
    ("AA AA AA 96 69 00 03 11 FF ED", "AA AA AA 96 69 00 04 00 00 90 94"),
    ("AA AA AA 96 69 00 03 20 01 22", "AA AA AA 96 69 00 04 00 00 80 84"),
    ("AA AA AA 96 69 00 03 20 02 21", "AA AA AA 96 69 00 04 00 00 81 85"),
    ("AA AA AA 96 69 00 03 30 01 32", "AA AA AA 96 69 00 04 00 00 41 45"),
    ("AA AA AA 96 69 00 03 12 FF EE",
     "AA AA AA 96 69 00 14 00 00 90 05 00 01 00 65 B8 32 01 87 D6 12 00 B1 68 DE 3A 10"),
    ("AA AA AA 96 69 00 03 20 01 21", "AA AA AA 96 69 00 04 00 00 10 14"),   # bad CHK → SW3 10
    ("AA AA AA 96 69 00 03 77 01 75", "AA AA AA 96 69 00 04 00 00 21 25"),   # unknown → SW3 21
    ("AA AA AA 96 69 00 04 61 FF 50 CA", "AA AA AA 96 69 00 04 00 00 90 94"),
])
def test_simulator_answers_byte_exact(sim, request_hex, answer_hex):
    with serial.Serial(sim.path, 115200, timeout=0.5) as port:
        port.write(bytes.fromhex(request_hex))
        expected = bytes.fromhex(answer_hex)
        assert port.read(len(expected)) == expected


def test_simulator_card_sequence_and_wire_timing():
    with SimulatedIdReader(baud=115200) as s, serial.Serial(s.path, 115200, timeout=1) as port:
        s.place_card("resident")
        for cmd, size in ((P.FIND_CARD, 15), (P.SELECT_CARD, 19)):
            port.write(P.build_request(*cmd))
            assert len(port.read(size)) == size
        started = time.monotonic()
        port.write(P.build_request(*P.READ_BASE))
        frame = port.read(1295)
        elapsed = time.monotonic() - started
        assert P.parse_response(frame).sw3 == 0x90
        assert elapsed >= 1305 * 10 / 115200 * 0.95      # ≈ 113 ms of wire time, paced (no upper bound: bench/)


def test_simulator_answers_length_error_for_a_short_request(sim):
    with serial.Serial(sim.path, 115200, timeout=0.5) as port:
        port.write(bytes.fromhex("AA AA AA 96 69 00 05 20 01"))   # LEN promises 5, 2 arrive
        assert port.read(11) == bytes.fromhex("AA AA AA 96 69 00 04 00 00 11 15")
