# SPDX-License-Identifier: Apache-2.0
"""The simulated SAM and the card in its field, for :mod:`.simulator`: one request in, one
answer frame out, following the protocol's section 10 (including its stated assumptions for
out-of-order commands). Pure: no I/O, no timing; the caller holds the simulator's lock."""
from __future__ import annotations

from . import protocol as P
from .sim_cards import SimCard
from .textblock import encode_ucs2

NO_CARD, PRESENT, FOUND, SELECTED, READ = "no_card", "present", "found", "selected", "read"


class SimSam:
    def __init__(self, sam_id: tuple[int, int, int, int, int]) -> None:
        self.sam_status = P.SW_OK          # set 0x60 / 0x66 to simulate a broken / unlicensed SAM
        self.sam_id = sam_id
        self.card: SimCard | None = None
        self.state = NO_CARD

    def place(self, card: SimCard | None) -> None:
        self.card, self.state = card, (PRESENT if card is not None else NO_CARD)

    def power_cycle(self) -> None:
        """Plugged back in: the card (if any) is merely present again."""
        self.state = PRESENT if self.card else NO_CARD

    def handle(self, req: P.Request) -> bytes:
        key, ok, card = req.key, P.SW_OK, self.card
        if self.sam_status != P.SW_OK:
            return P.build_response(self.sam_status)
        if key in (P.SAM_STATUS, P.RESET_SAM) or (key == P.SET_MAX_RF and len(req.data) == 1):
            return P.build_response(ok)
        if key == P.SAM_ID:
            return P.build_response(ok, P.build_sam_id(*self.sam_id))
        if req.cmd == P.SET_BAUD and req.para in P.BAUD_CODES.values() and not req.data:
            return P.build_response(ok)
        if key == P.FIND_CARD:
            if card is None:
                return P.build_response(P.SW_NO_CARD)
            if self.state in (PRESENT, FOUND, SELECTED):
                self.state = FOUND
            return P.build_response(P.SW_FOUND, bytes(4))
        if key == P.SELECT_CARD:
            if card is None or self.state not in (FOUND, READ):
                return P.build_response(0x81)
            self.state = SELECTED
            return P.build_response(ok, bytes(8))
        if key in (P.READ_BASE, P.READ_BASE_FP):
            if card is None or self.state not in (SELECTED, READ):
                return P.build_response(0x41)
            self.state = READ
            fp = card.fingerprint if key == P.READ_BASE_FP else None
            return P.build_response(ok, P.build_base_message(card.text, card.photo, fp))
        if key == P.READ_ADDRESS:
            if card is None or self.state not in (SELECTED, READ):
                return P.build_response(0x41)
            if not card.addresses:
                return P.build_response(P.SW_NO_CONTENT)
            return P.build_response(ok, b"".join(encode_ucs2(a, 70) for a in card.addresses[-4:]))
        if key == P.READ_MNG_INFO:
            return P.build_response(ok, bytes(28)) if self.state in (SELECTED, READ) else P.build_response(0x41)
        return P.build_response(0x21)
