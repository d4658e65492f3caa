# SPDX-License-Identifier: Apache-2.0
"""Random and mutated frames: only coded DeviceErrors, never another exception, never a hang."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from idr_helpers import spec_text_block

from drivers.base import DeviceError
from drivers.id_reader import protocol as P
from drivers.id_reader.card import IdCard
from drivers.id_reader.textblock import decode_card

FUZZ = settings(max_examples=300, deadline=200, suppress_health_check=[HealthCheck.too_slow])
GOOD_READ = P.build_response(0x90, P.build_base_message(spec_text_block(), bytes(1024)))
GOOD_FRAMES = [GOOD_READ, P.build_response(0x9F, bytes(4)), P.build_response(0x80),
               P.build_response(0x90, P.build_sam_id(5, 1, 2, 3, 4))]


def full_pipeline(frame: bytes):
    """What the backend does with one answer: parse, check SW3, split payload, decode the card."""
    resp = P.parse_response(frame).expect(0x90, 0x9F)
    if len(resp.data) == 16:
        return P.parse_sam_id(resp.data)
    msg = P.parse_base_message(resp.data)
    return decode_card(msg.text, msg.photo)


def assert_coded(fn, *args):
    try:
        result = fn(*args)
    except DeviceError as exc:
        assert exc.code.startswith("IDR_")
        return None
    return result


@FUZZ
@given(st.binary(max_size=1400))
def test_random_bytes_give_coded_errors(data):
    assert_coded(full_pipeline, data)
    assert_coded(P.parse_request, data)


@FUZZ
@given(st.sampled_from(GOOD_FRAMES), st.lists(st.tuples(st.integers(0, 2400), st.integers(0, 255)), max_size=6),
       st.integers(0, 2400), st.booleans())
def test_mutated_valid_frames_give_coded_errors(frame, flips, cut, fix_checksum):
    data = bytearray(frame)
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    data = data[:cut] if cut < len(data) else data
    if fix_checksum and len(data) > 7:   # get past the checksum to fuzz the payload and card parsers
        data[-1] = P.checksum(bytes(data[5:-1]))
    result = assert_coded(full_pipeline, bytes(data))
    assert result is None or isinstance(result, (IdCard, str))


@FUZZ
@given(st.binary(min_size=256, max_size=256))
def test_random_text_blocks_give_coded_errors(text):
    assert_coded(decode_card, text)


@FUZZ
@given(st.lists(st.binary(max_size=80), max_size=40))
def test_deframer_never_hangs_on_any_chunking(chunks):
    d = P.Deframer()
    for chunk in chunks:
        d.feed(chunk)
        for _ in range(len(chunk) + 2):     # bounded: each call consumes or returns None
            try:
                if d.next_frame() is None:
                    break
            except DeviceError as exc:
                assert exc.code == "IDR_BAD_FRAME"
        assert d.pending <= 7 + P.MAX_LEN


def test_the_valid_read_frame_really_decodes():
    assert isinstance(full_pipeline(GOOD_READ), IdCard)
    with pytest.raises(DeviceError):
        full_pipeline(GOOD_READ[:-1] + b"\x00")
