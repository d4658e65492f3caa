# SPDX-License-Identifier: Apache-2.0
"""拼音 input: typed letters → words, phrases and whole sentences, from the generated lexicon."""
import pytest

from kiosk.input.pinyin import PinyinEngine


@pytest.fixture(scope="module")
def engine():
    return PinyinEngine()


@pytest.mark.parametrize("letters,first", [
    ("beijing", "北京"), ("bei'jing", "北京"), ("bj", "北京"), ("beij", "北京"),
    ("huzhao", "护照"), ("shenfenzheng", "身份证"), ("sfz", "身份证"), ("xi'an", "西安"),
    ("yingyezhizhao", "营业执照"), ("yanglaojin", "养老金"), ("gongjijin", "公积金"),
    ("shebaoka", "社保卡"),                                   # no such word: the phrase of 社保 + 卡
    ("wodeshenfenzhengdiule", "我的身份证丢了"),             # a sentence typed in one go
    ("ZhongGuo", "中国"),
])
def test_the_first_candidate(engine, letters, first):
    got = engine.candidates(letters, 8)
    assert got and got[0].text == first, [c.text for c in got]
    assert got[0].consumed == len(letters)


def test_candidates_for_the_beginning_leave_the_rest_composing(engine):
    got = engine.candidates("woxiangbanhuzhao", 40)
    assert got[0].consumed == len("woxiangbanhuzhao")
    wo = next(c for c in got if c.text == "我")
    assert wo.consumed == 2 and "护照" in [c.text for c in engine.candidates("woxiangbanhuzhao"[10:], 3)]


def test_v_types_u_umlaut_and_single_letters_offer_characters(engine):
    assert "绿" in [c.text for c in engine.candidates("lv", 8)]
    assert [c.text for c in engine.candidates("a", 3)][0] == "啊"


@pytest.mark.parametrize("letters", ["", "'", "123", "!!", "中文", "x" * 500, "q" * 41, "zzzzzzzz"])
def test_odd_input_gives_a_list_never_an_error(engine, letters):
    got = engine.candidates(letters, 10)
    assert isinstance(got, list) and len(got) <= 10


def test_a_segmentation_prefers_whole_syllables(engine):
    assert [t for t, _ in engine.segment("xian")] == ["xian"]
    assert [t for t, _ in engine.segment("xi'an")] == ["xi", "an"]
    assert [t for t, _ in engine.segment("zhgg")] == ["zh", "g", "g"]


def test_the_halls_words_come_first_and_the_plain_order_returns():
    engine = PinyinEngine()
    assert engine.prefer(["保健食品经营许可", "保健食品备案"]) >= 3
    assert [c.text for c in engine.candidates("bj", 3)][0] == "保健"
    assert [c.text for c in engine.candidates("sp", 2)][0] == "食品"
    assert engine.prefer([]) == 0
    assert [c.text for c in engine.candidates("bj", 3)][0] == "北京"


def test_initials_alone_make_no_sentence_guess(engine):
    got = engine.candidates("spjy", 10)
    assert all(c.consumed < 4 or len(c.text) == 4 for c in got)
