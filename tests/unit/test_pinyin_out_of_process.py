# SPDX-License-Identifier: Apache-2.0
"""pypinyin and jieba never load into the kiosk process (issue 18: pypinyin's phrase tables are
about 55 MB that the kiosk would hold all day, jieba's dictionary about 80 MB while loaded): the
search keys, the A–Z order, the 问一问 character table and the names' word ends come from child
processes, and they are what pypinyin and jieba say."""
import subprocess
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from kiosk import pinyin_keys, words

ROOT = Path(__file__).resolve().parents[2]


def test_the_character_table_says_what_pypinyin_says():
    sample = "行重银长乐会计营业执照身份证护照社保养老金不动产婚姻登记龘㐀"
    for ch in sample:
        want = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
        assert pinyin_keys.syllable(ch) == (want[0] if want else ""), ch
    assert pinyin_keys.syllable("a") == "" and pinyin_keys.syllable("") == ""
    assert pinyin_keys.syllable("北京") == ""          # one character at a time


def test_the_childs_keys_are_the_in_process_keys():
    names = ["银行开户", "重庆户口", "会计证", "ABC证明"]
    assert pinyin_keys.build_keys(names) == [pinyin_keys.name_key(n) for n in names]
    assert pinyin_keys.build_keys([]) == []


def test_the_childs_word_ends_are_jiebas():
    names = ["居民身份证补办", "护照", "红字发票", "a", "不动产登记（首次）"]
    assert words.build_ends_apart(names) == words.build_ends(names)
    assert words.build_ends_apart(names)[1] == [False, True]
    assert words.build_ends_apart([]) == []


def test_a_kiosk_that_builds_its_indexes_and_answers_a_question_never_loads_pypinyin_or_jieba(tmp_path):
    probe = (
        "import sys\n"
        "from kiosk import catalogue, index_cache\n"
        "from kiosk.consult import ask_cache, faq\n"
        "cat = catalogue.load()\n"
        f"index = index_cache.load_index(cat.items, cat.digest, {str(tmp_path)!r})\n"
        "kb = faq.load()\n"
        f"ask = ask_cache.load_ask(kb, cat.items, [], {str(tmp_path)!r})\n"
        "hits = ask.ask('身份证丢了怎么补办')\n"
        "print(len(index), bool(hits), 'pypinyin' in sys.modules, 'jieba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                         timeout=300, env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    size, answered, pypinyin_loaded, jieba_loaded = out.stdout.split()
    assert int(size) > 800 and answered == "True"
    assert pypinyin_loaded == "False" and jieba_loaded == "False"
    assert list((tmp_path / "xdg" / "ehall-kiosk").glob("pinyin-chars-*.npz"))


def test_without_a_child_process_the_ends_are_made_here_and_jiebas_dictionary_dropped(monkeypatch, caplog):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert words.build_ends_apart(["护照", "居民身份证"]) == words.build_ends(["护照", "居民身份证"])
    words.release()
    assert words.build_ends_apart(["护照"]) == [[False, True]]
    assert "kiosk.words child process failed" in caplog.text
    import jieba

    assert jieba.dt.FREQ == {} and not jieba.dt.initialized       # released after the build
