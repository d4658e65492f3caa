# SPDX-License-Identifier: Apache-2.0
"""补充答案 on the hub (helpdesk/kb_write.py): the staff's answer goes into the hall's knowledge
base file as the hall keeps it, a new signed bundle is made, and a kiosk installing that bundle
answers the question from it; a bad answer or a failed signing changes nothing."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpdesk import content
from helpdesk.kb_write import KnowledgeError, KnowledgeWriter

FAQ = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "faq.csv"
QUESTION = "电动自行车上牌要带什么"
ANSWER = "带上购车发票、合格证和本人身份证，到车管所或指定的登记点办理，当场发牌。"


@pytest.fixture
def hall(tmp_path):
    src, out = tmp_path / "content", tmp_path / "serve"
    src.mkdir()
    shutil.copy(FAQ, src / "faq.csv")
    key = tmp_path / "hub.key"
    public = content.keygen(key)
    return KnowledgeWriter(src, key, out), public, tmp_path


def _kiosk_answers(tmp_path, public, question):
    """What a kiosk that installs the served bundle answers (the kiosk's own code)."""
    from kiosk.consult.ask import AskIndex
    from kiosk.consult.faq import load
    from kiosk.ops.content import ContentStore

    store = ContentStore(tmp_path / "kiosk-content")
    store.install((tmp_path / "serve" / "latest.ehall").read_bytes(), public)
    return AskIndex(load(store.path("faq.csv"))).ask(question)


def test_a_new_answer_reaches_the_kiosk_through_a_signed_bundle(hall):
    writer, public, tmp_path = hall
    faq_id, version = writer.add_entry(QUESTION, ANSWER, ["电动车怎么上牌照"], "交通出行", today=dt.date(2026, 12, 5))
    assert faq_id == "HALL-20261205-1" and version
    text = (tmp_path / "content" / "faq.csv").read_text("utf-8")
    assert text.startswith(FAQ.read_text("utf-8"))                     # every other row exactly as it was
    assert "政务服务大厅工作人员补充（2026-12-05）" in text
    best = _kiosk_answers(tmp_path, public, "电动车怎么上牌照")[0]
    assert best.id == faq_id
    second_id, second_version = writer.add_entry("老年人优待证在哪办", "到社区或街道便民服务中心办理。",
                                                 today=dt.date(2026, 12, 5))
    assert second_id == "HALL-20261205-2" and second_version != version    # the kiosk sees a new bundle


def test_a_new_phrasing_joins_an_existing_entry(hall):
    writer, public, tmp_path = hall
    faq_id, _v = writer.add_variant("FAQ-002", "执照啥时候能拿到手")
    assert faq_id == "FAQ-002"
    assert _kiosk_answers(tmp_path, public, "执照啥时候能拿到手")[0].id == "FAQ-002"
    with pytest.raises(KnowledgeError, match="already"):
        writer.add_variant("FAQ-002", "执照啥时候能拿到手")
    with pytest.raises(KnowledgeError, match="no entry"):
        writer.add_variant("FAQ-999", "随便问问")


@pytest.mark.parametrize("question,answer,says", [("", ANSWER, "question is empty"),
                                                  (QUESTION, "", "answer is empty"),
                                                  (QUESTION, "见\u202e附件", "direction-override"),
                                                  ("问" * 201, ANSWER, "at most 200")])
def test_a_bad_answer_is_refused_and_changes_nothing(hall, question, answer, says):
    writer, _public, tmp_path = hall
    before = (tmp_path / "content" / "faq.csv").read_bytes()
    with pytest.raises(KnowledgeError, match=says):
        writer.add_entry(question, answer)
    assert (tmp_path / "content" / "faq.csv").read_bytes() == before
    assert not (tmp_path / "serve").exists()


def test_a_failed_signing_puts_the_file_back(hall):
    writer, _public, tmp_path = hall
    before = (tmp_path / "content" / "faq.csv").read_bytes()
    (tmp_path / "hub.key").write_text("not a key")
    with pytest.raises(KnowledgeError, match="not published"):
        writer.add_entry(QUESTION, ANSWER)
    assert (tmp_path / "content" / "faq.csv").read_bytes() == before


def test_gb18030_crlf_and_json_files_are_kept_as_the_hall_keeps_them(tmp_path):
    key = tmp_path / "hub.key"
    content.keygen(key)
    src = tmp_path / "content"
    src.mkdir()
    rows = "id,question,answer\r\nA-1,护照怎么办,到出入境窗口办理。\r\n"
    (src / "faq.csv").write_bytes(rows.encode("gb18030"))
    KnowledgeWriter(src, key, tmp_path / "out").add_variant("A-1", "办护照去哪")
    data = (src / "faq.csv").read_bytes()
    assert data.decode("gb18030") == "id,question,answer,variants\r\nA-1,护照怎么办,到出入境窗口办理。,办护照去哪\r\n"
    (src / "faq.csv").unlink()
    (src / "faq.json").write_text('{"faq": [{"id": "A-1", "question": "护照怎么办", "answer": "到窗口。"}]}', "utf-8")
    faq_id, _v = KnowledgeWriter(src, key, tmp_path / "out").add_entry(QUESTION, ANSWER, today=dt.date(2027, 1, 4))
    import json
    got = json.loads((src / "faq.json").read_text("utf-8"))["faq"]
    assert [e["id"] for e in got] == ["A-1", "HALL-20270104-1"] and got[1]["answer"] == ANSWER
