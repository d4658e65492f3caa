# SPDX-License-Identifier: Apache-2.0
"""The fast engine against a plain-Python statement of the same rules.

kiosk.search finds matches from postings and ranks them with numpy automata;
here every name is checked one by one, in plain Python, by the rules the
citizen sees (pieces in order, gaps allowed; tiers WORD, PREFIX, START,
CONTIGUOUS, FREE; then the more popular item, the earliest completion, the
shorter name, catalogue order). The answers must agree exactly, for queries
typed key by key, with backspaces.

WORD: the query falls, with no gaps, on a run of characters that starts where
a word starts and ends where a word ends (护照 for hz or huzhao in 普通护照签发;
several words in a row count too); the run may step over a bracketed part
(食品(含保健食品)经营 for spjy). Words come from :mod:`kiosk.words`, an
input here like the pinyin keys.

Keywords (俗称) match by the same rules. An item whose name matches is ranked
by its name alone; an item found only through keywords takes its best
keyword's place (tier, completion, shorter keyword, the keyword's position)
and comes after the name matches of the same tier. Each item is listed once.
"""
import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import catalogue, pinyin_keys
from kiosk.catalogue import Item
from kiosk.search import SearchIndex, normalize, search_texts
from kiosk.words import build_ends

SAMPLE = 260            # bundled names checked (the reference is slow on purpose)
LONG = ["威海市经济技术开发区" * 5 + "食品经营许可证变更",          # past the numpy columns
        "关于" + "社会保障" * 12 + "卡申领",
        "经区" * 25 + "户口注销",
        "（市级）" * 3 + "户口（迁移（省内））（补）注销" + "（不动产）登记" * 8 + "）（"]


COLLOQUIAL = ["营业执照", "开公司", "公积金", "社保", "身份证", "办证", "生孩子", "退休金", "5G", "开饭店"]


def with_keywords(items, rnd):
    """Every third item gets 1–3 keywords: colloquial words and pieces of other names (≤ 40)."""
    out = []
    for n, item in enumerate(items):
        if n % 3:
            out.append(item)
            continue
        words = []
        for _ in range(rnd.randint(1, 3)):
            other = rnd.choice(items).name
            start = rnd.randrange(len(other))
            words.append(rnd.choice((rnd.choice(COLLOQUIAL), other[start:start + rnd.randint(2, 40)])))
        out.append(dataclasses.replace(item, keywords=tuple(dict.fromkeys(words))))
    return out


def units_of(text, key, ends):
    """(character, syllable, a word ends here) per character."""
    return list(zip(text, key.split(pinyin_keys.SEP), ends))


@pytest.fixture(scope="module")
def corpus():
    rnd = random.Random(11)
    items = catalogue.load().items
    chosen = rnd.sample(items, SAMPLE)
    chosen += [Item(id=f"L{n}", name=name) for n, name in enumerate(LONG)]
    chosen = with_keywords(chosen, rnd)
    chosen = [dataclasses.replace(i, popularity=rnd.choice((0, 0, 0, 3, 10, 80))) for i in chosen]
    texts = search_texts(chosen)
    keys = pinyin_keys.build_keys(texts)
    ends = build_ends(texts)
    by_text = [units_of(t, k, e) for t, k, e in zip(texts, keys, ends)]
    rows = iter(by_text[len(chosen):])
    units = [(name, [next(rows) for _ in item.keywords]) for item, name in zip(chosen, by_text)]
    return chosen, (keys, ends), units


def takes(unit, q, i, k):
    ch, syl, _end = unit
    return (k == 1 and q[i] == ch) or (k <= len(syl) and syl[:k] == q[i:i + k])


def free(units, q):
    reach = {0}
    for col, unit in enumerate(units):
        reach |= {i + k for i in reach if i < len(q) for k in range(1, len(q) - i + 1) if takes(unit, q, i, k)}
        if len(q) in reach:
            return col
    return None


def anchored(units, q, gaps):
    """First piece on column 0; after it, gaps allowed or not."""
    reach = set()
    for col, unit in enumerate(units):
        frm = {0} if col == 0 else reach
        new = {i + k for i in frm if i < len(q) for k in range(1, len(q) - i + 1) if takes(unit, q, i, k)}
        if gaps and col > 0:
            new |= reach
        if len(q) in new:
            return col
        if not new:
            return None
        reach = new
    return None


def contiguous(units, q):
    best = None
    for s in range(len(units)):
        done = anchored(units[s:], q, gaps=False)
        if done is not None and (best is None or s + done < best):
            best = s + done
    return best


OPEN, CLOSE = "（(【〔[", "）)】〕]"


def bracket_ends(units):
    """Opening bracket column -> its closing bracket column (nested ones matched)."""
    pairs, stack = {}, []
    for col, (ch, _syl, _end) in enumerate(units):
        if ch in OPEN:
            stack.append(col)
        elif ch in CLOSE and stack:
            pairs[stack.pop()] = col
    return pairs


def whole_words(units, q):
    """No gaps, from a word's start to a word's end: the earliest such completion.
    A bracketed part of the name may be stepped over: 食品(含保健食品)经营 for spjy."""
    pairs = bracket_ends(units)

    def following(col):
        col += 1
        while col in pairs:                            # step over （…）, and （…）（…）
            col = pairs[col] + 1
        return col

    best = None
    for s in range(len(units)):
        if s and not units[s - 1][2]:
            continue                                   # not where a word starts
        reach, col = {0}, s
        while col < len(units):
            reach = {i + k for i in reach if i < len(q) for k in range(1, len(q) - i + 1)
                     if takes(units[col], q, i, k)}
            if len(q) in reach and units[col][2]:
                best = col if best is None else min(best, col)
                break
            reach.discard(len(q))
            if not reach:
                break
            col = following(col)
    return best


def place(u, q):
    """(tier, completion column) of one text's units, or None when q does not match."""
    end = free(u, q) if q else None
    if end is None:
        return None
    for tier, done in enumerate((whole_words(u, q), anchored(u, q, gaps=False), anchored(u, q, gaps=True),
                                 contiguous(u, q), end)):
        if done is not None:
            return tier, done
    raise AssertionError("a match falls in some tier")


def band(u, q, tier, popularity):
    """Within the whole-word tier, before popularity: rated items whose text starts with the
    query (0), rated ones with the word further in (1), then the unrated likewise (2, 3)."""
    if tier != 0:
        return 0
    return 2 * (popularity <= 0) + (anchored(u, q, gaps=False) is None)


def best_way(item, name, keywords, q):
    """How an item is listed for q, or None: in the better of its name's tier and its keywords'
    best tier; by its name when the name is in that tier, else by its best keyword there.
    (tier, band, -popularity, keyword?, done, name length, keyword length, keyword number)."""
    found = place(name, q)
    ways = []
    if found is not None:
        ways.append((found[0], band(name, q, found[0], item.popularity), -item.popularity, 0, found[1],
                     len(item.name), 0, -1))
    for n, kw in enumerate(keywords):
        if (p := place(kw, q)) is not None:
            ways.append((p[0], band(kw, q, p[0], item.popularity), -item.popularity, 1, p[1], len(item.name),
                         len(kw), n))
    if not ways:
        return None
    tier = min(w[0] for w in ways)
    if found is not None and found[0] == tier:           # the name decides within its tier
        return ways[0]
    return min(w for w in ways if w[0] == tier)


def reference(items, units, query, limit=None):
    q = normalize(query)
    ranked = []
    for index, (item, (name, keywords)) in enumerate(zip(items, units)):
        way = best_way(item, name, keywords, q)
        if way is not None:
            ranked.append((*way[:7], index))
    ranked.sort()
    return len(ranked), [items[r[7]].id for r in ranked][:limit]


def reference_vias(items, units, query):
    """Per listed item, the keyword it was found through ("" for a name match)."""
    q = normalize(query)
    out = {}
    for item, (name, keywords) in zip(items, units):
        way = best_way(item, name, keywords, q)
        if way is not None:
            out[item.id] = item.keywords[way[7]] if way[3] else ""
    return out


def query_from(units, rnd):
    """What a citizen might type for one name: characters, syllables or their starts, in order."""
    picks = sorted(rnd.sample(range(len(units)), min(len(units), rnd.randint(1, 6))))
    out = []
    for p in picks:
        ch, syl, _end = units[p]
        out.append(rnd.choice((ch, syl, syl[:1], syl[:rnd.randint(1, len(syl))])))
    return "".join(out)


def words_query(units, rnd):
    """One to three whole words in a row, each character typed as its syllable, its start or itself."""
    starts = [s for s in range(len(units)) if s == 0 or units[s - 1][2]]
    s = rnd.choice(starts)
    out, words = [], 0
    for ch, syl, end in units[s:]:
        out.append(rnd.choice((ch, syl, syl[:1], syl[:rnd.randint(1, len(syl))])))
        words += end
        if end and (words >= 3 or rnd.random() < .5):
            break
    return normalize("".join(out)) or "a"


def test_postings_and_ranking_agree_with_the_rules_on_typed_queries(corpus):
    items, keys, units = corpus
    index = SearchIndex.from_keys(items, *keys)
    rnd = random.Random(5)
    texts = [name for name, _kw in units] + [kw for _name, kws in units for kw in kws]
    queries = [query_from(rnd.choice(texts), rnd) for _ in range(160)]
    queries += [words_query(rnd.choice(texts), rnd) for _ in range(80)]
    queries += ["".join(rnd.choice("aeioushzgjxqbdk") for _ in range(rnd.randint(1, 5))) for _ in range(40)]
    queries += ["jjjsk", "wh", "shbzk", "hkzx", "食品", "经区户口", "yyzz", "kgs", "gjj", "营业执照", "5g",
                "hz", "huzhao", "sfz", "zha", "zhang", "xkzbg", "biangeng", "kashenling", "hukouzhuxiao",
                "spjy", "spjyxk", "hkzx", "hkqy", "hkbzx", "bdcdj", "djbdc", "sj", "shijihukou"]
    for q in queries:
        for n in range(1, len(q) + 1):                    # typed key by key, as on the screen
            got = index.search(q[:n], limit=None)
            total, ids = reference(items, units, q[:n])
            assert (got.total, [h.item.id for h in got.hits]) == (total, ids), q[:n]
        vias = reference_vias(items, units, q)
        assert {h.item.id: h.via for h in got.hits} == vias, q
        assert all(bool(h.matched) != bool(h.via) for h in got.hits)
    assert sum(1 for q in queries if any(h.via for h in index.search(q, limit=None).hits)) >= 40
    whole_word_not_first = 0                  # the WORD tier reorders: a whole word later in a name
    for q in queries:
        tiers = [place(name, normalize(q)) for name, _kw in units]
        whole_word_not_first += any(t and t[0] == 0 for t in tiers) and any(t and t[0] == 1 for t in tiers)
    assert whole_word_not_first >= 30


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.one_of(st.sampled_from("shbzkjqxgyaniu"), st.just("<")), min_size=1, max_size=14),
       limit=st.sampled_from([None, 1, 8]))
def test_typing_with_backspaces_gives_what_a_fresh_search_gives(corpus, edits, limit):
    items, keys, units = corpus
    typed_index = SearchIndex.from_keys(items, *keys)
    text = ""
    for key in edits:
        text = text[:-1] if key == "<" else text + key
        got = typed_index.search(text, limit=limit)
        fresh = SearchIndex.from_keys(items, *keys).search(text, limit=limit)
        assert got.total == fresh.total
        assert [h.item.id for h in got.hits] == [h.item.id for h in fresh.hits]
        if text:
            total, ids = reference(items, units, text, limit)
            assert (got.total, [h.item.id for h in got.hits]) == (total, ids), text


def test_matches_far_past_the_numpy_columns(corpus):
    items, keys, _units = corpus
    index = SearchIndex.from_keys(items, *keys)
    hit = index.search("hkzx", limit=None)
    assert "L2" in [h.item.id for h in hit.hits]
    long_hit = next(h for h in hit.hits if h.item.id == "L2")
    assert [long_hit.item.name[i] for i in long_hit.matched] == list("户口注销")
    far = next(h for h in index.search("spjyxkzbg", limit=None).hits if h.item.id == "L0")
    assert min(far.matched) >= 50 and "".join(far.item.name[i] for i in far.matched) == "食品经营许可证变更"


def test_whole_words_step_over_bracketed_parts(corpus):
    """The reference itself: 户口（迁移（省内））（补）注销 is a whole-word match for hkzx
    (two bracketed groups, one nested, stepped over); the engine agrees (above)."""
    items, keys, units = corpus
    at = [i.id for i in items].index("L3")
    name = units[at][0]
    assert place(name, "hkzx")[0] == 0                         # WORD, past the numpy columns
    assert "".join(ch for ch, _s, _e in name[:place(name, "hkzx")[1] + 1]).endswith("注销")
    assert place(name, "shiji")[0] == 0                          # inside brackets still counts
    word_hits = [i for i, (nm, _kw) in zip(items, units) if (p := place(nm, "hkzx")) and p[0] == 0]
    ranked = [h.item.id for h in SearchIndex.from_keys(items, *keys).search("hkzx", limit=None).hits]
    assert "L3" in ranked[:len(word_hits)]                      # among the whole-word hits, first tier
