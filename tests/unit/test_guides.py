# SPDX-License-Identifier: Apache-2.0
"""Guide fields (办理地点, 设定依据), the bundled public guides and same-name twins."""
import csv
import json
import re

import pytest

from kiosk import catalogue, guides
from kiosk.catalogue import Item


def test_location_and_legal_basis_in_csv_and_json(tmp_path):
    csv_file = tmp_path / "items.csv"
    csv_file.write_text("id,name,location,legal_basis\n"
                        "A,居民身份证换领,政务服务中心一楼 3 号窗口,《中华人民共和国居民身份证法》\n",
                        encoding="utf-8")
    json_file = tmp_path / "items.json"
    json_file.write_text(json.dumps([{"id": "B", "name": "结婚登记", "location": "婚姻登记处",
                                      "legal_basis": "《婚姻登记条例》第四条"}], ensure_ascii=False),
                         encoding="utf-8")
    a = catalogue.load(csv_file).by_id["A"]
    assert a.location == "政务服务中心一楼 3 号窗口" and a.legal_basis == "《中华人民共和国居民身份证法》"
    b = catalogue.load(json_file).by_id["B"]
    assert b.location == "婚姻登记处" and b.legal_basis == "《婚姻登记条例》第四条"


@pytest.mark.parametrize("column, value, reason", [
    ("location", "地" * 501, "location is longer than 500 characters"),
    ("legal_basis", "法" * 3001, "legal_basis is longer than 3000 characters"),
    ("location", "一楼\x07窗口", "location contains control, bidi-override or zero-width characters (U+0007)"),
])
def test_bad_guide_fields_reject_the_row_with_a_reason(tmp_path, column, value, reason):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "A", "name": "甲", column: value}, {"id": "B", "name": "乙"}],
                               ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    assert [i.id for i in cat.items] == ["B"]
    assert [e.reason for e in cat.errors] == [reason]


def test_full_guide_needs_materials_and_steps_or_a_limit():
    assert Item("a", "甲", materials=("身份证",), steps=("取号",)).has_full_guide
    assert Item("a", "甲", materials=("身份证",), promised_days=0).has_full_guide
    assert not Item("a", "甲", materials=("身份证",)).has_full_guide
    assert not Item("a", "甲", steps=("取号",), promised_days=3).has_full_guide


def test_bundled_guide_files_carry_their_source():
    rows = [r for p in sorted(guides.GUIDES_DIR.glob("guides-*.csv"))
            for r in csv.DictReader(p.open(encoding="utf-8"))]
    assert len(rows) >= 73
    for row in rows:
        assert row["name"] and row["materials"] and (row["steps"] or row["promised_days"])
        assert (row["source"].startswith("GitHub dreamLXD/lywjw2.io@")
                or row["source"].startswith("湖南政务服务网 ") and "chuanshuozhongdeshen3-hub/hunan-gov-wiki-data@"
                in row["source"]
                or row["source"].startswith("GitHub LawRefBook/Laws@")
                or re.search(r"https?://\S*gov\.cn/", row["source"])), row["source"]


def test_bundled_catalogue_gains_the_guides_own_fields_win():
    cat = catalogue.load()
    household = cat.by_id["SI-0031"]                 # 家庭户立户或分户
    assert household.steps and "3个工作日内预审" in household.steps[0]
    assert household.has_full_guide
    assert "办事指南：GitHub dreamLXD/lywjw2.io@" in household.source
    passport = cat.by_id["SI-0049"]                  # its own row: untouched
    assert passport.fee == "首次申请160元/本" and passport.promised_days == 7
    assert sum(1 for i in cat.items if i.has_full_guide) >= 50


def test_bundled_hunan_guide_fills_a_same_name_item_and_names_the_province():
    card = catalogue.load().by_id["SI-0640"]         # 社会保障卡申领 (a Sichuan row: name only)
    assert card.materials == ("申请人身份证明", "个人照片（非必要）")
    assert card.steps == ("受理", "审核", "办结") and card.promised_days == 30 and card.legal_days == 60
    assert card.fee == "不收费" and card.has_full_guide
    assert "办事指南：湖南政务服务网 湖南省人力资源和社会保障厅" in card.source


def test_bundled_hunan_guide_under_a_reviewed_other_name_names_the_hunan_item():
    cat = catalogue.load()
    pension = cat.by_id["SI-0617"]                   # 城乡居民基本养老保险待遇申领 <- Hunan 城乡居民养老保险待遇申领
    assert pension.materials[-1] == "城乡居民基本养老保险拟领取养老金人员情况核对申报表"
    assert pension.promised_days == 7 and pension.fee == "不收费" and pension.has_full_guide
    assert "湖南省统一事项“城乡居民养老保险待遇申领”" in pension.source
    assert pension.legal_basis.startswith("1.《中华人民共和国社会保险法》第二十一条")
    disability = cat.by_id["SI-0696"]                # 残疾人证新办: same name, no other name given
    assert disability.promised_days == 22 and "湖南省统一事项，" in disability.source


def assert_each_row_fills_full_guides(file: str, least: int) -> tuple[list[dict], catalogue.Catalogue]:
    """Every row of a bundled guides file fills at least one bundled item with a full guide that
    names the row's source; the rows and the catalogue, for the caller's own checks."""
    rows = list(csv.DictReader((guides.GUIDES_DIR / file).open(encoding="utf-8")))
    assert len(rows) >= least
    cat = catalogue.load()
    for row in rows:
        filled = [i for i in cat.items if row["name"] in (i.name, guides._inner(i.name))]
        assert filled, row["name"]                   # no row is written for an item the catalogue lacks
        for item in filled:
            assert item.has_full_guide, item.id
            assert row["source"] in item.source      # the item names the row's page and file
    return rows, cat


def test_each_hunan_legal_entity_guide_fills_a_bundled_item_with_its_legal_basis():
    _rows, cat = assert_each_row_fills_full_guides("guides-hunan-legal.csv", 73)
    junction = cat.by_id["SI-0862"]                  # 在公路增设或改造平面交叉道口审批 (a Sichuan row: name only)
    assert junction.materials[0] == "施工方案、安全保障措施及处置施工险情和意外事故的应急方案"
    assert (junction.promised_days, junction.legal_days, junction.fee) == (13, 20, "不收费")
    assert junction.legal_basis.startswith("《公路安全保护条例》")
    assert "办事指南：湖南政务服务网 湖南省交通运输厅" in junction.source


def test_each_official_page_guide_fills_a_bundled_item_and_names_its_page():
    rows, cat = assert_each_row_fills_full_guides("guides-official-pages.csv", 4)
    for row in rows:
        assert not row["department"], row["name"]   # it fills the bundled item whatever its department
        assert re.search(r"https?://\S+", row["source"]), row["source"]
        assert re.search(r"2026-12-0[56] 从 search 工具", row["source"]), row["name"]   # when the page was read
    card = cat.by_id["SI-0657"]                      # 社会保障卡挂失 (a Sichuan row: name only)
    assert card.materials[2] == "居民身份证件 已关联电子证照,可免提交"
    assert (card.promised_days, card.legal_days, card.fee) == (1, 1, "不收费")
    assert "办事指南：江苏政务服务网 淮安市洪泽区人力资源和社会保障局" in card.source
    lost_id = cat.by_id["SI-0134"]                   # 居民身份证挂失申报、丢失招领
    assert lost_id.materials == ("居民户口簿",) and lost_id.steps[0].startswith("居民身份证挂失申报由本人提出申请")
    assert "http://zge.gov.cn/" in lost_id.source
    check = cat.by_id["SI-0558"]                     # 养老保险定期待遇领取资格认证: 即时办结
    assert check.promised_days == 0 and check.materials[-1] == "本人有效身份证件"
    assert "乐至县" in check.source and check.has_full_guide
    transfer = cat.by_id["SI-0555"]                  # 城乡居民基本养老保险关系转移接续申请: 县内 and 县外
    assert transfer.materials == ("户口迁移证明或户口迁入后的户口本复印件",)
    assert len(transfer.steps) == 2 and "2、户口迁出县外的" in transfer.steps[0]
    assert "https://tengchong.gov.cn/" in transfer.source and transfer.has_full_guide


def test_each_national_guide_fills_a_bundled_item_from_a_national_text():
    rows, cat = assert_each_row_fills_full_guides("guides-national.csv", 27)
    for row in rows:
        assert not row["department"], row["name"]   # it fills the bundled item whatever its department
        assert row["source"].startswith(("GitHub LawRefBook/Laws@2f4c5c23716267af9dbebbbbd6cbbf732b101981 ",
                                         "GitHub project-trans/legal-spec@a11dce236f78acc0fe5d5c458cce8701f500054d "))
        assert row["legal_basis"] and row["location"], row["name"]   # the article and the office it names
        assert "2026-12-06" in row["source"]         # the date the text was read
    renew = cat.by_id["SI-0060"]                     # 机动车驾驶证期满换证申请 (a 临沂 row: name only)
    assert renew.materials == ("机动车驾驶人的身份证明", "医疗机构出具的有关身体条件的证明")
    assert "有效期满前九十日内" in renew.steps[0] and "一日内换发" in renew.steps[-1]
    assert renew.legal_basis.startswith("《机动车驾驶证申领和使用规定》第六十三条")
    assert "办事指南：GitHub LawRefBook/Laws@" in renew.source
    id_card = cat.by_id["SI-0128"]                   # 居民身份证办理（包括临时）
    assert id_card.materials == ("《居民身份证申领登记表》", "居民户口簿")
    assert any("临时居民身份证" in step for step in id_card.steps)
    assert id_card.location == "常住户口所在地的公安机关"
    permit = cat.by_id["SI-0114"]                    # 居住证办理
    assert permit.steps[-1].endswith("自受理之日起15日内制作发放居住证")
    assert permit.fee.startswith("首次申领居住证，免收证件工本费")
    assert permit.promised_days is None and permit.legal_days is None   # 15 日 is not 15 working days
    plate = cat.by_id["SI-0051"]                     # 补换领机动车牌号 <- 《机动车登记规定》第五十一条
    assert plate.materials == ("身份证明",) and "十五日内补发、换发号牌" in plate.steps[1]
    assert plate.location == "登记地车辆管理所"
    water = cat.by_id["SI-1123"]                     # 取水申请批准文件: the one limit stated in 工作日
    assert water.legal_days == 45 and water.materials[0] == "申请书"
    teacher = cat.by_id["SI-0098"]                   # 教师资格认定 (a person's licence)
    assert teacher.materials[0] == "教师资格认定申请表" and len(teacher.materials) == 5
    adoption = cat.by_id["SI-0541"]                  # 中国公民收养子女登记 (民政局: a person's registration)
    assert adoption.materials[0] == "收养申请书" and any("30日内进行审查" in step for step in adoption.steps)
    away = cat.by_id["SI-0135"]                      # 居民身份证跨省异地办理 <- 公通字〔2021〕12号 第八十三条
    assert away.materials[0] == "《居民身份证异地受理登记表》" and away.location == "现居住地公安机关"
    assert any("四十五日内发放居民身份证" in step for step in away.steps) and away.legal_days is None
    assert "https://gaj.cq.gov.cn/" in away.source
    removal = cat.by_id["SI-0150"]                   # 户口注销: death, settling abroad, nationality, enlistment
    assert removal.materials[0] == "死亡人员的居民户口簿、居民身份证" and removal.materials[-1] == "应征公民入伍通知书"
    assert removal.legal_basis.endswith("《中华人民共和国户口登记条例》第十一条")
    assert cat.by_id["SI-0149"].materials == ("批准复籍证明", "人民法院撤销宣告死亡的生效判决书")   # 户口恢复
    assert cat.by_id["SI-0151"].has_full_guide and cat.by_id["SI-0152"].materials[0] == "《出生医学证明》"


def test_supplement_fills_only_empty_fields_of_the_matching_item():
    guide = Item("g", "夫妻投靠", department="临沂市公安局", materials=("结婚证",), steps=("预审",),
                 location="派出所", source="S")
    own = Item("1", "户口迁入（夫妻投靠）", department="临沂市公安局", materials=("户口簿",), source="R")
    other_dept = Item("2", "夫妻投靠", department="某某区公安分局")
    unrelated = Item("3", "夫妻投靠类户口迁移")
    out = guides.supplement([own, other_dept, unrelated], [guide])
    assert out[0].materials == ("户口簿",) and out[0].steps == ("预审",) and out[0].location == "派出所"
    assert out[0].source == "R；办事指南：S"
    assert out[1] is other_dept and out[2] is unrelated     # another hall's copy is not given 临沂's guide


def test_a_halls_own_catalogue_is_not_supplemented(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("id,name,department\nH1,家庭户立户或分户,临沂市公安局\n", encoding="utf-8")
    item = catalogue.load(path).by_id["H1"]
    assert item.steps == () and not item.has_guide


def test_twins_lead_a_guide_less_item_to_the_guide():
    bare = Item("1", "普通护照签发", department="公安分局")
    guided = Item("2", "普通护照签发（首次申请）", department="出入境", materials=("照片",), fee="160元")
    same = Item("3", "普通护照签发", department="出入境", materials=("照片",), steps=("取号",))
    unrelated = Item("4", "普通护照签发记录查询", materials=("身份证",))
    assert guides.twins([bare, guided, same, unrelated], bare) == [same, guided]   # full guide first
    assert guides.twins([bare, guided], guided) == []                             # it has a guide


def test_bundled_passport_copy_has_its_own_hunan_guide_and_a_bare_item_keeps_its_twins():
    cat = catalogue.load()
    passport = cat.by_id["SI-0123"]                  # 普通护照签发: 湖南 guide (before: led to SI-0049)
    assert passport.has_full_guide and passport.fee == "护照 120元/证"
    assert guides.twins(cat.items, passport) == []
    deregister = cat.by_id["SI-0150"]                # 户口注销: its own national guide now, so no twins
    assert deregister.has_full_guide and guides.twins(cat.items, deregister) == []
    renewal = cat.by_id["SI-0308"]                   # 道路旅客运输经营许可（换发）: no guide of its own
    assert [t.id for t in guides.twins(cat.items, renewal)] == ["SI-0310"]
