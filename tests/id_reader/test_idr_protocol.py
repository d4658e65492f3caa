# SPDX-License-Identifier: Apache-2.0
"""Byte-exact checks against every worked example of the spec (docs/id-reader-protocol.md)."""
import hashlib

import pytest

from drivers.base import Action, DeviceError, Severity
from drivers.id_reader import errors as E
from drivers.id_reader import protocol as P

H = bytes.fromhex


# spec 2.5, frames 1-10
@pytest.mark.parametrize("command, frame", [
    (P.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (P.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (P.READ_BASE, "AA AA AA 96 69 00 03 30 01 32"),
    (P.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    # spec 3.1 request frames
    (P.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
    (P.SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (P.READ_ADDRESS, "AA AA AA 96 69 00 03 30 03 30"),
    (P.READ_MNG_INFO, "AA AA AA 96 69 00 03 30 05 36"),
    (P.READ_BASE_FP, "AA AA AA 96 69 00 03 30 10 23"),
])
def test_request_frames_match_spec(command, frame):
    assert P.build_request(*command) == H(frame)
    assert P.parse_request(H(frame)).key == command


def test_set_max_rf_frame_with_data():
    assert P.build_request(*P.SET_MAX_RF, b"\x50") == H("AA AA AA 96 69 00 04 61 FF 50 CA")
    assert P.parse_request(H("AA AA AA 96 69 00 04 61 FF 50 CA")).data == b"\x50"


@pytest.mark.parametrize("baud, frame", [
    (115200, "AA AA AA 96 69 00 03 60 00 63"), (57600, "AA AA AA 96 69 00 03 60 01 62"),
    (38400, "AA AA AA 96 69 00 03 60 02 61"), (19200, "AA AA AA 96 69 00 03 60 03 60"),
    (9600, "AA AA AA 96 69 00 03 60 04 67"),
])
def test_baud_frames_match_spec_3_10(baud, frame):
    assert P.build_request(P.SET_BAUD, P.BAUD_CODES[baud]) == H(frame)


@pytest.mark.parametrize("frame, sw3, data", [
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, bytes(4)),
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", 0x90, bytes(8)),
    ("AA AA AA 96 69 00 04 00 00 80 84", 0x80, b""),
    ("AA AA AA 96 69 00 04 00 00 90 94", 0x90, b""),
    ("AA AA AA 96 69 00 04 00 00 81 85", 0x81, b""),
    ("AA AA AA 96 69 00 04 00 00 41 45", 0x41, b""),
])
def test_response_frames_match_spec(frame, sw3, data):
    assert P.parse_response(H(frame)) == P.Response(0, 0, sw3, data)
    assert P.build_response(sw3, data) == H(frame)


def test_sam_id_frame_10_renders_the_spec_string():
    frame = H("AA AA AA 96 69 00 14 00 00 90 05 00 01 00 65 B8 32 01 87 D6 12 00 B1 68 DE 3A 10")
    resp = P.parse_response(frame).expect()
    assert P.parse_sam_id(resp.data) == "05.01-20101221-0001234567-0987654321"
    assert P.build_response(0x90, P.build_sam_id(5, 1, 20101221, 1234567, 987654321)) == frame


def test_published_wrong_checksum_is_rejected():
    """GIVEN the published find frame with CHK 21 (correct is 22) WHEN parsed THEN IDR_CHECKSUM."""
    with pytest.raises(DeviceError) as info:
        P.parse_request(H("AA AA AA 96 69 00 03 20 01 21"))
    assert info.value.code == "IDR_CHECKSUM"


@pytest.mark.parametrize("frame, code", [
    ("AA AA AA 96 69 00 04 00 00 90", "IDR_TRUNCATED"),          # CHK missing
    ("AA AA AA 96", "IDR_TRUNCATED"),
    ("02 00 03 CA 00 03", "IDR_BAD_FRAME"),                       # other vendors' framing (spec 1)
    ("EA EB EC ED 00 04 00 00 90 94", "IDR_BAD_FRAME"),
    ("AA AA AA 96 69 00 02 00 00", "IDR_BAD_FRAME"),              # LEN below minimum
    ("AA AA AA 96 69 FF FF 00 00", "IDR_BAD_FRAME"),              # LEN above sanity limit
    ("AA AA AA 96 69 00 04 00 00 90 94 00", "IDR_BAD_FRAME"),     # trailing byte
])
def test_malformed_responses_get_coded_errors(frame, code):
    with pytest.raises(DeviceError) as info:
        P.parse_response(H(frame))
    assert info.value.code == code


def test_every_status_byte_maps_to_a_coded_error_with_severity_and_action():
    for sw3 in (0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81, 0x91, 0xFF):
        with pytest.raises(DeviceError) as info:
            P.Response(0, 0, sw3).expect()
        assert info.value.error is E.STATUS_ERRORS[sw3] and info.value.native == sw3
        assert info.value.code.startswith("IDR_")
    with pytest.raises(DeviceError) as info:
        P.Response(0, 0, 0x55).expect()
    assert info.value.code == "IDR_UNKNOWN_STATUS"
    assert E.IDR_SAM_SELFTEST.severity is Severity.FATAL and E.IDR_SAM_SELFTEST.action is Action.MAINTENANCE
    assert E.IDR_READ_FAILED.action is Action.USER
    assert len({e.code for e in E.ALL_ERRORS}) == len(E.ALL_ERRORS) and all(e.code.startswith("IDR_") for e in E.ALL_ERRORS)


def test_find_answer_ok_is_9f_not_90():
    assert P.Response(0, 0, 0x9F, bytes(4)).expect(P.SW_FOUND).sw3 == 0x9F
    with pytest.raises(DeviceError):
        P.Response(0, 0, 0x9F).expect()


def test_deframer_reassembles_chunks_and_skips_garbage():
    frame = P.build_response(0x90, bytes(range(200)))
    d = P.Deframer()
    stream = b"\x01\xAA\xAA\x02" + frame + P.build_response(0x80)
    got = []
    for i in range(0, len(stream), 7):
        d.feed(stream[i:i + 7])
        while (f := d.next_frame()) is not None:
            got.append(P.parse_response(f))
    assert [r.sw3 for r in got] == [0x90, 0x80] and got[0].data == bytes(range(200))
    assert d.discarded == 4 and d.pending == 0


def test_deframer_resynchronises_after_impossible_length():
    d = P.Deframer()
    d.feed(H("AA AA AA 96 69 FF FF") + P.build_response(0x90))
    with pytest.raises(DeviceError):
        d.next_frame()
    assert P.parse_response(d.next_frame()).sw3 == 0x90


# spec 5.9 byte-exact synthetic vector, envelope part (text block checked in test_idr_textblock)
def _spec_text_block():
    from idr_helpers import spec_text_block
    return spec_text_block()


PHOTO = bytes(i % 256 for i in range(1024))


@pytest.mark.parametrize("fp, size, head, chk, digest", [
    (None, 1295, "AA AA AA 96 69 05 08 00 00 90 01 00 04 00", 0xC8,
     "a5aa14473b66502a355c7cba5da050577eaff925867477711ed61102d7f38b63"),
    (b"", 1297, "AA AA AA 96 69 05 0A 00 00 90 01 00 04 00 00 00", 0xCA,
     "526990505c59eded380b40b7f1090ddddb2367cd6580b1e713dcceba293fe084"),
    (bytes(1024), 2321, "AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00", 0xC2,
     "8f6d94353a46f2bdf7adeff30841ffb36093e317cf26da77c5d3d0bdf5e308c9"),
])
def test_read_answers_match_spec_5_9(fp, size, head, chk, digest):
    text = _spec_text_block()
    frame = P.build_response(0x90, P.build_base_message(text, PHOTO, fp))
    assert (len(frame), frame[:len(H(head))], frame[-1]) == (size, H(head), chk)
    assert hashlib.sha256(frame).hexdigest() == digest
    msg = P.parse_base_message(P.parse_response(frame).expect().data, with_fingerprint=fp is not None)
    assert (msg.text, msg.photo, msg.fingerprint) == (text, PHOTO, fp or b"")
    assert frame[14 if fp is None else 16:][:256] == text   # text offset in the frame (5.1)


def test_appended_address_answer_matches_spec_5_9():
    from drivers.id_reader.textblock import decode_ucs2, encode_ucs2
    frame = P.build_response(0x90, encode_ucs2("北京市西城区测试街2号", 70))
    assert (len(frame), frame[5:7], frame[-1]) == (81, H("00 4A"), 0x17)
    records = P.split_address_records(P.parse_response(frame).data)
    assert [decode_ucs2(r) for r in records] == ["北京市西城区测试街2号"]


@pytest.mark.parametrize("data", [b"", bytes(69), bytes(71), bytes(70 * 5)])
def test_bad_address_payloads_are_coded(data):
    with pytest.raises(DeviceError) as info:
        P.split_address_records(data)
    assert info.value.code == "IDR_BAD_PAYLOAD"


@pytest.mark.parametrize("data", [b"", b"\x01\x00", P.build_base_message(bytes(255), bytes(1024)),
                                  P.build_base_message(bytes(256), bytes(1024))[:-1]])
def test_bad_read_payloads_are_coded(data):
    with pytest.raises(DeviceError) as info:
        P.parse_base_message(data)
    assert info.value.code == "IDR_BAD_PAYLOAD"


def test_deframer_works_in_one_buffer_and_zeroes_each_frame():
    """Issue 16: the reader's answers (card text, photo) live in one preallocated buffer that never
    grows or moves, and a frame taken out of it is zeroed there (no freed copy keeps the card)."""
    secret = bytes(range(200, 256)) * 20
    frame = P.build_response(0x90, secret)
    d = P.Deframer()
    buf = d._buf
    address = id(buf)
    for i in range(0, len(frame), 13):
        room = d.space(13)
        part = frame[i:i + len(room)]
        room[:len(part)] = part
        room.release()
        d.commit(len(part))
    view = d.frame_view()
    assert P.parse_response(view).data == secret
    d.consume(view)
    assert d._buf is buf and id(d._buf) == address and len(buf) == P.Deframer.CAPACITY
    assert d.pending == 0 and not any(buf), "the frame's bytes are still in the deframer's buffer"
    d.feed(b"\x01\x02" + frame[:40])      # a partial answer, then clear(): zeroed as well
    d.clear()
    assert not any(buf)
