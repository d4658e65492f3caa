# SPDX-License-Identifier: Apache-2.0
"""Every coded error of the ID-card reader (prefix ``IDR_``).

Two groups: the reader's own SW3 status bytes (spec section 4), mapped one to
one in :data:`STATUS_ERRORS`, and errors the host detects itself (framing,
timeouts, card data that fails validation, configuration).  Screens map
``code`` to their own words; ``text`` is for logs and admins.
"""
from __future__ import annotations

from drivers.base import Action, ErrorCode, Severity

E, W, I, F = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.FATAL


def _c(code: str, sev: Severity, action: Action, text: str) -> ErrorCode:
    return ErrorCode(code, sev, action, text)


# -- SW3 status bytes sent by the reader ---------------------------------
IDR_REQ_CHECKSUM = _c("IDR_REQ_CHECKSUM", E, Action.RETRY, "reader received a command with a bad checksum (SW3 0x10)")
IDR_REQ_LENGTH = _c("IDR_REQ_LENGTH", E, Action.RETRY, "reader received a command with a bad length (SW3 0x11)")
IDR_COMMAND = _c("IDR_COMMAND", E, Action.MAINTENANCE, "reader rejected the command as unknown or illegal (SW3 0x21)")
IDR_UNAUTHORISED_OP = _c("IDR_UNAUTHORISED_OP", E, Action.MAINTENANCE, "unauthorised operation (SW3 0x23)")
IDR_READER_ERROR = _c("IDR_READER_ERROR", E, Action.RETRY, "reader reported an unrecognised error (SW3 0x24)")
IDR_CARD_AUTH_SAM = _c("IDR_CARD_AUTH_SAM", E, Action.USER, "card failed to authenticate the SAM; place the card again (SW3 0x31)")
IDR_SAM_AUTH_CARD = _c("IDR_SAM_AUTH_CARD", E, Action.STAFF, "SAM failed to authenticate the card; damaged or not genuine (SW3 0x32)")
IDR_VERIFY = _c("IDR_VERIFY", E, Action.USER, "card information failed verification (SW3 0x33)")
IDR_WRONG_CARD = _c("IDR_WRONG_CARD", W, Action.USER, "not an identity document (SW3 0x40)")
IDR_READ_FAILED = _c("IDR_READ_FAILED", W, Action.USER, "reading the card failed; card moved during the read (SW3 0x41)")
IDR_RANDOM = _c("IDR_RANDOM", E, Action.USER, "get-random-number failed; place the card again (SW3 0x47)")
IDR_SAM_SELFTEST = _c("IDR_SAM_SELFTEST", F, Action.MAINTENANCE, "SAM self-test failed; the reader accepts no commands (SW3 0x60)")
IDR_SAM_UNAUTHORISED = _c("IDR_SAM_UNAUTHORISED", F, Action.MAINTENANCE, "SAM is not authorised; the reader is unusable (SW3 0x66)")
IDR_NO_CARD = _c("IDR_NO_CARD", I, Action.USER, "no card on the reader (SW3 0x80)")
IDR_SELECT_FAILED = _c("IDR_SELECT_FAILED", W, Action.USER, "select card failed; card left the field (SW3 0x81)")
IDR_NO_CONTENT = _c("IDR_NO_CONTENT", I, Action.NONE, "the requested item is empty on the card (SW3 0x91)")
IDR_COMM_FAILURE = _c("IDR_COMM_FAILURE", E, Action.RETRY, "reader reported a communication failure (SW3 0xFF)")
IDR_UNKNOWN_STATUS = _c("IDR_UNKNOWN_STATUS", E, Action.RETRY, "reader answered with an undocumented status byte")

STATUS_ERRORS: dict[int, ErrorCode] = {
    0x10: IDR_REQ_CHECKSUM, 0x11: IDR_REQ_LENGTH, 0x21: IDR_COMMAND, 0x23: IDR_UNAUTHORISED_OP,
    0x24: IDR_READER_ERROR, 0x31: IDR_CARD_AUTH_SAM, 0x32: IDR_SAM_AUTH_CARD, 0x33: IDR_VERIFY,
    0x40: IDR_WRONG_CARD, 0x41: IDR_READ_FAILED, 0x47: IDR_RANDOM, 0x60: IDR_SAM_SELFTEST,
    0x66: IDR_SAM_UNAUTHORISED, 0x80: IDR_NO_CARD, 0x81: IDR_SELECT_FAILED, 0x91: IDR_NO_CONTENT,
    0xFF: IDR_COMM_FAILURE,
}

# -- detected by the host --------------------------------------------------
IDR_CHECKSUM = _c("IDR_CHECKSUM", E, Action.RETRY, "answer from the reader failed its checksum")
IDR_BAD_FRAME = _c("IDR_BAD_FRAME", E, Action.RETRY, "answer from the reader is not a SAM protocol frame")
IDR_TRUNCATED = _c("IDR_TRUNCATED", E, Action.RETRY, "answer from the reader stopped half-way (half frame)")
IDR_OUT_OF_STEP = _c("IDR_OUT_OF_STEP", E, Action.RETRY, "reader answers did not fit the commands sent (late answers); link resynchronised")
IDR_TIMEOUT = _c("IDR_TIMEOUT", E, Action.RETRY, "reader did not answer in time")
IDR_BAD_PAYLOAD = _c("IDR_BAD_PAYLOAD", E, Action.RETRY, "answer data does not have the documented layout")
IDR_BAD_TEXT = _c("IDR_BAD_TEXT", E, Action.STAFF, "card text is not valid UCS-2")
IDR_BAD_DATE = _c("IDR_BAD_DATE", E, Action.STAFF, "a date on the card is not a valid YYYYMMDD date")
IDR_BAD_CHECK_DIGIT = _c("IDR_BAD_CHECK_DIGIT", E, Action.STAFF, "ID number fails the GB 11643 check digit; card data rejected")
IDR_BAD_NUMBER = _c("IDR_BAD_NUMBER", E, Action.STAFF, "ID number has the wrong shape for this document type")
IDR_FIELD_MISMATCH = _c("IDR_FIELD_MISMATCH", E, Action.STAFF, "birth date in the ID number differs from the birth-date field")
IDR_UNKNOWN_CARD_TYPE = _c("IDR_UNKNOWN_CARD_TYPE", E, Action.STAFF, "card-type marker is not one of resident/I/Y/J")
IDR_CARD_EXPIRED = _c("IDR_CARD_EXPIRED", W, Action.USER, "the document's validity has ended")
IDR_UNPLUGGED = _c("IDR_UNPLUGGED", E, Action.STAFF, "reader port is gone (unplugged or powered off)")
IDR_NOT_RESPONDING = _c("IDR_NOT_RESPONDING", E, Action.STAFF, "reader port is open but the reader does not answer")
IDR_PORT = _c("IDR_PORT", E, Action.MAINTENANCE, "serial port could not be used")
IDR_BACKEND_START = _c("IDR_BACKEND_START", F, Action.MAINTENANCE, "ID-card reader backend failed to start")
IDR_BAD_URI = _c("IDR_BAD_URI", F, Action.CONFIGURATION, "ID-card reader URI or option is invalid")
IDR_UNKNOWN_SCHEME = _c("IDR_UNKNOWN_SCHEME", F, Action.CONFIGURATION, "no ID-card reader backend for this URI scheme")
IDR_CLOSED = _c("IDR_CLOSED", E, Action.CONFIGURATION, "reader is closed; call open() first")
IDR_PHOTO_UNAVAILABLE = _c("IDR_PHOTO_UNAVAILABLE", W, Action.CONFIGURATION, "no licensed WLT photo decoder is configured")
IDR_PHOTO_DECODE = _c("IDR_PHOTO_DECODE", W, Action.RETRY, "photo decoder rejected the WLT data")
IDR_PHOTO_CRASHED = _c("IDR_PHOTO_CRASHED", W, Action.MAINTENANCE, "photo decoder process crashed or hung (UI unaffected)")

ALL_ERRORS: tuple[ErrorCode, ...] = tuple(v for k, v in list(globals().items()) if k.startswith("IDR_"))
