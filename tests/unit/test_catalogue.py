# SPDX-License-Identifier: Apache-2.0
"""Catalogue loading: the bundled data, bad rows, encodings, JSON."""
import json

import pytest

from kiosk import catalogue

HEADER = "id,name,department,category,audience,channels,promised_days,legal_days,fee,materials,source\n"


def test_bundled_catalogue_loads_every_row():
    cat = catalogue.load()
    assert len(cat) == 1210 and cat.errors == []
    item = cat.by_id["SI-0001"]
    assert item.name == "户口注销（出国（境）定居注销）"
    assert item.audience == ("个人",) and item.channels == ("网上办", "窗口")
    assert len(item.materials) == 3 and item.has_guide
    assert all(i.source for i in cat.items)
    depts = dict(cat.departments())
    assert depts["行政审批服务局"] == 340
    assert sum(depts.values()) == 1210
    assert dict(cat.categories())["行政许可"] == 529


def test_bad_rows_are_reported_with_line_and_reason_and_the_rest_loads(tmp_path):
    path = tmp_path / "hall.csv"
    path.write_text(HEADER
                    + "A1,护照签发,公安局,行政许可,个人,窗口,7,7,不收费,身份证;照片,src\n"
                    + ",没有编号,公安局,,,,,,,,src\n"
                    + "A3,,公安局,,,,,,,,src\n"
                    + "A4,时限不对,公安局,,,,三天,,,,src\n"
                    + "A5,对象不对,公安局,,群众,,,,,,src\n"
                    + "A6,渠道不对,公安局,,,电话办,,,,,src\n"
                    + "A7,字段太少,公安局\n"
                    + "A1,重复编号,公安局,,,,,,,,src\n"
                    + "A9,负数时限,公安局,,,,-1,,,,src\n"
                    + "\n"
                    + "A10,正常事项,民政局,公共服务,\"个人,法人\",\"网上办,掌上办\",,,,,src\n",
                    encoding="utf-8")
    cat = catalogue.load(path)
    assert [i.id for i in cat.items] == ["A1", "A10"]
    reasons = {e.line: e.reason for e in cat.errors}
    assert reasons == {
        3: "id is empty",
        4: "name is empty",
        5: "promised_days must be a number of working days, not '三天'",
        6: "audience has '群众'; allowed: 个人、法人",
        7: "channels has '电话办'; allowed: 网上办、掌上办、自助终端、窗口",
        8: "has 3 fields, the header has 11",
        9: "id A1 appears twice; the first one is kept",
        10: "promised_days must be 0 to 3650 working days, not -1",
    }
    assert str(cat.errors[0]) == f"{path}:3: id is empty"
    assert cat.by_id["A10"].audience == ("个人", "法人")


def test_gb18030_file_as_excel_exports_it(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + "B1,社会保障卡申领,人社局,公共服务,个人,,,,,,导出\n").encode("gb18030"))
    cat = catalogue.load(path)
    assert cat.items[0].name == "社会保障卡申领" and cat.items[0].department == "人社局"


def test_utf8_with_bom_and_extra_columns_warned(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeffid,name,备注\nC1,婚姻登记,随便\n").encode("utf-8"))
    cat = catalogue.load(path)
    assert cat.items[0].name == "婚姻登记"
    assert cat.warnings == [f"{path}: columns ignored: 备注"]


def test_json_catalogue_with_lists_and_bad_items(tmp_path):
    path = tmp_path / "hall.json"
    path.write_text(json.dumps({"items": [
        {"id": "J1", "name": "不动产登记", "audience": ["个人", "法人"], "materials": ["身份证", "合同"],
         "steps": ["网上申请", "窗口领证"], "phone": "0631-1234567", "url": "https://example.gov.cn/j1"},
        "not an object",
        {"id": "J3", "name": "坏链接", "url": "javascript:alert(1)"},
        {"id": "J4", "name": 42},
    ]}, ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    assert [i.id for i in cat.items] == ["J1"]
    assert cat.items[0].steps == ("网上申请", "窗口领证")
    assert [(e.line, e.reason) for e in cat.errors] == [
        (2, "item is str, not an object"),
        (3, "url must start with http:// or https://"),
        (4, "name must be text, not int"),
    ]


@pytest.mark.parametrize("content, words", [
    (None, "file not found"),
    (b"", "the file is empty"),
    (b"name,department\nx,y\n", "the header has no id column"),
    (b"id,name\n,\n,x\n", "no usable item (1 rows rejected); first:"),
    (b"[1, 2", "not valid JSON"),
    (b'{"rows": []}', "JSON must be a list"),
    (bytes([0x81, 0x30, 0x81]) + b"\xff\xff\xff", "neither UTF-8 nor GB18030"),
])
def test_unusable_catalogue_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "cat.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(catalogue.CatalogueError) as info:
        catalogue.load(path)
    assert str(path) in str(info.value) and words in str(info.value)


def test_filters_and_item_without_guide():
    cat = catalogue.load()
    personal = cat.filter(audience="个人")
    assert len(personal) == dict(cat.audiences())["个人"] == 79
    sichuan = cat.filter(department="交通运输局", category="行政许可")
    assert sichuan and all(i.department == "交通运输局" for i in sichuan)
    bare = cat.by_id["SI-0200"]   # a Sichuan index row: name, department, category only
    assert bare.materials == () and bare.fee == "" and not bare.has_guide
    # 50 with materials + 1 with time limits only, + 178 from kiosk/data/guides-hunan.csv
    # + 73 from kiosk/data/guides-hunan-legal.csv + 7 from kiosk/data/guides-official-pages.csv
    # + 34 from kiosk/data/guides-national.csv
    assert sum(1 for i in cat.items if i.has_guide) == 343


def test_keywords_column_separators_and_limits(tmp_path):
    """GIVEN a keywords column WHEN loaded THEN words split at ; ； , ， 、, duplicates once;
    too long, too many or symbol-only words reject the row with its line."""
    long_word = "很" * 41
    path = tmp_path / "hall.csv"
    path.write_text("id,name,keywords\n"
                    "K1,企业设立登记,\"营业执照; 开公司，办执照、开公司,注册公司；\"\n"
                    "K2,婚姻登记,\n"
                    f"K3,太长,\"好;{long_word}\"\n"
                    "K4,太多," + "、".join(f"词{n}" for n in range(21)) + "\n"
                    "K5,刚好," + "、".join(f"词{n}" for n in range(20)) + "\n"
                    "K6,只有符号,\"好,！！\"\n"
                    "K7,四十字," + "字" * 40 + "\n",
                    encoding="utf-8")
    cat = catalogue.load(path)
    assert cat.by_id["K1"].keywords == ("营业执照", "开公司", "办执照", "注册公司")
    assert cat.by_id["K2"].keywords == ()
    assert len(cat.by_id["K5"].keywords) == 20 and cat.by_id["K7"].keywords == ("字" * 40,)
    assert {e.line: e.reason for e in cat.errors} == {
        4: "keywords has '很很很很很很很很很很很很'…, longer than 40 characters",
        5: "keywords has 21 words; at most 20",
        7: "keywords has '！！', with no letter, digit or Chinese character",
    }
    assert str(cat.errors[0]).startswith(f"{path}:4: keywords")
    assert cat.warnings == []                                  # a known column, not ignored


def test_keywords_in_json_as_text_or_list(tmp_path):
    path = tmp_path / "hall.json"
    path.write_text(json.dumps([
        {"id": "J1", "name": "企业设立登记", "keywords": ["营业执照", "开公司;办执照"]},
        {"id": "J2", "name": "住房公积金提取", "keywords": "公积金，取公积金"},
        {"id": "J3", "name": "坏关键词", "keywords": ["好", 7]},
        {"id": "J4", "name": "坏关键词", "keywords": {"a": 1}},
        {"id": "J5", "name": "没有关键词", "keywords": []},
    ], ensure_ascii=False), encoding="utf-8")
    cat = catalogue.load(path)
    assert cat.by_id["J1"].keywords == ("营业执照", "开公司", "办执照")
    assert cat.by_id["J2"].keywords == ("公积金", "取公积金")
    assert cat.by_id["J5"].keywords == ()
    assert [(e.line, e.reason) for e in cat.errors] == [
        (3, "keywords must be text, not int"),
        (4, "keywords must be text, not dict"),
    ]


def test_bundled_items_have_no_invented_keywords():
    """The bundled search words are the documented ones (kiosk/data/README.md, *Search words*)."""
    found = {i.id: i.keywords for i in catalogue.load().items if i.keywords}
    assert found == {"SI-0535": ("低保",), "SI-0546": ("低保",)}


def test_popularity_column_in_csv_and_json(tmp_path):
    """GIVEN a popularity column WHEN loaded THEN whole numbers 0 … 10^9 load (empty is 0);
    anything else is a FILE:LINE: reason error and the row is skipped."""
    path = tmp_path / "hall.csv"
    path.write_text("id,name,popularity\n"
                    "P1,普通护照签发,80\n"
                    "P2,红字增值税专用发票开具,\n"
                    "P3,坏数,很多\n"
                    "P4,负数,-1\n"
                    "P5,大数,1000000001\n"
                    "P6,年办件量, 125000 \n", encoding="utf-8")
    cat = catalogue.load(path)
    assert cat.by_id["P1"].popularity == 80 and cat.by_id["P2"].popularity == 0
    assert cat.by_id["P6"].popularity == 125000
    assert [str(e) for e in cat.errors] == [
        f"{path}:4: popularity must be a whole number, not '很多'",
        f"{path}:5: popularity must be 0 to 1000000000, not -1",
        f"{path}:6: popularity must be 0 to 1000000000, not 1000000001",
    ]
    assert cat.warnings == []                                  # a known column
    js = tmp_path / "hall.json"
    js.write_text(json.dumps([{"id": "J1", "name": "a", "popularity": 7},
                              {"id": "J2", "name": "b", "popularity": "12"},
                              {"id": "J3", "name": "c", "popularity": 2.5},
                              {"id": "J4", "name": "d", "popularity": True},
                              {"id": "J5", "name": "e", "popularity": None}]), encoding="utf-8")
    cat = catalogue.load(js)
    assert [(i.id, i.popularity) for i in cat.items] == [("J1", 7), ("J2", 12), ("J5", 0)]
    assert [(e.line, e.reason) for e in cat.errors] == [
        (3, "popularity must be a whole number, not 2.5"),
        (4, "popularity must be a whole number, not True"),
    ]


def test_name_en_column_is_optional_english_and_shown_in_english_sessions(tmp_path):
    """GIVEN a name_en column WHEN loaded THEN an English name is kept, a name with Chinese
    characters or full-width punctuation rejects the row with its line; an English session shows
    name_en, or the official Chinese name marked "(Chinese name)"; Chinese shows the name."""
    path = tmp_path / "hall.csv"
    path.write_text("id,name,name_en\n"
                    "E1,居民身份证申领,Resident ID card application\n"
                    "E2,婚姻登记,\n"
                    "E3,护照申领,护照\n"
                    "E4,出生登记,Birth registration（new）\n", encoding="utf-8")
    cat = catalogue.load(path)
    one, two = cat.by_id["E1"], cat.by_id["E2"]
    assert one.name_en == "Resident ID card application" and two.name_en == ""
    assert {e.line: e.reason for e in cat.errors} == {
        4: "name_en must be English: it has '护' (leave it empty to show the Chinese name)",
        5: "name_en must be English: it has '（' (leave it empty to show the Chinese name)"}
    assert cat.warnings == []
    assert catalogue.shown_name(one, "en") == "Resident ID card application"
    assert catalogue.shown_name(two, "en") == "婚姻登记 (Chinese name)"
    assert catalogue.shown_name(one, "zh") == "居民身份证申领" == catalogue.shown_name(one)


def test_bundled_items_have_no_invented_english_names():
    """kiosk/data/README.md: no English names are made up for the bundled sample."""
    assert not [i.id for i in catalogue.load().items if i.name_en]
