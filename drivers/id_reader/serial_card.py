# SPDX-License-Identifier: Apache-2.0
"""The card-reading commands of the SAM protocol over a :class:`.serial_link.SerialLink`
(docs/id-reader-protocol.md, sections 3.4-3.8): is a card there, read the one that is,
the SAM's id. Raw answers and text blocks are zeroed as soon as they are decoded."""
from __future__ import annotations

from . import protocol as P
from .card import IdCard
from .scrub import scrub
from .serial_link import SerialLink
from .textblock import decode_card, decode_ucs2


def find_card(link: SerialLink) -> None:
    """``IDR_NO_CARD`` (or another coded error) unless a card is on the reader."""
    link.transact(P.FIND_CARD, "find").expect(P.SW_FOUND)


def card_present(link: SerialLink, card_on: bool) -> bool:
    """Whether a card lies on the reader; ``card_on``: one was read and not yet lifted."""
    with link.io:
        if card_on:  # after a read, find may say 80 while the card lies there (spec 3.8)
            if link.transact(P.READ_ADDRESS, "address").sw3 in (P.SW_OK, P.SW_NO_CONTENT):
                return True
        sw3 = link.transact(P.FIND_CARD, "find").sw3
        if sw3 in (P.SW_FOUND, P.SW_NO_CARD):
            return sw3 == P.SW_FOUND
        raise P.status_error(sw3)


def read_found_card(link: SerialLink, fingerprint: bool, addresses: bool) -> IdCard:
    """Selects and reads the card that find answered for (with its fingerprint and the
    appended addresses when asked)."""
    with link.io:
        link.transact(P.SELECT_CARD, "select").expect()
        answer = link.transact(P.READ_BASE_FP if fingerprint else P.READ_BASE,
                               "read_fp" if fingerprint else "read").expect()
        msg = P.parse_base_message(answer.data, with_fingerprint=fingerprint)
        try:
            card = decode_card(msg.text, msg.photo, msg.fingerprint)
        finally:                 # the raw answer and text block: zeroed before they are freed
            scrub(answer.data)
            scrub(msg.text)
        if addresses:
            extra = link.transact(P.READ_ADDRESS, "address").expect(P.SW_OK, P.SW_NO_CONTENT)
            if extra.sw3 == P.SW_OK:
                records = P.split_address_records(extra.data)
                card.appended_addresses = [decode_ucs2(r) for r in records]
                for raw in (extra.data, *records):
                    scrub(raw)
        return card


def sam_id(link: SerialLink) -> str:
    return P.parse_sam_id(link.transact(P.SAM_ID, "sam").expect().data)


def sam_status(link: SerialLink) -> None:
    link.transact(P.SAM_STATUS, "sam").expect()
