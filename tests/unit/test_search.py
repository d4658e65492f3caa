# SPDX-License-Identifier: Apache-2.0
"""Search: initials, full pinyin, characters, heteronyms, ranking, odd input."""
import json

import pytest

from kiosk import catalogue, index_cache, pinyin_keys
from kiosk.search import MAX_QUERY, SearchIndex, normalize, search_texts


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    cat = catalogue.load()
    return index_cache.load_index(cat.items, cat.digest, tmp_path_factory.mktemp("cache"))


def small_index(tmp_path, names, keywords=None):
    """An index over fictitious items with the given names (and keywords: name → "word;word")."""
    keywords = keywords or {}
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": f"T{n}", "name": name, "keywords": keywords.get(name, "")}
                                for n, name in enumerate(names)], ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    return SearchIndex.from_keys(cat.items, pinyin_keys.build_keys(search_texts(cat.items)))


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
    fresh = SearchIndex.from_keys(bundled.items, pinyin_keys.build_keys(search_texts(bundled.items)))
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


def test_whole_words_first_then_the_names_start_with_gaps_beats_contiguous_in_the_middle(bundled):
    top = names(bundled.search("spjy", limit=8))
    assert all("食品经营" in n for n in top[:3]), top        # whole words 食品 经营, mid-name
    assert all(n.startswith("食品") for n in top[3:7]), top   # then from the start, with gaps
    assert "艺术品经营单位变更备案" not in top               # only contains 术品经营, mid-name, not whole words
    hit = bundled.search("spjyxk").hits[0]
    assert "".join(t if on else "·" for t, on in hit.spans()).startswith("食品·")
    assert [hit.item.name[i] for i in hit.matched] == list("食品经营许可")


# -- keywords (俗称) -------------------------------------------------------------

HALL = ["企业设立登记", "个体工商户设立登记", "营业执照遗失补领", "住房公积金提取", "公共场所卫生许可",
        "婚姻登记"]
WORDS = {"企业设立登记": "营业执照；开公司", "个体工商户设立登记": "营业执照、开店",
         "住房公积金提取": "公积金", "婚姻登记": "结婚证"}


def ids(results):
    return [h.item.id for h in results.hits]


@pytest.mark.parametrize("query", ["yyzz", "yingyezhizhao", "yingyezh", "营业执照", "营业zz", "yyzhiz"])
def test_a_keyword_finds_items_whose_names_do_not_match(tmp_path, query):
    res = small_index(tmp_path, HALL, WORDS).search(query)
    assert ids(res) == ["T2", "T0", "T1"]                # the name match first, then keyword matches
    assert res.total == 3
    name_hit, via = res.hits[0], res.hits[1:]
    assert name_hit.via == "" and name_hit.via_spans() == [] and name_hit.matched
    assert all(h.via == "营业执照" and h.matched == () for h in via)
    assert "".join(name_hit.item.name[i] for i in name_hit.matched) in ("营业执照", "营业执")
    assert "".join(t for t, on in via[0].via_spans() if on) in ("营业执照", "营业执")
    assert via[0].via_spans()[0] == ("营业执照" if query != "yingyezh" else "营业执", True)


def test_keyword_highlight_spans_show_the_matched_part(tmp_path):
    index = small_index(tmp_path, HALL, WORDS)
    (hit,) = index.search("kgs").hits
    assert (hit.item.id, hit.via, hit.via_spans()) == ("T0", "开公司", [("开公司", True)])
    (hit,) = index.search("kaidian").hits
    assert (hit.item.id, hit.via, hit.via_matched) == ("T1", "开店", (0, 1))
    (hit,) = index.search("jhz").hits
    assert hit.spans() == [("婚姻登记", False)] and hit.via_spans() == [("结婚证", True)]


def test_an_item_matching_by_name_and_keyword_is_listed_once_as_a_name_match(tmp_path):
    index = small_index(tmp_path, ["住房公积金提取", "公积金贷款"], {"住房公积金提取": "公积金;取公积金"})
    res = index.search("gjj", limit=None)
    assert res.total == 2 and sorted(ids(res)) == ["T0", "T1"]
    assert all(h.via == "" for h in res.hits)
    assert ids(res) == ["T1", "T0"]                      # ranked by the names as without keywords


def test_a_name_match_outranks_a_keyword_match_of_the_same_tier_not_a_better_one(tmp_path):
    index = small_index(tmp_path, ["营业性演出审批", "营业执照遗失补领", "一般企业注销", "医师执业注销注册"],
                        {"一般企业注销": "营业执照注销;执照注销"})
    res = index.search("yyzz", limit=None)
    # T1 starts with it (name); T2's keyword starts with it (keyword, same tier: after T1);
    # T3's name only starts with a gappy match (a worse tier than both)
    assert ids(res) == ["T1", "T2", "T3"]
    assert [h.via for h in res.hits] == ["", "营业执照注销", ""]
    assert res.total == 3


def test_a_keyword_in_a_better_tier_than_the_name_ranks_and_shows_the_item(tmp_path):
    """低保 (db) is a whole word of the keyword, while the name has 低…保 only with a gap: the
    item ranks in the keyword's tier, above names that hold d…b with gaps earlier on."""
    index = small_index(tmp_path, ["在大坝管理和保护范围内修建码头", "最低生活保障", "电子社会保障卡签发"],
                        {"最低生活保障": "低保"})
    res = index.search("db", limit=None)
    assert ids(res)[0] == "T1" and res.hits[0].via == "低保"
    assert res.total == 3 and sorted(ids(res)) == ["T0", "T1", "T2"]          # each item once


def test_total_counts_items_not_keyword_rows(tmp_path):
    index = small_index(tmp_path, ["甲事项", "乙事项"], {"甲事项": "开公司;开公司分店;开分公司", "乙事项": "开公司"})
    res = index.search("kgs", limit=None)
    assert res.total == 2 and ids(res) == ["T0", "T1"]
    assert res.hits[0].via == "开公司"                   # the best of its keywords: shortest of the tier
    assert index.search("kgs", limit=1).total == 2 and len(index.search("kgs", limit=1).hits) == 1
    assert index.search("kfgs").hits[0].via == "开分公司"


def test_long_names_and_keywords_together(tmp_path):
    long = "威海市经济技术开发区" * 5 + "食品经营许可证变更"
    index = small_index(tmp_path, [long, "其他事项"], {long: "卖吃的", "其他事项": "经营许可" * 10})
    hit = index.search("spjyxkzbg").hits[0]
    assert hit.item.name == long and min(hit.matched) >= 50
    assert ids(index.search("mcd")) == ["T0"]
    far = index.search("jyxkjyxkjyxkjyxkjyxkjyxkjyxk")
    assert ids(far) == ["T1"] and len(far.hits[0].via_matched) == 28


def test_index_cache_holds_keyword_rows_and_a_changed_keyword_is_a_new_index(tmp_path, monkeypatch):
    path = tmp_path / "hall.csv"
    path.write_text("id,name,keywords\nK1,企业设立登记,营业执照;开公司\nK2,婚姻登记,\n", encoding="utf-8")
    cat = catalogue.load(path)
    cache = tmp_path / "cache"
    first = index_cache.load_index(cat.items, cat.digest, cache)
    assert first.search("kgs").hits[0].via == "开公司"
    monkeypatch.setattr(pinyin_keys, "build_keys", lambda n: pytest.fail("rebuilt"))
    again = index_cache.load_index(cat.items, cat.digest, cache)
    assert [(h.item.id, h.via, h.via_matched) for h in again.search("yyzz").hits] == [("K1", "营业执照", (0, 1, 2, 3))]
    monkeypatch.undo()
    path.write_text("id,name,keywords\nK1,企业设立登记,营业执照;办公司\nK2,婚姻登记,结婚\n", encoding="utf-8")
    changed = catalogue.load(path)
    assert changed.digest != cat.digest
    new = index_cache.load_index(changed.items, changed.digest, cache)
    assert new.search("kgs").total == 0 and new.search("bgs").hits[0].via == "办公司"
    assert new.search("jh").hits[0].via == "结婚"
    assert len(list(cache.glob("search-5-*.npz"))) == 2


def test_a_cache_of_other_rows_is_rebuilt_not_trusted(tmp_path):
    items = catalogue.load().items[:5]
    index_cache.load_index(items, "f" * 64, tmp_path)
    import dataclasses
    with_words = [dataclasses.replace(items[0], keywords=("开公司",))] + items[1:]
    index = index_cache.load_index(with_words, "f" * 64, tmp_path)     # same digest, more rows
    assert index.search("kgs").hits[0].via == "开公司"


def test_index_cache_keeps_word_ends_so_a_cached_index_ranks_whole_words_first(tmp_path):
    """GIVEN an index saved to the cache WHEN loaded again THEN the file holds the word ends
    and the bracketed parts, and the loaded index ranks like a freshly built one (huzhao: 普通护照签发 before 户口迁入…)."""
    import numpy as np

    cat = catalogue.load()
    built = index_cache.load_index(cat.items, cat.digest, tmp_path)
    (path,) = tmp_path.glob("search-5-*.npz")
    with np.load(path) as data:
        assert data["ends"].dtype == bool and len(data["ends"]) == len(data["flat"])
    loaded = index_cache.load_index(cat.items, cat.digest, tmp_path)
    for kept, made in zip(loaded.bracket_skips, built.bracket_skips):    # kept, not recomputed
        assert len(made) > 0 and np.array_equal(kept, made)
    for q in ("huzhao", "hz", "sfz", "spjyxk"):
        assert names(loaded.search(q, limit=20)) == names(built.search(q, limit=20))
    top = names(loaded.search("huzhao", limit=3))
    assert top[0].startswith("普通护照签发"), top


def test_one_key_answers_kept_for_good_are_only_the_36_keys_a_day_of_characters_goes_to_the_lru(bundled):
    """Single Chinese characters are answered and cached in the bounded LRU, not kept for good
    (a day of different characters would otherwise each stay: issue 18, docs/memory.md)."""
    index = bundled
    chars = sorted({c for item in catalogue.load().items for c in item.name if "\u4e00" <= c <= "\u9fff"})[:300]
    for key in "abcdefghijklmnopqrstuvwxyz0123456789":
        index.search(key)
    for ch in chars:
        assert index.search(ch).total > 0
    assert len(index._first) <= 36 and all(k.isascii() for k in index._first)
    assert index.search(chars[0]).total > 0 and chars[0] in index._cache._entries


def test_whole_words_at_the_name_start_come_first_among_everyday_items(tmp_path):
    """GIVEN 失业 at the start of a rated item's name and in the middle of a more popular one
    WHEN shiye is typed THEN the one that starts with it comes first; an unrated item that
    starts with it still comes after every rated one (hz must not bring 红字… before 护照)."""
    items = [("机关事业单位退休申报", 85), ("失业保险金申领", 75), ("事业单位登记", 0), ("普通护照签发", 85),
             ("红字发票开具", 0)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": f"T{n}", "name": name, "popularity": pop}
                                for n, (name, pop) in enumerate(items)], ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    index = SearchIndex.from_keys(cat.items, pinyin_keys.build_keys(search_texts(cat.items)))
    for query in ("shiye", "sy"):
        assert ids(index.search(query))[:3] == ["T1", "T0", "T2"], query
    assert ids(index.search("事业")) == ["T0", "T2"]           # rated first, though mid-name
    assert ids(index.search("hz"))[:2] == ["T3", "T4"]
