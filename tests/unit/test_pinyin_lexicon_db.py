# SPDX-License-Identifier: Apache-2.0
"""The 拼音 lexicon's SQLite file (issue 18): built once per lexicon in the cache folder, rebuilt
when damaged, in memory where no folder is writable; the words are the same either way."""
import gzip
import logging

from kiosk.input.pinyin import PinyinEngine

ROWS = [("bei jing", "北京", 500), ("bei jing", "背景", 300), ("bao jian", "保健", 20),
        ("bei", "北", 90), ("jing", "京", 40), ("shi pin", "食品", 60), ("shui ping", "水平", 200),
        ("bei jing shi", "北京市", 80)]


def _lexicon(path, rows=ROWS):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("# test lexicon\n")
        for key, word, freq in rows:
            fh.write(f"{key}\t{word}\t{freq}\n")
    return path


def _texts(engine, letters, n=3):
    return [c.text for c in engine.candidates(letters, n)]


def test_the_file_is_built_once_and_answers(tmp_path):
    lex = _lexicon(tmp_path / "lex.tsv.gz")
    cache = tmp_path / "cache"
    engine = PinyinEngine(lex, cache)
    assert _texts(engine, "bj", 2) == ["北京", "背景"]
    assert engine.following("北京")[:1] == ["市"]
    assert engine.size == len(ROWS)
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == 1 and files[0].startswith("pinyin-") and files[0].endswith(".sqlite")
    mtime = (cache / files[0]).stat().st_mtime_ns
    engine.close()
    again = PinyinEngine(lex, cache)
    assert _texts(again, "beijing") == ["北京", "背景", "北"]
    assert (cache / files[0]).stat().st_mtime_ns == mtime          # opened, not built again


def test_the_halls_words_come_first_from_the_file(tmp_path):
    engine = PinyinEngine(_lexicon(tmp_path / "lex.tsv.gz"), tmp_path / "cache")
    assert _texts(engine, "sp", 2) == ["水平", "食品"]
    assert engine.prefer(["保健食品经营许可"]) == 2                 # 保健, 食品 (经营 is not in this lexicon)
    assert _texts(engine, "sp", 2) == ["食品", "水平"]
    assert _texts(engine, "bj", 3) == ["保健", "北京", "背景"]
    assert engine.prefer([]) == 0
    assert _texts(engine, "bj", 3) == ["北京", "背景", "保健"]


def test_a_damaged_file_is_built_again(tmp_path, caplog):
    lex = _lexicon(tmp_path / "lex.tsv.gz")
    cache = tmp_path / "cache"
    PinyinEngine(lex, cache).close()
    (built,) = cache.iterdir()
    built.write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        engine = PinyinEngine(lex, cache)
    assert _texts(engine, "bj", 2) == ["北京", "背景"]
    assert "rebuilding" in caplog.text


def test_a_new_lexicon_makes_a_new_file(tmp_path):
    cache = tmp_path / "cache"
    PinyinEngine(_lexicon(tmp_path / "a.tsv.gz"), cache).close()
    engine = PinyinEngine(_lexicon(tmp_path / "b.tsv.gz", ROWS + [("bu jian", "不见", 900)]), cache)
    assert _texts(engine, "bj", 1) == ["不见"]
    assert len(list(cache.iterdir())) == 2


def test_without_a_writable_folder_the_lexicon_is_kept_in_memory(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING):
        engine = PinyinEngine(_lexicon(tmp_path / "lex.tsv.gz"), blocker / "cache")
    assert _texts(engine, "bj", 2) == ["北京", "背景"]
    assert "kept in memory" in caplog.text
