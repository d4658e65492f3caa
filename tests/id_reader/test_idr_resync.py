# SPDX-License-Identifier: Apache-2.0
"""The link stays in step with the reader: late answers, drains, answers checked against their command."""
import pytest
from idr_helpers import quick

from drivers.base import DeviceError
from drivers.id_reader import answers as A
from drivers.id_reader import protocol as P
from drivers.id_reader.card import CardType

NEW_ADDRESS = "测试省测试市新地址9号"


@pytest.mark.parametrize("command, budget", [(P.FIND_CARD, "find"), (P.SELECT_CARD, "select"),
                                             (P.READ_BASE, "read"), (P.READ_ADDRESS, "address")],
                         ids=["find", "select", "read", "address"])
def test_a_late_answer_is_not_taken_for_the_next_command(sim, make_reader, command, budget):
    """GIVEN the reader answers one command only after the host gave up on it (the answer lands
    behind the host's next request) WHEN a card is read THEN the read succeeds with the right card,
    the late answer is dropped, and the next exchanges are in step."""
    reader, _ = make_reader(poll=False, timeouts=quick(budget))
    sim.place_card("resident", addresses=[NEW_ADDRESS])
    sim.fail_next("late", command=command)
    card = reader.read_card(2.0)
    assert card.card_type is CardType.RESIDENT and card.appended_addresses == [NEW_ADDRESS]
    assert reader.sam_id() == "05.01-20101221-0001234567-0987654321"
    assert reader.read_card(1.0).masked_number() == card.masked_number()
    assert list(sim.commands).count(command) >= 2            # the late one, then the retry
    if command != P.FIND_CARD:    # a late find answer fits the retried find; the others were dropped
        assert reader.capabilities()["stale_answers"] >= 1


def test_a_late_sam_status_is_not_taken_for_the_sam_id(sim, make_reader):
    reader, _ = make_reader(poll=False, timeouts=quick("sam"))
    sim.fail_next("late", command=P.SAM_STATUS)
    with pytest.raises(DeviceError) as info:
        reader.self_test()
    assert info.value.code == "IDR_TIMEOUT"
    assert reader.sam_id() == "05.01-20101221-0001234567-0987654321"   # not the late 90 without data


def test_late_answers_while_polling_still_give_one_clean_insert(sim, make_reader):
    reader, log = make_reader(timeouts=quick("find"))
    sim.fail_next("late", count=2, command=P.FIND_CARD)
    sim.place_card("resident")
    inserted = log.wait("card_inserted", timeout=5)
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


# -- the link alone, on a scripted port with an injected clock (no wall-clock timing) --------
class ScriptedPort:
    """A serial port whose bytes arrive at scripted times of a fake clock. ``answers`` maps a
    command to a list of (delay after the request, bytes); reading with nothing due advances the
    clock like pyserial's read timeout (50 ms) or to the next arrival, whichever comes first."""

    baudrate = 115200

    def __init__(self, answers):
        self.now = 0.0
        self.answers = {k: list(v) for k, v in answers.items()}
        self.incoming = []            # (arrival time, bytes), in order
        self.requests = []

    def clock(self):
        return self.now

    def reset_input_buffer(self):
        self.incoming = [(t, b) for t, b in self.incoming if t > self.now]

    def write(self, data):
        req = P.parse_request(data)
        self.requests.append(req.key)
        for delay, chunk in self.answers[req.key].pop(0):
            self.incoming.append((self.now + delay, chunk))
        self.incoming.sort(key=lambda tb: tb[0])

    def read(self, n):
        if not self.incoming or self.incoming[0][0] > self.now:
            due = self.incoming[0][0] if self.incoming else float("inf")
            self.now = min(due, self.now + 0.05)
        out = b""
        while self.incoming and self.incoming[0][0] <= self.now and len(out) < n:
            t, chunk = self.incoming.pop(0)
            take = chunk[:n - len(out)]
            out += take
            if len(take) < len(chunk):
                self.incoming.insert(0, (t, chunk[len(take):]))
        return out


def scripted_link(answers, budget=0.2):
    from drivers.id_reader.serial_link import SerialLink
    port = ScriptedPort(answers)
    link = SerialLink("scripted", {"find": budget, "select": budget}, clock=port.clock)
    link.ser, link.closed = port, False
    return link, port


FOUND = P.build_response(P.SW_FOUND, bytes(4))
NONE = P.build_response(P.SW_NO_CARD)
SELECTED = P.build_response(P.SW_OK, bytes(8))


def test_an_answer_just_after_the_budget_is_drained_not_taken_for_the_next():
    """GIVEN find's "no card" answer comes 10 ms after its budget, in two chunks WHEN find is sent
    again (the card now there) THEN that find gets its own 9F, not the late 80."""
    link, port = scripted_link({P.FIND_CARD: [[(0.21, NONE[:6]), (0.215, NONE[6:])], [(0.001, FOUND)]]})
    with pytest.raises(DeviceError) as info:
        link.transact(P.FIND_CARD, "find")
    assert info.value.code == "IDR_TIMEOUT"
    assert link.drained == len(NONE) and not port.incoming
    assert link.transact(P.FIND_CARD, "find").sw3 == P.SW_FOUND


def test_the_rest_of_a_half_frame_is_drained():
    link, port = scripted_link({P.SELECT_CARD: [[(0.001, SELECTED[:9]), (0.25, SELECTED[9:])], [(0.001, SELECTED)]]})
    with pytest.raises(DeviceError) as info:
        link.transact(P.SELECT_CARD, "select")
    assert info.value.code == "IDR_TRUNCATED"
    assert link.drained == len(SELECTED) - 9
    assert link.transact(P.SELECT_CARD, "select").data == bytes(8)


def test_a_stale_answer_is_dropped_and_the_right_one_taken():
    link, port = scripted_link({P.SELECT_CARD: [[(0.001, FOUND), (0.002, SELECTED)]]})
    assert link.transact(P.SELECT_CARD, "select").data == bytes(8)
    assert link.stale_answers == 1


def test_only_stale_answers_within_the_budget_is_out_of_step():
    """GIVEN select gets only find's answer WHEN its budget ends THEN IDR_OUT_OF_STEP, a link error (retried)."""
    from drivers.id_reader.serial_link import LINK_ERRORS
    link, port = scripted_link({P.SELECT_CARD: [[(0.001, FOUND)]]})
    with pytest.raises(DeviceError) as info:
        link.transact(P.SELECT_CARD, "select")
    assert info.value.code == "IDR_OUT_OF_STEP" and info.value.error in LINK_ERRORS
    assert "SW3 9F" in info.value.detail


def test_a_line_that_never_falls_quiet_is_drained_for_a_bounded_time():
    from drivers.id_reader.serial_link import DRAIN_MAX
    noise = [(0.205 + i * 0.005, b"\x55") for i in range(1000)]    # a byte every 5 ms, from just after the budget
    link, port = scripted_link({P.FIND_CARD: [noise]})
    with pytest.raises(DeviceError) as info:
        link.transact(P.FIND_CARD, "find")
    assert info.value.code == "IDR_TIMEOUT"
    assert DRAIN_MAX <= port.now - 0.2 < DRAIN_MAX + 0.1


def test_quiet_gap_follows_the_baud_rate():
    from drivers.id_reader.serial_link import quiet_gap
    assert quiet_gap(115200) == 0.02                      # USB-serial latency dominates
    assert quiet_gap(9600) == pytest.approx(32 * 10 / 9600)
