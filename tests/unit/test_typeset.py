# SPDX-License-Identifier: Apache-2.0
"""避头尾: wrapped Chinese lines never start with closing or end with opening punctuation."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.typeset import NO_LINE_END, NO_LINE_START, breaks_rules, wrap


def measure(text: str) -> float:            # full-width characters one em, others half
    return sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in text)


def test_the_face_consent_line_that_started_with_a_comma():
    text = "请正对摄像头，按屏幕提示向左转头、向右转头，完成后请稍候。"
    for width in range(4, 30):
        lines = wrap(text, width, measure)
        assert "".join(lines) == text and not breaks_rules(lines), (width, lines)
        assert all(measure(line) <= width for line in lines)


def test_newlines_are_kept_and_a_too_long_word_is_split():
    assert wrap("第一行\n第二行", 10, measure) == ["第一行", "第二行"]
    assert wrap("ABCDEFGHIJKLMNOPQRST", 4, measure) == ["ABCDEFGH", "IJKLMNOP", "QRST"]


HAN = st.text(alphabet="请将身份证放在读卡区然后按提示转头完成", min_size=1, max_size=4)
MARK = st.sampled_from(["", "，", "。", "、", "；", "？", "（", "）", "「", "」", "《", "》"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(HAN, MARK), max_size=20), st.integers(3, 20))
def test_no_line_breaks_the_rules_whatever_the_text(pieces, width):
    text = "".join(h + m for h, m in pieces)
    lines = wrap(text, width, measure)
    assert "".join(lines) == text
    # where the text itself starts or ends with punctuation, its first line or last line must
    assert not [line for line in lines[1:] if line[:1] in NO_LINE_START], lines
    assert not [line for line in lines[:-1] if line[-1:] in NO_LINE_END], lines


def test_a_line_ends_at_a_pause_rather_than_split_a_short_word():
    """生育、户口、社保、退休等 in a tile two characters short: the line ends after 户口、 and 社保
    stays whole (before: 生育、户口、社 | 保、退休等, legal but a word cut in two)."""
    from kiosk.typeset import wrap
    lines = wrap("生育、户口、社保、退休等", 8.5, len)
    assert lines == ["生育、户口、", "社保、退休等"]
    assert wrap("一二三四五六七八九十", 5, len) == ["一二三四五", "六七八九十"]    # no pause: as before
