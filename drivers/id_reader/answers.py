# SPDX-License-Identifier: Apache-2.0
"""Which answers can belong to which command (spec 3.1-3.11 and section 4). Pure: no I/O.

The protocol is strict request/response (spec 2.4), but an answer that arrives after the
host gave up on it (a slow reader, a busy host, USB-serial latency) lands on the wire
after the host's *next* request.  :func:`fits` tells the serial link whether a frame can
be the answer to the command it sent; one that cannot is an earlier command's late answer,
and the link drops it instead of taking it for the new command's.

What each command may answer:

* every command: the reader's own errors (10, 11, 21, 23, 24, FF) and a dead SAM (60, 66);
* commands that talk to the card (find, select, the reads): the card errors 31-47;
* find: 9F with its 4 data bytes, or 80 (no card);
* select: 90 with its 8 data bytes, or 81;
* read base message: 90 with at least the two length fields and the 256-byte text
  (its exact layout is :func:`.protocol.parse_base_message`'s); with fingerprint the same
  plus the third length field;
* read appended address: 90 with 1-4 records of 70 bytes, or 91 (none);
* SAM status / reset / set rate / set RF size: 90 without data; SAM id: 90 with 16 bytes;
* an undocumented SW3 is no known command's answer either, so it is taken (and reported as such).

Only the *success* answers are checked for their data size: every failure answer seen in the
sources has no data, but SW1/SW2 may carry card status (section 4), so a failure answer is
judged by SW3 alone.  An earlier answer *to the same command* cannot be told apart from the
current one; the link's drain after a broken exchange and these checks together keep such a
chain short (the next different command ends it).
"""
from __future__ import annotations

from . import errors as E
from . import protocol as P

READER_ERRORS = frozenset({0x10, 0x11, 0x21, 0x23, 0x24, 0xFF, 0x60, 0x66})
CARD_ERRORS = frozenset({0x31, 0x32, 0x33, 0x40, 0x41, 0x47})

_TEXT = 4 + P.TEXT_SIZE          # text and photo length fields + the text block


def _sizes(*n: int) -> frozenset[int]:
    return frozenset(n)


# command → (SW3 that are not errors, data sizes of a success answer (None: at least _min), minimum)
_OK: dict[tuple[int, int], tuple[frozenset[int], frozenset[int] | None, int]] = {
    P.RESET_SAM: (frozenset({P.SW_OK}), _sizes(0), 0),
    P.SAM_STATUS: (frozenset({P.SW_OK}), _sizes(0), 0),
    P.SAM_ID: (frozenset({P.SW_OK}), _sizes(16), 0),
    P.SET_MAX_RF: (frozenset({P.SW_OK}), _sizes(0), 0),
    P.FIND_CARD: (frozenset({P.SW_FOUND, P.SW_NO_CARD}), _sizes(4), 0),
    P.SELECT_CARD: (frozenset({P.SW_OK, 0x81}), _sizes(8), 0),
    P.READ_BASE: (frozenset({P.SW_OK}), None, _TEXT),
    P.READ_BASE_FP: (frozenset({P.SW_OK}), None, _TEXT + 2),
    P.READ_ADDRESS: (frozenset({P.SW_OK, P.SW_NO_CONTENT}),
                     _sizes(*(k * P.ADDRESS_RECORD for k in range(1, P.MAX_ADDRESS_RECORDS + 1))), 0),
    P.READ_MNG_INFO: (frozenset({P.SW_OK}), _sizes(28), 0),
}
_CARD_COMMANDS = {P.FIND_CARD, P.SELECT_CARD, P.READ_BASE, P.READ_BASE_FP, P.READ_ADDRESS, P.READ_MNG_INFO}
_SUCCESS = {P.SW_OK, P.SW_FOUND}
_KNOWN = frozenset(E.STATUS_ERRORS) | _SUCCESS


def allowed(command: tuple[int, int]) -> frozenset[int]:
    """Every SW3 the reader may answer ``command`` with."""
    ok = _OK[command][0] if command in _OK else frozenset({P.SW_OK})
    return ok | READER_ERRORS | (CARD_ERRORS if command in _CARD_COMMANDS else frozenset())


def fits(command: tuple[int, int], sw3: int, data_len: int) -> bool:
    """Whether an answer with status ``sw3`` and ``data_len`` data bytes can be ``command``'s.

    An undocumented SW3 fits (it is no other command's answer either): it surfaces as
    ``IDR_UNKNOWN_STATUS`` rather than as a stall."""
    if sw3 not in allowed(command):
        return sw3 not in _KNOWN
    if sw3 not in _SUCCESS:
        return True
    _, sizes, least = _OK.get(command, (None, _sizes(0), 0))
    return data_len in sizes if sizes is not None else data_len >= least
