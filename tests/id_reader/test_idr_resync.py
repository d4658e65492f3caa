# SPDX-License-Identifier: Apache-2.0
"""The link stays in step with the reader: late answers, drains, answers checked against their command."""
import pytest

from drivers.base import DeviceError
from drivers.id_reader import answers as A
from drivers.id_reader import protocol as P
from drivers.id_reader.card import CardType

NEW_ADDRESS = "测试省测试市新地址9号"


@pytest.mark.parametrize("command", [P.FIND_CARD, P.SELECT_CARD, P.READ_BASE, P.READ_ADDRESS],
                         ids=["find", "select", "read", "address"])
def test_a_late_answer_is_not_taken_for_the_next_command(sim, make_reader, command):
    """GIVEN the reader answers one command only after the host gave up on it (the answer lands
    behind the host's next request) WHEN a card is read THEN the read succeeds with the right card,
    the late answer is dropped, and the next exchanges are in step."""
    reader, _ = make_reader(poll=False)
    sim.place_card("resident", addresses=[NEW_ADDRESS])
    sim.fail_next("late", command=command)
    card = reader.read_card(2.0)
    assert card.card_type is CardType.RESIDENT and card.appended_addresses == [NEW_ADDRESS]
    assert reader.sam_id() == "05.01-20101221-0001234567-0987654321"
    assert reader.read_card(1.0).masked_number() == card.masked_number()
    assert list(sim.commands).count(command) >= 2            # the late one, then the retry


def test_a_late_sam_status_is_not_taken_for_the_sam_id(sim, make_reader):
    reader, _ = make_reader(poll=False)
    sim.fail_next("late", command=P.SAM_STATUS)
    with pytest.raises(DeviceError) as info:
        reader.self_test()
    assert info.value.code == "IDR_TIMEOUT"
    assert reader.sam_id() == "05.01-20101221-0001234567-0987654321"   # not the late 90 without data


def test_late_answers_while_polling_still_give_one_clean_insert(sim, make_reader):
    reader, log = make_reader()
    sim.fail_next("late", count=2, command=P.FIND_CARD)
    sim.place_card("resident")
    inserted = log.wait("card_inserted")
    assert inserted.data["card"].card_type is CardType.RESIDENT
    assert "card_read_failed" not in log.kinds()


# -- which answers fit which command (spec 3.1, section 4) --------------------------
@pytest.mark.parametrize("command, sw3, size, ok", [
    (P.FIND_CARD, 0x9F, 4, True), (P.FIND_CARD, 0x80, 0, True), (P.FIND_CARD, 0x90, 8, False),
    (P.FIND_CARD, 0x90, 0, False), (P.FIND_CARD, 0x91, 0, False), (P.FIND_CARD, 0x81, 0, False),
    (P.SELECT_CARD, 0x90, 8, True), (P.SELECT_CARD, 0x81, 0, True), (P.SELECT_CARD, 0x9F, 4, False),
    (P.SELECT_CARD, 0x90, 0, False), (P.SELECT_CARD, 0x80, 0, False),
    (P.READ_BASE, 0x90, 1288, True), (P.READ_BASE, 0x41, 0, True), (P.READ_BASE, 0x90, 8, False),
    (P.READ_BASE, 0x9F, 4, False), (P.READ_BASE_FP, 0x90, 1290, True),
    (P.READ_ADDRESS, 0x90, 70, True), (P.READ_ADDRESS, 0x91, 0, True), (P.READ_ADDRESS, 0x90, 8, False),
    (P.READ_ADDRESS, 0x41, 0, True),
    (P.SAM_STATUS, 0x90, 0, True), (P.SAM_STATUS, 0x60, 0, True), (P.SAM_STATUS, 0x90, 16, False),
    (P.SAM_STATUS, 0x41, 0, False), (P.SAM_ID, 0x90, 16, True), (P.SAM_ID, 0x90, 0, False),
    (P.FIND_CARD, 0x10, 0, True), (P.READ_BASE, 0x21, 0, True), (P.FIND_CARD, 0x66, 0, True),
    (P.FIND_CARD, 0x77, 0, True),          # undocumented: no command's answer, reported as unknown
])
def test_answers_fit_their_command(command, sw3, size, ok):
    assert A.fits(command, sw3, size) is ok
