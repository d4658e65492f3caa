# SPDX-License-Identifier: Apache-2.0
"""scripts/extract_hunan_guides.py on a made-up copy in the Hunan platform's JSON shape."""
import csv
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from kiosk import catalogue, guides

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_hunan_guides.py"
_spec = importlib.util.spec_from_file_location("extract_hunan_guides", SCRIPT)
extract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extract)

# Test data only: made-up item names and texts in the platform's field layout.
DETAILS = {
    "aa111": {"unifyName": "测试证申领", "orgName": "某省测试厅", "approveLimit": "20",
              "approveLimitExplain": "无", "commitmentLimit": "5", "commitmentLimitExplain": "5个工作日",
              "isCharge": "否", "processDescript": "1、申请\n2、受理；审核\n（三）办结",
              "according": "《测试条例》第一条",
              "materialList": [{"materialTitle": "居民身份证", "isMust": "必要"},
                               {"materialTitle": "照片", "isMust": "非必要"},
                               {"materialTitle": "承诺书", "isMust": "容缺后补"}]},
    "bb222": {"unifyName": "测试补贴发放", "orgName": "某省测试厅", "approveLimit": "3",
              "approveLimitExplain": "3个月", "commitmentLimit": "x", "isCharge": "是",
              "processDescript": "详见办理流程图",
              "materialList": [{"materialTitle": "申请表", "isMust": "必要"}]},
    "cc333": {"unifyName": "不在目录的事项", "approveLimit": "1", "processDescript": "受理",
              "materialList": [{"materialTitle": "申请表"}]},
    "dd444": {"unifyName": "夫妻投靠", "processDescript": "受理", "commitmentLimit": "0",
              "materialList": [{"materialTitle": "结婚证"}]},
}


def _write_copy(root: Path) -> None:
    items = []
    for sid, data in DETAILS.items():
        raw = f"raw/details/{sid[:2]}/{sid}.json"
        path = root / "gov-wiki" / raw
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"code": 0, "data": data}, ensure_ascii=False), encoding="utf-8")
        items.append({"service_id": sid, "title": data["unifyName"],
                      "detail": {"status": "ok", "raw_file": raw,
                                 "official_guide_url": f"https://example.invalid/guide?id={sid}"}})
    index = root / "gov-wiki" / "catalog" / "enriched_catalog.json"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"generated_at": "2026-07-21T03:00:19+00:00", "items": items},
                                ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def bundled(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("id,name\nA,测试证申领\nB,测试补贴发放\nC,户口迁入（夫妻投靠）\n", encoding="utf-8")
    return path


def _rows(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["name"]: r for r in csv.DictReader(fh)}


def test_published_fields_become_guide_rows_for_same_name_items(tmp_path, bundled):
    copy = tmp_path / "copy"
    _write_copy(copy)
    out = tmp_path / "guides-test.csv"
    assert extract.main([str(copy), "0123456789abcdef", "--out", str(out), "--catalogue", str(bundled)]) == 0
    rows = _rows(out)
    assert sorted(rows) == ["夫妻投靠", "测试证申领"]      # 测试补贴发放: materials only, no row
    card = rows["测试证申领"]
    assert card["materials"] == "居民身份证;照片（非必要）;承诺书（容缺后补）"
    assert card["steps"] == "申请;受理，审核;办结"
    assert (card["promised_days"], card["legal_days"], card["fee"]) == ("5", "20", "不收费")
    assert card["legal_basis"] == "《测试条例》第一条" and card["department"] == ""
    assert card["source"].startswith("湖南政务服务网 某省测试厅 办事指南（湖南省统一事项，2026-07-21 抓取）")
    assert "hunan-gov-wiki-data@0123456789ab, gov-wiki/raw/details/aa/aa111.json" in card["source"]
    subsidy = extract.guide_fields(DETAILS["bb222"])   # months are no working days; "see the chart" no step
    assert (subsidy["steps"], subsidy["legal_days"], subsidy["promised_days"], subsidy["fee"]) == ("", "", "", "")


def test_days_only_when_the_platform_does_not_name_another_unit():
    base = {"approveLimit": "15", "commitmentLimit": "7", "commitmentLimitExplain": "无"}
    plain = extract.guide_fields(dict(base, approveLimitExplain="应当自受理申请之日起15日内作出决定。"))
    assert (plain["legal_days"], plain["promised_days"]) == ("", "7")
    work = extract.guide_fields(dict(base, approveLimitExplain="自受理之日起15个工作日内完成"))
    assert work["legal_days"] == "15"
    charged = extract.guide_fields({"isCharge": "是", "chargeList": [{"feename": "护照", "feestand": "120元/证"}]})
    assert charged["fee"] == "护照 120元/证"
    lines = extract.guide_fields({"isCharge": "是", "chargeList": [{"feename": "考试费", "feestand": "1.汽车510元；\n2.摩托车170元。"}]})
    assert lines["fee"] == "考试费 1.汽车510元； 2.摩托车170元。"
    inline = extract.guide_fields({"processDescript": "1.申请。 2.受理。 3.办结。"})
    assert inline["steps"] == "申请。;受理。;办结。"
    for pointer in ("具体见流程图", "详见流程说明", "详见办理流程图。", "依照流程图", "办理流程请参考附图（流程图）",
                    "参照流程图办理", "根据流程图办理", "按流程图办理"):
        assert extract.guide_fields({"processDescript": pointer})["steps"] == ""   # points to a chart not copied
    tabbed = extract.guide_fields({"processDescript": "1\t申请\t       某服务机构\t\n2\t拨付\t某部门"})
    assert tabbed["steps"] == "1 申请 某服务机构;2 拨付 某部门"      # columns kept apart, no tab left
    real = extract.guide_fields({"processDescript": "参照流程图和受理条件由派出所受理。"})
    assert real["steps"] == "参照流程图和受理条件由派出所受理。"


def test_rows_fill_the_bundled_items_through_the_catalogue_rules(tmp_path, bundled):
    copy = tmp_path / "copy"
    _write_copy(copy)
    out = tmp_path / "guides-test.csv"
    extract.main([str(copy), "--out", str(out), "--catalogue", str(bundled)])
    items = guides.supplement(catalogue.load(bundled).items, guides.load_guides([out]))
    by_id = {i.id: i for i in items}
    assert by_id["A"].has_full_guide and by_id["A"].promised_days == 5
    assert by_id["C"].materials == ("结婚证",) and by_id["C"].promised_days == 0


def test_reads_a_bare_git_snapshot_at_its_commit(tmp_path, bundled):
    work = tmp_path / "work"
    _write_copy(work)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], check=True)
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    commit = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    out = tmp_path / "guides-test.csv"
    extract.main([str(bare), "--out", str(out), "--catalogue", str(bundled)])
    assert f"hunan-gov-wiki-data@{commit[:12]}," in _rows(out)["测试证申领"]["source"]


def test_a_reviewed_name_map_writes_the_guide_under_the_bundled_name(tmp_path):
    """GIVEN a Hunan item whose name the reviewed map pairs with a bundled item, and one whose bundled
    twin carries （县级行使） WHEN extracted THEN both rows are written under the bundled names, and the
    mapped row's source names the Hunan item; a map entry for an item not in the catalogue writes nothing."""
    copy = tmp_path / "copy"
    _write_copy(copy)          # 测试补贴发放 has no steps or limits: never written, mapped or not
    extra = {"ee555": {"unifyName": "居民养老待遇申领", "orgName": "某省测试厅", "approveLimit": "7",
                       "approveLimitExplain": "核定待遇", "processDescript": "受理",
                       "materialList": [{"materialTitle": "身份证"}]},
             "ff666": {"unifyName": "代开测试发票", "processDescript": "受理",
                       "materialList": [{"materialTitle": "申请表"}]}}
    index = copy / "gov-wiki" / "catalog" / "enriched_catalog.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    for sid, detail in extra.items():
        raw = f"raw/details/{sid[:2]}/{sid}.json"
        (copy / "gov-wiki" / raw).parent.mkdir(parents=True, exist_ok=True)
        (copy / "gov-wiki" / raw).write_text(json.dumps({"data": detail}, ensure_ascii=False), encoding="utf-8")
        data["items"].append({"service_id": sid, "title": detail["unifyName"],
                              "detail": {"status": "ok", "raw_file": raw, "official_guide_url": "u"}})
    index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bundled = tmp_path / "items.csv"
    bundled.write_text("id,name\nA,居民基本养老待遇申领\nB,代开测试发票（县级行使）\nC,测试证申领\n", encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("bundled_name,hunan_name,why\n居民基本养老待遇申领,居民养老待遇申领,same claim\n"
                     "别处的事项,测试证申领,not in the catalogue\n", encoding="utf-8")
    out = tmp_path / "guides-test.csv"
    extract.main([str(copy), "--out", str(out), "--catalogue", str(bundled), "--names", str(names)])
    rows = _rows(out)
    assert sorted(rows) == ["代开测试发票（县级行使）", "居民基本养老待遇申领", "测试证申领"]
    mapped = rows["居民基本养老待遇申领"]
    assert (mapped["materials"], mapped["legal_days"]) == ("身份证", "7")
    assert "办事指南（湖南省统一事项“居民养老待遇申领”，2026-07-21 抓取）" in mapped["source"]
    assert "湖南省统一事项，" in rows["代开测试发票（县级行使）"]["source"]   # the same item: no other name to give
    assert "湖南省统一事项，" in rows["测试证申领"]["source"]
    assert extract.name_map(tmp_path / "absent.csv") == {}


def test_no_legal_limit_plain_days_and_see_the_flow_give_no_field():
    fields = extract.guide_fields({"approveLimit": "90", "approveLimitExplain": "无法定办结时间",
                                   "commitmentLimit": "22", "commitmentLimitExplain": "收到评残结论之日起22天内办结",
                                   "processDescript": "详见办事流程"})
    assert (fields["legal_days"], fields["promised_days"], fields["steps"]) == ("", "", "")
    unexplained = extract.guide_fields({"approveLimit": "20", "approveLimitExplain": "无法定办结时限说明"})
    assert unexplained["legal_days"] == "20"          # "no explanation of the limit", not "no limit"
    assert extract.guide_fields({"approveLimit": "30", "approveLimitExplain": "无法定期限"})["legal_days"] == ""
    cooling = extract.guide_fields({"approveLimit": "31", "approveLimitExplain": "从次日开始计算三十天冷静期",
                                    "processDescript": "依流程图"})
    assert (cooling["legal_days"], cooling["steps"]) == ("", "")
    assert extract.guide_fields({"processDescript": "具体见流程图"})["steps"] == ""
    assert extract.guide_fields({"processDescript": "依照流程图办理"})["steps"] == ""
    for says_nothing in ("根据《医疗机构校验管理办法》有关规定，详见流程图", "无特殊说明", "根据实际情况进行办理"):
        assert extract.guide_fields({"processDescript": says_nothing})["steps"] == ""
    assert extract.guide_fields({"processDescript": "按流程图办理"})["steps"] == ""
    assert extract.guide_fields({"processDescript": "如图"})["steps"] == ""
    made_under = "根据《促进个体工商户发展条例》、《湖南省行政程序规定》（湖南省人民政府令第222号）的相关规定制定。"
    assert extract.guide_fields({"processDescript": made_under})["steps"] == ""


def test_role_tags_lose_their_hash_marks():
    fields = extract.guide_fields({"materialList": [
        {"materialTitle": "#申请人#中华人民共和国居民身份证", "isMust": "必要"},
        {"materialTitle": "#被委托人#中华人民共和国居民身份证", "isMust": "非必要"}]})
    assert fields["materials"] == "申请人中华人民共和国居民身份证;被委托人中华人民共和国居民身份证（非必要）"
    tabs = extract.guide_fields({"processDescript": "1.个人申请\t      本人申请\n2.审核\t   财政部门"})
    assert tabs["steps"] == "个人申请 本人申请;审核 财政部门"


def test_export_quotes_around_a_field_are_dropped():
    fields = extract.guide_fields({"according": '"1.《中华人民共和国发票管理办法》第十六条 禁止非法代开发票。"',
                                   "processDescript": '1.受理\n2.归档\n将资料进行归档。"'})
    assert fields["legal_basis"] == "1.《中华人民共和国发票管理办法》第十六条 禁止非法代开发票。"
    assert fields["steps"] == "受理;归档;将资料进行归档。"


def test_every_reviewed_name_pair_gives_a_bundled_row_that_names_the_hunan_item():
    """GIVEN the bundled name map WHEN read THEN each pair names a bundled catalogue item, gives a
    reason, maps one Hunan item to one bundled item, and the bundled guide row under that name says
    which Hunan item it was copied from."""
    with extract.NAMES.open(encoding="utf-8", newline="") as fh:
        pairs = list(csv.DictReader(fh))
    bundled = extract.bundled_names()
    with (extract.NAMES.parent / "guides-hunan.csv").open(encoding="utf-8", newline="") as fh:
        sources = {row["name"]: row["source"] for row in csv.DictReader(fh)}
    assert len({p["hunan_name"] for p in pairs}) == len({p["bundled_name"] for p in pairs}) == len(pairs)
    for pair in pairs:
        assert pair["bundled_name"] in bundled and pair["why"].strip()
        assert f"“{pair['hunan_name']}”" in sources[pair["bundled_name"]]
