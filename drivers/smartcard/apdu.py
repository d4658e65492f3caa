# SPDX-License-Identifier: Apache-2.0
"""Pure APDU building and parsing: commands, status words → coded errors, ATR summary.

Status words are mapped by table, in the style of pyscard's ``sw/ISO7816_4ErrorChecker``:
an exact (SW1, SW2) entry wins, else the SW1 family entry, else ``SC_SW_UNKNOWN``.
Nothing here raises on card data: :func:`interpret` turns any bytes into a
:class:`Response` whose ``error`` is a coded :class:`ErrorCode` or None.
References: ISO/IEC 7816-4 §5.1.3 (status bytes), 7816-3 §8 (ATR),
PC/SC Part 3 §3.2.2.1 (GET DATA pseudo-APDU ``FF CA``).
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.base import Action, DeviceError, ErrorCode, Severity

from . import errors as X

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def _c(code: str, sev: Severity, action: Action, text: str) -> ErrorCode:
    return ErrorCode(code, sev, action, text)


# -- status words (ISO 7816-4 §5.1.3; PC/SC Part 3 for FF CA) ---------------
SC_SW_WARNING = _c("SC_SW_WARNING", W, Action.NONE, "card warning, memory unchanged (SW 62xx)")
SC_SW_DATA_CORRUPTED = _c("SC_SW_DATA_CORRUPTED", W, Action.STAFF, "part of the returned data may be corrupted (SW 6281)")
SC_SW_END_OF_DATA = _c("SC_SW_END_OF_DATA", W, Action.NONE, "end of file or record reached before Le bytes (SW 6282)")
SC_SW_FILE_INVALIDATED = _c("SC_SW_FILE_INVALIDATED", W, Action.STAFF, "selected file is deactivated (SW 6283)")
SC_SW_BAD_FCI = _c("SC_SW_BAD_FCI", W, Action.NONE, "file control information is badly formatted (SW 6284)")
SC_SW_CHANGED = _c("SC_SW_CHANGED", W, Action.RETRY, "card warning, memory changed (SW 63xx)")
SC_SW_VERIFY_FAILED = _c("SC_SW_VERIFY_FAILED", W, Action.USER, "verification failed; tries left in SW2 low nibble (SW 63Cx)")
SC_SW_EXEC_ERROR = _c("SC_SW_EXEC_ERROR", E, Action.RETRY, "execution error, memory unchanged (SW 64xx)")
SC_SW_MEMORY_FAILURE = _c("SC_SW_MEMORY_FAILURE", E, Action.STAFF, "card memory failure (SW 65xx)")
SC_SW_WRONG_LENGTH = _c("SC_SW_WRONG_LENGTH", E, Action.MAINTENANCE, "wrong length Lc/Le (SW 6700)")
SC_SW_CLA_FUNCTION = _c("SC_SW_CLA_FUNCTION", E, Action.MAINTENANCE, "function in CLA not supported (SW 68xx)")
SC_SW_NOT_ALLOWED = _c("SC_SW_NOT_ALLOWED", E, Action.NONE, "command not allowed (SW 69xx)")
SC_SW_INCOMPATIBLE_FILE = _c("SC_SW_INCOMPATIBLE_FILE", E, Action.NONE, "command incompatible with file structure (SW 6981)")
SC_SW_SECURITY_STATUS = _c("SC_SW_SECURITY_STATUS", I, Action.NONE, "security status not satisfied: needs a key or PIN (SW 6982)")
SC_SW_AUTH_BLOCKED = _c("SC_SW_AUTH_BLOCKED", W, Action.STAFF, "authentication method blocked (SW 6983)")
SC_SW_DATA_INVALIDATED = _c("SC_SW_DATA_INVALIDATED", W, Action.STAFF, "referenced data invalidated (SW 6984)")
SC_SW_CONDITIONS = _c("SC_SW_CONDITIONS", I, Action.NONE, "conditions of use not satisfied (SW 6985)")
SC_SW_NO_CURRENT_EF = _c("SC_SW_NO_CURRENT_EF", E, Action.RETRY, "command not allowed, no current EF (SW 6986)")
SC_SW_SECURE_MESSAGING = _c("SC_SW_SECURE_MESSAGING", E, Action.NONE, "secure messaging objects missing or wrong (SW 6987/6988)")
SC_SW_WRONG_PARAMS = _c("SC_SW_WRONG_PARAMS", E, Action.MAINTENANCE, "wrong parameters (SW 6Axx)")
SC_SW_WRONG_DATA = _c("SC_SW_WRONG_DATA", E, Action.MAINTENANCE, "incorrect parameters in the data field (SW 6A80)")
SC_SW_FUNCTION_UNSUPPORTED = _c("SC_SW_FUNCTION_UNSUPPORTED", I, Action.NONE, "function not supported (SW 6A81)")
SC_SW_FILE_NOT_FOUND = _c("SC_SW_FILE_NOT_FOUND", I, Action.NONE, "file or application not found (SW 6A82)")
SC_SW_RECORD_NOT_FOUND = _c("SC_SW_RECORD_NOT_FOUND", I, Action.NONE, "record not found (SW 6A83)")
SC_SW_NO_SPACE = _c("SC_SW_NO_SPACE", E, Action.STAFF, "not enough memory space in the file (SW 6A84)")
SC_SW_WRONG_P1P2 = _c("SC_SW_WRONG_P1P2", E, Action.MAINTENANCE, "incorrect parameters P1-P2 (SW 6A86/6B00)")
SC_SW_DATA_NOT_FOUND = _c("SC_SW_DATA_NOT_FOUND", I, Action.NONE, "referenced data not found (SW 6A88)")
SC_SW_INS_UNSUPPORTED = _c("SC_SW_INS_UNSUPPORTED", I, Action.NONE, "instruction not supported (SW 6D00)")
SC_SW_CLA_UNSUPPORTED = _c("SC_SW_CLA_UNSUPPORTED", I, Action.NONE, "class not supported (SW 6E00)")
SC_SW_NO_DIAGNOSIS = _c("SC_SW_NO_DIAGNOSIS", E, Action.RETRY, "card error without precise diagnosis (SW 6F00)")
SC_SW_MORE_DATA = _c("SC_SW_MORE_DATA", E, Action.RETRY, "more data available but not fetched (SW 61xx)")
SC_SW_WRONG_LE = _c("SC_SW_WRONG_LE", E, Action.RETRY, "wrong Le; the card named the right one (SW 6Cxx)")
SC_SW_UNKNOWN = _c("SC_SW_UNKNOWN", E, Action.RETRY, "status word not defined by ISO 7816-4")

#: exact (SW1, SW2) → error
SW_EXACT: dict[tuple[int, int], ErrorCode] = {
    (0x62, 0x81): SC_SW_DATA_CORRUPTED, (0x62, 0x82): SC_SW_END_OF_DATA, (0x62, 0x83): SC_SW_FILE_INVALIDATED,
    (0x62, 0x84): SC_SW_BAD_FCI, (0x67, 0x00): SC_SW_WRONG_LENGTH,
    (0x69, 0x81): SC_SW_INCOMPATIBLE_FILE, (0x69, 0x82): SC_SW_SECURITY_STATUS, (0x69, 0x83): SC_SW_AUTH_BLOCKED,
    (0x69, 0x84): SC_SW_DATA_INVALIDATED, (0x69, 0x85): SC_SW_CONDITIONS, (0x69, 0x86): SC_SW_NO_CURRENT_EF,
    (0x69, 0x87): SC_SW_SECURE_MESSAGING, (0x69, 0x88): SC_SW_SECURE_MESSAGING,
    (0x6A, 0x80): SC_SW_WRONG_DATA, (0x6A, 0x81): SC_SW_FUNCTION_UNSUPPORTED, (0x6A, 0x82): SC_SW_FILE_NOT_FOUND,
    (0x6A, 0x83): SC_SW_RECORD_NOT_FOUND, (0x6A, 0x84): SC_SW_NO_SPACE, (0x6A, 0x86): SC_SW_WRONG_P1P2,
    (0x6A, 0x88): SC_SW_DATA_NOT_FOUND, (0x6B, 0x00): SC_SW_WRONG_P1P2, (0x6D, 0x00): SC_SW_INS_UNSUPPORTED,
    (0x6E, 0x00): SC_SW_CLA_UNSUPPORTED, (0x6F, 0x00): SC_SW_NO_DIAGNOSIS,
}
#: SW1 family → error, when no exact entry matches
SW_FAMILY: dict[int, ErrorCode] = {
    0x61: SC_SW_MORE_DATA, 0x62: SC_SW_WARNING, 0x63: SC_SW_CHANGED, 0x64: SC_SW_EXEC_ERROR,
    0x65: SC_SW_MEMORY_FAILURE, 0x68: SC_SW_CLA_FUNCTION, 0x69: SC_SW_NOT_ALLOWED, 0x6A: SC_SW_WRONG_PARAMS,
    0x6C: SC_SW_WRONG_LE,
}

SW_ERRORS: tuple[ErrorCode, ...] = tuple(v for k, v in list(globals().items()) if k.startswith("SC_SW_"))


def sw_error(sw1: int, sw2: int) -> ErrorCode | None:
    """The coded error for a status word; None for 9000 (and 63Cx is SC_SW_VERIFY_FAILED)."""
    if (sw1, sw2) == (0x90, 0x00):
        return None
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        return SC_SW_VERIFY_FAILED
    return SW_EXACT.get((sw1, sw2)) or SW_FAMILY.get(sw1) or SC_SW_UNKNOWN


@dataclass(frozen=True)
class Response:
    data: bytes
    sw1: int
    sw2: int
    error: ErrorCode | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def sw(self) -> str:
        return f"{self.sw1:02X}{self.sw2:02X}"

    def check(self) -> bytes:
        """The data, or raises DeviceError with the coded status (native = the SW as int)."""
        if self.error is not None:
            raise DeviceError(self.error, f"SW {self.sw}", native=(self.sw1 << 8) | self.sw2)
        return self.data


def interpret(raw: bytes | list[int]) -> Response:
    """Split an R-APDU into data + SW and code the SW; never raises on card data."""
    raw = bytes(b & 0xFF for b in raw)
    if len(raw) < 2:
        return Response(raw, 0, 0, X.SC_BAD_RESPONSE)
    return Response(raw[:-2], raw[-2], raw[-1], sw_error(raw[-2], raw[-1]))


# -- commands -----------------------------------------------------------------
GET_UID = bytes.fromhex("FFCA000000")   # PC/SC Part 3 GET DATA, P1=00: UID/serial of a contactless card


def select_aid(aid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def select_file(fid: int) -> bytes:
    return bytes([0x00, 0xA4, 0x02, 0x00, 0x02, fid >> 8, fid & 0xFF])


def read_record(number: int, le: int = 0) -> bytes:
    """READ RECORD, P2=04: record ``number`` of the current EF."""
    return bytes([0x00, 0xB2, number & 0xFF, 0x04, le & 0xFF])


def get_response(le: int) -> bytes:
    return bytes([0x00, 0xC0, 0x00, 0x00, le & 0xFF])


def with_le(command: bytes, le: int) -> bytes:
    """A case-2 command with its Le replaced (for a 6Cxx retry)."""
    return command[:-1] + bytes([le & 0xFF])


# -- ATR (ISO 7816-3 §8.2) ----------------------------------------------------
@dataclass(frozen=True)
class AtrInfo:
    convention: str                 # "direct" (3B) or "inverse" (3F)
    protocols: tuple[int, ...]      # T=0, T=1, ... offered (T=0 when no TD says otherwise)
    historical: bytes
    tck_ok: bool | None             # None when no TCK is required (only T=0)

    def summary(self) -> str:
        protos = "/".join(f"T={p}" for p in self.protocols)
        tck = "" if self.tck_ok is None else (" TCK ok" if self.tck_ok else " TCK BAD")
        return f"{self.convention} convention, {protos}, historical {self.historical.hex().upper() or '-'}{tck}"


def parse_atr(atr: bytes) -> AtrInfo:
    """Parse an ATR; raises DeviceError(SC_BAD_ATR) when it is not one."""
    if len(atr) < 2 or atr[0] not in (0x3B, 0x3F):
        raise DeviceError(X.SC_BAD_ATR, f"{len(atr)} bytes, TS {atr[:1].hex() or 'missing'}")
    hist_len, pos, y, protos = atr[1] & 0x0F, 2, atr[1] >> 4, []
    while True:
        pos += bin(y & 0x7).count("1")          # TA, TB, TC
        if not y & 0x8:
            break
        if pos >= len(atr):
            raise DeviceError(X.SC_BAD_ATR, "interface bytes run past the end")
        td = atr[pos]
        protos.append(td & 0x0F)
        y, pos = td >> 4, pos + 1
    if pos + hist_len > len(atr):
        raise DeviceError(X.SC_BAD_ATR, "historical bytes run past the end")
    historical = atr[pos:pos + hist_len]
    rest = atr[pos + hist_len:]
    needs_tck = any(p != 0 for p in protos)
    tck_ok = None
    if needs_tck:
        if len(rest) != 1:
            raise DeviceError(X.SC_BAD_ATR, "TCK missing" if not rest else "bytes after TCK")
        x = 0
        for b in atr[1:]:
            x ^= b
        tck_ok = x == 0
    elif rest:
        raise DeviceError(X.SC_BAD_ATR, f"{len(rest)} unexpected byte(s) after the historical bytes")
    uniq = tuple(dict.fromkeys(p for p in protos if p != 15)) or (0,)
    return AtrInfo("direct" if atr[0] == 0x3B else "inverse", uniq, bytes(historical), tck_ok)


#: PC/SC Part 3 §3.1.3.2.3: contactless storage cards have RID A0 00 00 03 06 in the historical bytes
PCSC_RID = bytes.fromhex("A000000306")
STORAGE_NAMES = {0x0001: "MIFARE Classic 1K", 0x0002: "MIFARE Classic 4K", 0x0003: "MIFARE Ultralight",
                 0x0026: "MIFARE Mini", 0x003A: "MIFARE Ultralight C", 0x0036: "MIFARE Plus SL1 2K",
                 0x0037: "MIFARE Plus SL1 4K", 0x0038: "MIFARE Plus SL2 2K", 0x0039: "MIFARE Plus SL2 4K",
                 0x0030: "Topaz/Jewel", 0x0031: "FeliCa 212K", 0x0032: "FeliCa 424K"}


def storage_card_name(historical: bytes) -> str | None:
    """The PC/SC Part 3 card name for a contactless storage card (``MIFARE Classic 1K`` ...), else None."""
    i = historical.find(PCSC_RID)
    if i < 0 or len(historical) < i + 8:
        return None
    nn = int.from_bytes(historical[i + 6:i + 8], "big")
    return STORAGE_NAMES.get(nn, f"storage card 0x{nn:04X}")
