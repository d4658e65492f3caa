# SPDX-License-Identifier: Apache-2.0
"""Card text block (spec 5), GB 11643 check digit (spec 9), nations (spec 6), masking and IdCard privacy."""
import dataclasses
import datetime as dt
import hashlib
import logging

import pytest
from idr_helpers import spec_card, spec_text_block

from drivers.base import DeviceError
from drivers.id_reader.card import CardType, IdCard, mask_name, mask_number
from drivers.id_reader.nations import nation_name
from drivers.id_reader.sim_cards import DEMO_CARDS, demo_card
from drivers.id_reader.textblock import (decode_card, decode_ucs2, encode_text_block, encode_ucs2,
                                         id_check_char, is_valid_id_number, parse_end_date)


def test_spec_5_9_text_block_is_byte_exact():
    text = spec_text_block()
    assert text[:40] == bytes.fromhex("20 5F 09 4E 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 "
                                      "20 00 20 00 20 00 20 00 20 00 31 00 30 00 31 00 31 00 39 00")
    assert hashlib.sha256(text).hexdigest() == "91e9f424f51ce20a2be48c365494b0b0888bab1471ac56a7810419e89b32d408"


def test_spec_5_9_text_block_decodes_to_the_fictitious_person():
    card = decode_card(spec_text_block())
    assert card.card_type is CardType.RESIDENT
    assert (card.name, card.sex_text, card.nation, card.birth_date) == ("张三", "male", "汉", dt.date(1990, 1, 1))
    assert card.address == "北京市东城区测试路1号" and card.authority == "北京市公安局东城分局"
    assert card.number == "110101199001010015" and card.check_digit_valid is True
    assert (card.valid_from, card.valid_until) == (dt.date(2020, 1, 1), dt.date(2030, 1, 1))


def test_published_real_name_field_decodes():
    """spec 5.2: 8B 73 8E 7F 1C 5A + 12 x 20 00 is 王美娜."""
    assert decode_ucs2(bytes.fromhex("8B 73 8E 7F 1C 5A") + b"\x20\x00" * 12) == "王美娜"


@pytest.mark.parametrize("first17, check", [
    ("11010119900101001", "5"), ("11010120000101007", "X"), ("44030120000229123", "7"),
    ("11010519491231002", "X"), ("81000019940823002", "1"),
])
def test_check_digit_examples_of_spec_9(first17, check):
    assert id_check_char(first17) == check
    assert is_valid_id_number(first17 + check) and is_valid_id_number((first17 + check).lower())


def test_wrong_check_digit_is_an_error_never_a_card():
    """GIVEN a resident card whose number ends 6 instead of 5 WHEN decoded THEN IDR_BAD_CHECK_DIGIT."""
    card = dataclasses.replace(spec_card(), number="110101199001010016")
    with pytest.raises(DeviceError) as info:
        decode_card(encode_text_block(card))
    assert info.value.code == "IDR_BAD_CHECK_DIGIT"


@pytest.mark.parametrize("change, code", [
    (dict(number="11010119900101001"), "IDR_BAD_NUMBER"),
    (dict(number="1101011990010100A5"), "IDR_BAD_NUMBER"),
    (dict(number="110101199001020010"), "IDR_FIELD_MISMATCH"),   # valid check digit, birth date differs
    (dict(birth_date=dt.date(1990, 1, 2)), "IDR_FIELD_MISMATCH"),
])
def test_number_shape_and_birth_date_are_validated(change, code):
    with pytest.raises(DeviceError) as info:
        decode_card(encode_text_block(dataclasses.replace(spec_card(), **change)))
    assert info.value.code == code


def test_bad_dates_and_text_are_coded():
    text = bytearray(spec_text_block())
    text[36:52] = encode_ucs2("19901301", 16)
    with pytest.raises(DeviceError, match="IDR_BAD_DATE"):
        decode_card(bytes(text))
    text = bytearray(spec_text_block())
    text[0:2] = b"\x00\xD8"  # lone surrogate
    with pytest.raises(DeviceError, match="IDR_BAD_TEXT"):
        decode_card(bytes(text))
    text = bytearray(spec_text_block())
    text[248:250] = "Q".encode("utf-16-le")
    with pytest.raises(DeviceError, match="IDR_UNKNOWN_CARD_TYPE"):
        decode_card(bytes(text))


def test_long_term_validity_and_expiry():
    assert parse_end_date("长期") is None and parse_end_date("长期    ".rstrip()) is None
    card = decode_card(encode_text_block(dataclasses.replace(spec_card(), valid_until=None)))
    assert card.long_term and not card.is_expired(dt.date(2999, 1, 1))
    raw = encode_text_block(dataclasses.replace(spec_card(), valid_until=None))
    assert raw[204:208] == bytes.fromhex("7F 95 1F 67")     # 长期 as stored (5.2)
    card = decode_card(spec_text_block())
    assert not card.is_expired(dt.date(2030, 1, 1)) and card.is_expired(dt.date(2030, 1, 2))


@pytest.mark.parametrize("name", DEMO_CARDS)
def test_every_demo_card_round_trips_and_is_valid(name):
    card = demo_card(name)
    decoded = decode_card(encode_text_block(card), card.photo_wlt)
    assert decoded.card_type is card.card_type
    assert dataclasses.replace(decoded, check_digit_valid=None) == card
    expected = None if card.card_type is CardType.FOREIGNER_2017 else True
    assert decoded.check_digit_valid is expected
    assert "测试" in card.name      # fictitious test persons only


def test_card_type_markers_and_layouts():
    assert decode_card(encode_text_block(demo_card("hmt"))).permit_number == "H00000000"
    y = encode_text_block(demo_card("foreigner2023"))
    assert y[248:250] == b"Y\x00" and y[242:248] == "XXX".encode("utf-16-le")
    assert decode_card(y).name_en == "SAMPLE, TEST PERSON WITH A LONG ENGLISH NAME"  # spans 52 and 220
    i = encode_text_block(demo_card("foreigner2017"))
    assert i[248:250] == b"I\x00" and decode_card(i).name_en == "SAMPLE, OLD TEST PERSON"
    assert decode_card(encode_text_block(demo_card("expired"))).is_expired()


def test_hmt_and_2023_number_prefixes_are_enforced():
    bad = dataclasses.replace(demo_card("hmt"), number="110000199503150030")
    with pytest.raises(DeviceError, match="IDR_BAD_NUMBER"):
        decode_card(encode_text_block(bad))


def test_nation_table():
    assert nation_name("01") == "汉" and nation_name("46") == "德昂" and nation_name("98") == "外国血统中国籍人士"
    assert nation_name("77") == "code 77"


@pytest.mark.parametrize("name, masked", [("张三丰", "张*丰"), ("张三", "张*"), ("测试样例", "测**例"), ("张", "*"), ("", "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_number():
    assert mask_number("37010219900101123X") == "3701**********123X"
    assert mask_number("XXX000000000001") == "XXX0*******0001"
    assert mask_number("12345678") == "********"


def test_repr_and_logs_never_show_clear_data(caplog):
    card = decode_card(spec_text_block())
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("card %s %r %s", card, card, [card])
    text = caplog.text + repr(card) + str(card) + f"{card}"
    for secret in ("张三", "110101199001010015", "东城区", "19900101", "1990-01-01"):
        assert secret not in text
    assert "张*" in text and "1101**********0015" in text


def test_wipe_clears_every_personal_field():
    card = decode_card(spec_text_block(), photo=bytes(1024))
    card.appended_addresses.append("北京市西城区测试街2号")
    card.wipe()
    assert card.name == card.number == card.address == card.authority == ""
    assert card.photo_wlt == b"" and card.appended_addresses == [] and card.birth_date == dt.date.min
    assert card.check_digit_valid is None
    assert isinstance(card, IdCard)
