# SPDX-License-Identifier: Apache-2.0
"""Search: initials, full pinyin, characters, heteronyms, ranking, odd input."""
import json

import pytest

from kiosk import catalogue, index_cache, pinyin_keys
from kiosk.search import MAX_QUERY, SearchIndex, normalize


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    cat = catalogue.load()
    return index_cache.load_index(cat.items, cat.digest, tmp_path_factory.mktemp("cache"))


def small_index(tmp_path, names):
    """An index over fictitious items with the given names."""
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": f"T{n}", "name": name} for n, name in enumerate(names)],
                               ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    return SearchIndex.from_keys(cat.items, pinyin_keys.build_keys([i.name for i in cat.items]))


def names(results):
    return [h.item.name for h in results.hits]


@pytest.mark.parametrize("query", ["spjyxk", "shipinjingyingxuke", "shipjyxuk", "食品经营许可", "SPJYXK",
                                   "ｓｐｊｙｘｋ", "sp jy xk"])
def test_initials_full_pinyin_mixed_and_characters_find_the_same_item(bundled, query):
    top = bundled.search(query, limit=5)
    assert top.total >= 3
    assert all("食品" in n and "经营许可" in n for n in names(top)[:3])


def test_short_forms_match_characters_in_order_not_adjacent(bundled):
    res = bundled.search("社保卡")
    assert res.total == 12
    assert all(n.startswith("社会保障卡") for n in names(res)[:5])
    hit = res.hits[0]
    assert [hit.item.name[i] for i in hit.matched] == ["社", "保", "卡"]
    assert hit.spans()[:4] == [("社", True), ("会", False), ("保", True), ("障", False)]


def test_half_typed_last_syllable(bundled):
    half = bundled.search("hukouzhux", limit=None)
    full = bundled.search("hukouzhuxiao", limit=None)
    assert full.total >= 5
    assert {h.item.id for h in full.hits} <= {h.item.id for h in half.hits}
    assert names(half)[0].startswith("户口注销") and names(full)[0].startswith("户口注销")


def test_typing_narrows_results_like_a_citizen_types(bundled):
    totals = [bundled.search("shebaoka"[:n], limit=None).total for n in range(1, 9)]
    assert totals == sorted(totals, reverse=True)
    assert totals[-1] >= 10
    # the same answer with or without the keystroke cache
    fresh = SearchIndex.from_keys(bundled.items, pinyin_keys.build_keys([i.name for i in bundled.items]))
    assert [h.item.id for h in fresh.search("shebaoka", limit=None).hits] == \
        [h.item.id for h in bundled.search("shebaoka", limit=None).hits]


def test_ranking_prefix_then_contiguous_then_gaps(tmp_path):
    index = small_index(tmp_path, ["社会保险缴费证明", "办理社会保障卡", "社会保障卡申领", "社区保洁卡"])
    order = names(index.search("shbzk"))
    assert order[0] == "社会保障卡申领"          # starts with it
    assert order[1] == "办理社会保障卡"          # contiguous, later
    assert "社会保险缴费证明" not in order       # no 障/卡 in order
    assert names(index.search("社保卡")) == ["社区保洁卡", "社会保障卡申领", "办理社会保障卡"]


@pytest.mark.parametrize("word, full, initials", [
    ("银行开户", "yinhangkaihu", "yhkh"),
    ("重庆市户籍迁入", "chongqingshi", "cqs"),
    ("会计从业资格", "kuaijicongye", "kjcy"),
    ("长期居住证", "changqijuzhu", "cqjz"),
    ("绿色通道", "lvsetongdao", "lstd"),
])
def test_heteronyms_read_by_phrase(tmp_path, word, full, initials):
    index = small_index(tmp_path, [word, "无关事项"])
    assert names(index.search(full)) == [word]
    assert names(index.search(initials)) == [word]


def test_wrong_reading_of_a_heteronym_does_not_match(tmp_path):
    index = small_index(tmp_path, ["银行开户"])
    assert index.search("yinxing").total == 0
    assert index.search("yinhang").total == 1


@pytest.mark.parametrize("query", ["", "   ", "!!!", "（）", "\x00\x1f", "😀"])
def test_empty_or_symbol_only_query_gives_nothing(bundled, query):
    res = bundled.search(query)
    assert res.total == 0 and res.hits == []


def test_absurd_input_is_bounded_and_fast(bundled):
    long = "zh" * 5000
    assert len(normalize(long)) == MAX_QUERY
    assert bundled.search(long).total == 0
    assert bundled.search("q" * 40).total == 0
    assert bundled.search("<script>alert(1)</script>").total == 0


def test_digits_and_latin_in_names(bundled):
    res = bundled.search("5gjz")
    assert any("5G基站" in n for n in names(res))


def test_limit_and_total(bundled):
    res = bundled.search("s", limit=7)
    assert len(res.hits) == 7 and res.total > 500
    assert bundled.search("s", limit=None).total == res.total


def test_index_cache_is_reused_and_survives_corruption(tmp_path, monkeypatch):
    cat = catalogue.load()
    items = cat.items[:50]
    first = index_cache.load_index(items, "d" * 64, tmp_path)
    (cache,) = tmp_path.glob("search-*.npz")
    calls = []
    real = pinyin_keys.build_keys
    monkeypatch.setattr(pinyin_keys, "build_keys", lambda n: calls.append(n) or real(n))
    again = index_cache.load_index(items, "d" * 64, tmp_path)
    assert calls == []
    assert [h.item.id for h in again.search("hk").hits] == [h.item.id for h in first.search("hk").hits]
    cache.write_bytes(b"not a zip file")
    rebuilt = index_cache.load_index(items, "d" * 64, tmp_path)
    assert len(calls) == 1 and rebuilt.search("hk").total == first.search("hk").total > 0


def test_unwritable_cache_still_gives_an_index(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    index = index_cache.load_index(catalogue.load().items[:20], "e" * 64, blocker / "sub")
    assert index.search("hk").total > 0


def test_pinyin_key_of_a_heteronym_phrase():
    assert pinyin_keys.name_key("银行开户").split(pinyin_keys.SEP) == ["yin", "hang", "kai", "hu"]


def test_query_from_the_names_start_with_gaps_beats_contiguous_in_the_middle(bundled):
    top = names(bundled.search("spjy", limit=8))
    assert all(n.startswith("食品") for n in top[:4]), top
    assert "艺术品经营单位变更备案" not in top               # only contains 术品经营, mid-name
    hit = bundled.search("spjyxk").hits[0]
    assert "".join(t if on else "·" for t, on in hit.spans()).startswith("食品·")
    assert [hit.item.name[i] for i in hit.matched] == list("食品经营许可")
