# SPDX-License-Identifier: Apache-2.0
"""Pure code: status-word table, R-APDU interpretation (fuzzed), ATR parsing, badges, SSC parsing."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.base import DeviceError
from drivers.smartcard import apdu as A, errors as X
from drivers.smartcard.card import mask_hex, match_badge, parse_badges
from drivers.smartcard.ssc import SSSE_AID, parse_card_number

ALL_CODES = set(A.SW_ERRORS) | set(X.HOST_ERRORS)

EXPECTED = {
    "6281": A.SC_SW_DATA_CORRUPTED, "6282": A.SC_SW_END_OF_DATA, "6283": A.SC_SW_FILE_INVALIDATED,
    "6284": A.SC_SW_BAD_FCI, "6200": A.SC_SW_WARNING, "6300": A.SC_SW_CHANGED, "63C2": A.SC_SW_VERIFY_FAILED,
    "6400": A.SC_SW_EXEC_ERROR, "6581": A.SC_SW_MEMORY_FAILURE, "6700": A.SC_SW_WRONG_LENGTH,
    "6881": A.SC_SW_CLA_FUNCTION, "6900": A.SC_SW_NOT_ALLOWED, "6981": A.SC_SW_INCOMPATIBLE_FILE,
    "6982": A.SC_SW_SECURITY_STATUS, "6983": A.SC_SW_AUTH_BLOCKED, "6984": A.SC_SW_DATA_INVALIDATED,
    "6985": A.SC_SW_CONDITIONS, "6986": A.SC_SW_NO_CURRENT_EF, "6987": A.SC_SW_SECURE_MESSAGING,
    "6988": A.SC_SW_SECURE_MESSAGING, "6A80": A.SC_SW_WRONG_DATA, "6A81": A.SC_SW_FUNCTION_UNSUPPORTED,
    "6A82": A.SC_SW_FILE_NOT_FOUND, "6A83": A.SC_SW_RECORD_NOT_FOUND, "6A84": A.SC_SW_NO_SPACE,
    "6A86": A.SC_SW_WRONG_P1P2, "6A88": A.SC_SW_DATA_NOT_FOUND, "6A00": A.SC_SW_WRONG_PARAMS,
    "6B00": A.SC_SW_WRONG_P1P2, "6D00": A.SC_SW_INS_UNSUPPORTED, "6E00": A.SC_SW_CLA_UNSUPPORTED,
    "6F00": A.SC_SW_NO_DIAGNOSIS, "6110": A.SC_SW_MORE_DATA, "6C05": A.SC_SW_WRONG_LE, "9100": A.SC_SW_UNKNOWN,
    "1234": A.SC_SW_UNKNOWN,
}


@pytest.mark.parametrize("sw,code", sorted(EXPECTED.items()))
def test_every_status_word_maps_to_its_code(sw, code):
    """GIVEN each documented SW THEN interpret() gives that coded error with a severity and an action."""
    resp = A.interpret(bytes.fromhex("AB" + sw))
    assert resp.error is code and resp.data == b"\xab" and resp.sw == sw
    with pytest.raises(DeviceError) as info:
        resp.check()
    assert info.value.code == code.code and info.value.native == int(sw, 16)


def test_every_table_entry_is_covered_and_9000_is_success():
    covered = set(EXPECTED.values())
    assert set(A.SW_EXACT.values()) | set(A.SW_FAMILY.values()) <= covered
    assert set(A.SW_ERRORS) == covered
    ok = A.interpret([0x01, 0x02, 0x90, 0x00])
    assert ok.ok and ok.check() == b"\x01\x02"


@pytest.mark.parametrize("raw", [b"", b"\x90", [0x1FF]])
def test_short_answers_are_bad_response(raw):
    assert A.interpret(raw).error in (X.SC_BAD_RESPONSE, None) and not A.interpret(b"\x90").ok


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_responses_give_coded_errors_never_exceptions(raw):
    """GIVEN any bytes as an R-APDU THEN a Response whose error is None only for SW 9000, else a known code."""
    resp = A.interpret(raw)
    if len(raw) >= 2 and raw[-2:] == b"\x90\x00":
        assert resp.ok
    else:
        assert resp.error in ALL_CODES and resp.error.severity and resp.error.action


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=40))
def test_fuzzed_atrs_parse_or_give_sc_bad_atr(raw):
    try:
        info = A.parse_atr(raw)
    except DeviceError as exc:
        assert exc.error is X.SC_BAD_ATR
    else:
        assert info.protocols and len(info.historical) == raw[1] & 0x0F
        A.storage_card_name(info.historical)


def test_atr_summaries():
    vicc = A.parse_atr(bytes.fromhex("3b951381018073ff01000b"))    # vsmartcard vicc --type iso7816
    assert vicc.protocols == (1,) and vicc.historical == bytes.fromhex("8073FF0100") and vicc.tck_ok
    mifare = A.parse_atr(bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"))
    assert A.storage_card_name(mifare.historical) == "MIFARE Classic 1K"
    assert "TCK ok" in mifare.summary()
    bad_tck = A.parse_atr(bytes.fromhex("3B8F8001804F0CA000000306030001000000006B"))
    assert bad_tck.tck_ok is False
    t0 = A.parse_atr(bytes.fromhex("3B6800008073C84000009000"))
    assert t0.protocols == (0,) and t0.tck_ok is None and A.storage_card_name(t0.historical) is None
    for bad in ("", "3B", "4B00", "3B80", "3B0501"):
        with pytest.raises(DeviceError):
            A.parse_atr(bytes.fromhex(bad))


def test_command_builders():
    assert A.select_aid(SSSE_AID).hex().upper() == "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"
    assert A.select_file(0xEF05) == bytes.fromhex("00A4020002EF05")
    assert A.read_record(7, 11) == bytes.fromhex("00B207040B")
    assert A.get_response(0x10) == bytes.fromhex("00C0000010")
    assert A.with_le(A.GET_UID, 4) == bytes.fromhex("FFCA000004")


def test_staff_badge_rules():
    rules = parse_badges(["uid:04A1B2C3D4", "atr:3B8F8001*=desk", "uid:04:a1:b2:c3:d5=W2"])
    atr = bytes.fromhex("3B8F8001804F0CA0")
    assert match_badge(rules, atr, bytes.fromhex("04A1B2C3D4")) == "uid:04A1B2C3D4"   # UID rules win
    assert match_badge(rules, atr, bytes.fromhex("04A1B2C3D5")) == "W2"
    assert match_badge(rules, atr, None) == "desk"
    assert match_badge(rules, bytes.fromhex("3B68"), bytes.fromhex("99")) is None
    for bad in ["04A1", "uid:", "uid:ABC", "nfc:04", "uid:04=x y", 7]:
        with pytest.raises(DeviceError) as info:
            parse_badges([bad])
        assert info.value.error is X.SC_BAD_STAFF_BADGE


def test_ssc_card_number_parsing_and_masking():
    assert parse_card_number(b"\x07\x09D00000017") == "D00000017"
    assert parse_card_number(b"D0000001\x00") == "D0000001"
    assert parse_card_number(b"\x07\x09\xff\xfe") is None and parse_card_number(b"") is None
    assert mask_hex(bytes.fromhex("04A1B2C3D4")) == "******C3D4" and mask_hex("D00000017") == "*****0017"
    assert mask_hex(None) == "-" and mask_hex("AB") == "**"
