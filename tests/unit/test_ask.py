# SPDX-License-Identifier: Apache-2.0
"""问一问: the knowledge base loader, the ranking on paraphrases, bad input, and the admin commands."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import catalogue
from kiosk.consult import AskIndex, FaqError, load, load_synonyms

ROOT = Path(__file__).resolve().parents[2]
PARAPHRASES = ROOT / "tests" / "data" / "ask-paraphrases.csv"


@pytest.fixture(scope="module")
def index():
    return AskIndex(load(), catalogue.load().items, load_synonyms())


def test_the_bundled_knowledge_base_is_whole_and_cites_its_sources():
    kb = load()
    assert len(kb) == 123 and kb.errors == []
    assert all(f.sources and f.answer and f.question for f in kb.entries)


def test_paraphrases_find_the_right_answer_in_the_top_three(index, capsys):
    """A set of everyday phrasings written for this test (not the knowledge base's own variants)."""
    rows = list(csv.DictReader(PARAPHRASES.open(encoding="utf-8")))
    assert len(rows) >= 50
    misses = []
    for row in rows:
        expected = set(row["expected"].split("|"))
        got = [a.id for a in index.ask(row["question"], 3)]
        if not expected & set(got):
            misses.append((row["question"], sorted(expected), got))
    rate = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\n问一问 paraphrase set: top-3 {rate:.0%} of {len(rows)}")
    assert rate >= 0.9, misses


@pytest.mark.parametrize("question,expected", [
    ("照子丢了咋办", "FAQ-038"),          # synonyms: 照子 = 营业执照, 咋办 = 怎么办
    ("营业只照遗失", "FAQ-038"),          # a homophone typo (只 for 执)
    ("丢了 执照", "FAQ-038"),             # keywords only, in another order
    ("我是个体户，生意不干了，想把执照注销掉，请问要不要在网上公示一下，谢谢", "FAQ-037"),   # rambling
])
def test_what_survives_paraphrase(index, question, expected):
    assert expected in [a.id for a in index.ask(question, 3)]


def test_answers_mix_faq_and_items_and_mark_the_matched_words(index):
    answers = index.ask("个体户注销", 5)
    kinds = {a.kind for a in answers}
    assert kinds == {"faq", "item"}
    assert [a.score for a in answers] == sorted((a.score for a in answers), reverse=True)
    top = answers[0]
    marked = "".join(top.title[s:e] for s, e in top.spans)
    assert "注销" in marked


@pytest.mark.parametrize("question", ["", "   ", "？？？", "😀😀", "\x00\x1b[2J", "\ud800护照", "护" * 5000,
                                      "hz", "123456"])
def test_bad_questions_give_a_list_never_an_error(index, question):
    answers = index.ask(question, 5)
    assert isinstance(answers, list) and len(answers) <= 5


def test_a_long_question_is_cut_and_still_answered(index):
    assert index.ask("护照丢了怎么办" + "啊" * 600, 3)[0].id == "FAQ-106"


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_bad_rows_are_named_by_line_and_the_rest_is_kept(tmp_path):
    path = _write(tmp_path, "kb.csv", "id,question,answer,variants\n"
                                      "A1,问题一,答案一,说法一|说法二\n"
                                      "A1,问题二,答案二,\n"
                                      "A2,,答案,\n"
                                      "A3,问题,,\n"
                                      "A4,问题\u202e,答案,\n"
                                      "bad id!,问题,答案,\n"
                                      "A5,只有两列\n")
    kb = load(path)
    assert [f.id for f in kb.entries] == ["A1"] and kb.entries[0].variants == ("说法一", "说法二")
    reasons = {e.line: e.reason for e in kb.errors}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "twice" in reasons[3] and "question is empty" in reasons[4] and "answer is empty" in reasons[5]
    assert "direction-override" in reasons[6] and "letters, digits" in reasons[7] and "fields" in reasons[8]


def test_gb18030_json_and_bom_are_read(tmp_path):
    assert load(_write(tmp_path, "gb.csv", "id,question,answer\nG1,护照怎么办,去出入境\n", "gb18030")).entries[0].id == "G1"
    assert load(_write(tmp_path, "bom.csv", "\ufeffid,question,answer\nB1,问,答\n")).entries[0].id == "B1"
    data = {"faq": [{"id": "J1", "question": "问", "answer": "答", "variants": ["说法"], "sources": ["法规第一条"]}]}
    kb = load(_write(tmp_path, "kb.json", json.dumps(data, ensure_ascii=False)))
    assert kb.entries[0].variants == ("说法",) and kb.entries[0].sources == ("法规第一条",)


@pytest.mark.parametrize("text,why", [
    ("[{]", "not valid JSON"),
    ("[" * 100000, "nested too deeply"),
    ("id,question,answer\nA,,\n", "no usable entry"),
    ("name,text\n", "no id, question"),
    ("", "empty"),
])
def test_an_unusable_file_is_refused_whole(tmp_path, text, why):
    with pytest.raises(FaqError) as info:
        load(_write(tmp_path, "kb.json" if text.startswith("[") else "kb.csv", text))
    assert why in str(info.value) and str(tmp_path) in str(info.value)


def test_devices_and_folders_are_refused_without_reading(tmp_path):
    for path, why in (("/dev/zero", "not a regular file"), (str(tmp_path), "is a directory")):
        with pytest.raises(FaqError) as info:
            load(path)
        assert why in str(info.value)


def test_a_bad_synonym_line_is_named(tmp_path):
    path = _write(tmp_path, "syn.txt", "营业执照 = 执照\n只有一个词\n")
    with pytest.raises(ValueError) as info:
        load_synonyms(path)
    assert f"{path}:2:" in str(info.value)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ehall_kiosk", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_cli_ask_prints_what_the_kiosk_shows():
    out = _cli("ask", "护照丢了怎么办", "--json", "--limit", "3")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0] == {"kind": "faq", "id": "FAQ-106", "title": "护照丢了或快过期了怎么办？", "score": rows[0]["score"]}
    assert len(rows) == 3 and all(set(r) == {"kind", "id", "title", "score"} for r in rows)
    plain = _cli("ask", "护照丢了怎么办", "--limit", "1")
    assert plain.stdout.startswith("faq\tFAQ-106\t") and "[护照丢了]" in plain.stdout


def test_cli_faq_check(tmp_path):
    ok = _cli("faq", "check", str(ROOT / "kiosk" / "data" / "faq.csv"))
    assert ok.returncode == 0 and "123 entries usable, 0 rows rejected" in ok.stdout
    bad = _cli("faq", "check", str(_write(tmp_path, "kb.csv", "id,question,answer\nA,问,答\nA,问,答\n")))
    assert bad.returncode == 1 and f"{tmp_path}/kb.csv:3: id A appears twice" in bad.stdout
    none = _cli("faq", "check", "/dev/zero")
    assert none.returncode == 2 and "not a regular file" in none.stderr and "Traceback" not in none.stderr


OFFTOPIC = ROOT / "tests" / "data" / "ask-offtopic.csv"


def test_no_good_answer_is_said_for_what_the_hall_does_not_do(index, capsys):
    """The kiosk says it found answers (为您找到 …) only when the best one answers the question:
    none of the off-topic questions (written for this test; several share 丢了, 手机, 孩子 or
    怎么办 with real entries and scored above the old bare threshold of 8) is "good", while the
    paraphrases whose right answer comes first almost all are."""
    off = [r["question"] for r in csv.DictReader(OFFTOPIC.open(encoding="utf-8"))]
    wrongly_good = [q for q in off if index.is_good(q, index.ask(q, 3))]
    assert wrongly_good == []
    rows = list(csv.DictReader(PARAPHRASES.open(encoding="utf-8")))
    right = [r["question"] for r in rows if index.ask(r["question"], 1)
             and index.ask(r["question"], 1)[0].id in r["expected"].split("|")]
    good = [q for q in right if index.is_good(q, index.ask(q, 3))]
    with capsys.disabled():
        print(f"\n问一问 'good answer' on the paraphrases answered first: {len(good)} of {len(right)}; "
              f"off-topic called good: {len(wrongly_good)} of {len(off)}")
    assert len(good) >= 0.9 * len(right), sorted(set(right) - set(good))
    assert index.is_good("护照", index.ask("护照", 3)) and index.is_good("社保", index.ask("社保", 3))


def test_an_english_question_is_good_when_an_english_name_holds_it(tmp_path):
    faq = tmp_path / "faq.csv"
    faq.write_text("id,question,variants,answer,category,related_items,source,name_en\n"
                   "H-1,护照怎么办理？,,请到出入境窗口办理护照。,,,本厅,How do I apply for a passport?\n",
                   encoding="utf-8")
    small = AskIndex(load(faq), [], load_synonyms())
    answers = small.ask("passport", 3)
    assert [a.id for a in answers] == ["H-1"] and small.is_good("passport", answers)
    assert not small.is_good("weather", small.ask("weather", 3))
