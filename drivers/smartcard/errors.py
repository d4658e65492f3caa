# SPDX-License-Identifier: Apache-2.0
"""Coded errors of the PC/SC smart-card reader that are not card status words (prefix ``SC_``).

The card's own status words are mapped in :mod:`drivers.smartcard.apdu`.  Here:
the PC/SC service and reader, the host's checks of answers, and configuration.
The ``SCARD_*`` result codes are the PC/SC numbers (pcsc-lite ``pcsclite.h``),
kept here so the simulator and the tests need no pyscard.
"""
from __future__ import annotations

from drivers.base import Action, ErrorCode, Severity

E, W, I, F = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.FATAL

SC_NO_SERVICE = ErrorCode("SC_NO_SERVICE", E, Action.MAINTENANCE,
                          "the PC/SC service (pcscd) is not running; the driver keeps retrying")
SC_READER_ABSENT = ErrorCode("SC_READER_ABSENT", E, Action.STAFF,
                             "the configured smart-card reader is not connected")
SC_CARD_MUTE = ErrorCode("SC_CARD_MUTE", W, Action.USER,
                         "a card is in the reader but does not answer (inserted the wrong way?)")
SC_CARD_REMOVED = ErrorCode("SC_CARD_REMOVED", I, Action.USER, "the card left the reader during the read")
SC_CARD_IO = ErrorCode("SC_CARD_IO", W, Action.RETRY, "talking to the card failed")
SC_BAD_RESPONSE = ErrorCode("SC_BAD_RESPONSE", W, Action.RETRY,
                            "the card's answer is shorter than a status word or malformed")
SC_BAD_ATR = ErrorCode("SC_BAD_ATR", W, Action.USER, "the card's ATR is not a valid ISO 7816-3 ATR")
SC_NO_CARD = ErrorCode("SC_NO_CARD", I, Action.USER, "no card arrived in time")
SC_NOT_SSC = ErrorCode("SC_NOT_SSC", I, Action.NONE, "the card has no social-security (SSSE) application")
SC_BACKEND_START = ErrorCode("SC_BACKEND_START", F, Action.MAINTENANCE, "smart-card backend failed to start")
SC_BAD_URI = ErrorCode("SC_BAD_URI", F, Action.CONFIGURATION, "smart-card reader URI or option is invalid")
SC_UNKNOWN_SCHEME = ErrorCode("SC_UNKNOWN_SCHEME", F, Action.CONFIGURATION,
                              "no smart-card backend for this URI scheme")
SC_BAD_STAFF_BADGE = ErrorCode("SC_BAD_STAFF_BADGE", F, Action.CONFIGURATION,
                               'a staff_badges entry is not "uid:HEX" or "atr:HEX" (optional "=ID")')
SC_CLOSED = ErrorCode("SC_CLOSED", E, Action.CONFIGURATION, "reader is closed; call open() first")

HOST_ERRORS: tuple[ErrorCode, ...] = tuple(v for k, v in list(globals().items()) if k.startswith("SC_"))

# -- PC/SC result codes (unsigned 32-bit) ----------------------------------
SCARD_S_SUCCESS = 0x00000000
SCARD_E_CANCELLED = 0x80100002
SCARD_E_INVALID_HANDLE = 0x80100003
SCARD_E_UNKNOWN_READER = 0x80100009
SCARD_E_TIMEOUT = 0x8010000A
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_PROTO_MISMATCH = 0x8010000F
SCARD_E_NOT_TRANSACTED = 0x80100016
SCARD_E_READER_UNAVAILABLE = 0x80100017
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_W_UNRESPONSIVE_CARD = 0x80100066
SCARD_W_UNPOWERED_CARD = 0x80100067
SCARD_W_RESET_CARD = 0x80100068
SCARD_W_REMOVED_CARD = 0x80100069

#: the context is dead: release it and establish a new one (pcscd restarted or stopped)
CONTEXT_LOST = frozenset({SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_E_INVALID_HANDLE})
#: the reader went away under us
READER_LOST = frozenset({SCARD_E_UNKNOWN_READER, SCARD_E_READER_UNAVAILABLE})
#: the card went away or was reset under us
CARD_LOST = frozenset({SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD, SCARD_W_RESET_CARD})

# SCardGetStatusChange state bits
STATE_UNAWARE, STATE_CHANGED, STATE_UNKNOWN, STATE_UNAVAILABLE = 0x0, 0x2, 0x4, 0x8
STATE_EMPTY, STATE_PRESENT, STATE_MUTE = 0x10, 0x20, 0x200

PNP_READER = "\\\\?PnP?\\Notification"  # pseudo-reader: wakes GetStatusChange when readers come or go


def hresult_text(hr: int) -> str:
    names = {v: k for k, v in globals().items() if k.startswith("SCARD_") and isinstance(v, int)}
    hr &= 0xFFFFFFFF
    return f"{names.get(hr, 'SCARD')} 0x{hr:08X}"
