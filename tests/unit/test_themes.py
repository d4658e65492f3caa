# SPDX-License-Identifier: Apache-2.0
"""Life topics (服务主题): the catalogue's themes column, the hall's theme rules, the index."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import catalogue, themes
from kiosk.browse_index import ThemeIndex, departments_az
from kiosk.theme_rules import load_rules

ROOT = Path(__file__).resolve().parents[2]


def test_themes_column_in_csv_and_json_and_bad_theme_names_file_and_line(tmp_path):
    path = tmp_path / "hall.csv"
    path.write_text("id,name,audience,themes\n"
                    "A1,出生登记,个人,生育收养、户籍办理\n"
                    "A2,单位参保,法人,社会保障\n"          # both lists have it: the audience decides
                    "A3,二者皆有,,法人：社会保障；个人:医疗卫生\n"
                    "A4,错主题,,户口办理\n"
                    "A5,错组,,个人:年检年审\n", encoding="utf-8")
    cat = catalogue.load(path)
    by = cat.by_id
    assert by["A1"].themes == ("个人:生育收养", "个人:户籍办理")
    assert by["A2"].themes == ("法人:社会保障",)
    assert by["A3"].themes == ("个人:医疗卫生", "法人:社会保障")
    errs = [str(e) for e in cat.errors]
    assert errs[0].startswith(f"{path}:5: themes has '户口办理', not a theme of the national platform")
    assert errs[1].startswith(f"{path}:6: themes has '个人:年检年审', not a 个人 theme")
    js = tmp_path / "hall.json"
    js.write_text(json.dumps([{"id": "J1", "name": "护照", "themes": ["出境入境", "证件办理"]}]), encoding="utf-8")
    assert catalogue.load(js).by_id["J1"].themes == ("个人:证件办理", "个人:出境入境")


def test_vocabulary_is_the_national_platforms():
    assert themes.PERSONAL_THEMES[:2] == ("生育收养", "户籍办理") and "死亡殡葬" in themes.PERSONAL_THEMES
    assert themes.LEGAL_THEMES[0] == "设立变更" and themes.LEGAL_THEMES[-2:] == ("档案文物", "其他")
    assert len(themes.PERSONAL_THEMES) == 31 and len(themes.LEGAL_THEMES) == 34
    assert sorted(themes.DISPLAY["个人"]) == sorted(themes.PERSONAL_THEMES) and themes.DISPLAY["个人"][:2] == ("生育收养", "户籍办理")
    assert themes.normalize("社会保障（社会保险、社会救助）", ("个人",)) == ("个人:社会保障",)


def _rules(tmp_path, text):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path, load_rules(path)


def test_rule_naming_an_unknown_theme_is_an_error_with_file_and_line(tmp_path):
    path, rs = _rules(tmp_path, '[[rule]]\nthemes = ["户籍办理"]\nname = ["户口"]\n\n'
                                '[[rule]]\nname = ["结婚"]\nthemes = ["结婚登记"]\n\n'
                                '[[rule]]\nthemes = ["社会保障"]\nname = ["社保"]\n\n'
                                '[[rule]]\nthemes = ["其他"]\nnaem = ["x"]\n')
    assert len(rs.rules) == 1
    errs = [str(e) for e in rs.errors]
    assert errs[0].startswith(f"{path}:7: themes has '结婚登记', not a theme")
    assert errs[1] == f"{path}:10: themes has '社会保障', which both lists have: write 个人:社会保障 or 法人:社会保障"
    assert errs[2].startswith(f"{path}:15: unknown key 'naem'")


def test_unusable_rules_file_is_one_clear_error(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="rules.toml: not valid TOML"):
        load_rules(path)
    with pytest.raises(catalogue.CatalogueError, match="nothing.toml: file not found"):
        load_rules(tmp_path / "nothing.toml")


def test_own_themes_win_over_rules_and_rules_match_name_department_and_exclusions(tmp_path):
    _path, rs = _rules(tmp_path, '[[rule]]\nthemes = ["户籍办理"]\nname = ["户口"]\nnot_name = ["户口本工本费"]\n'
                                 '[[rule]]\nthemes = ["法人:税收财务"]\ndepartment = ["税务"]\n')
    items = [catalogue.Item("1", "户口迁入"), catalogue.Item("2", "户口迁入", themes=("个人:生育收养",)),
             catalogue.Item("3", "户口本工本费"), catalogue.Item("4", "发票领用", department="区税务局")]
    idx = ThemeIndex.build(items, rs)
    assert [i.id for i in idx.items("个人:户籍办理")] == ["1"]
    assert [i.id for i in idx.items("个人:生育收养")] == ["2"]
    assert idx.of_item["3"] == () and idx.covered == 3
    assert idx.groups() == [("个人", [("生育收养", 1), ("户籍办理", 1)]), ("法人", [("税收财务", 1)])]


def test_bundled_catalogue_every_item_has_a_theme_and_the_common_ones_are_right():
    cat = catalogue.load()
    rs = load_rules()
    assert rs.errors == []
    idx = ThemeIndex.build(cat.items, rs)
    assert idx.covered == len(cat) == 1210
    names = {k: {i.name for i in idx.items(k)} for k in idx.by_theme}
    assert "普通护照签发" in names["个人:出境入境"] and "普通护照签发" in names["个人:证件办理"]
    assert "户口注销（死亡注销）" in names["个人:死亡殡葬"] and "户口注销（死亡注销）" in names["个人:户籍办理"]
    assert "中国内地公民婚姻登记" in names["个人:婚姻登记"]
    assert "社会保障卡补领、换领、换发" in names["个人:社会保障"]
    assert "企业职工基本养老保险正常退休申请" in names["个人:离职退休"]
    assert "公司设立登记" in names["法人:设立变更"] and "公司注销登记" in names["法人:法人注销"]
    assert "公司设立登记" not in names.get("个人:社会保障", set())
    assert "发票领用(县级行使）" in names["法人:税收财务"]


def test_departments_alphabetised_by_pinyin_and_cached_without_pypinyin(tmp_path):
    rows = departments_az(catalogue.load(), tmp_path)
    assert len(list(tmp_path.glob("departments-az-*.json"))) == 1
    probe = ("import sys; from kiosk import catalogue; from kiosk.browse_index import departments_az; "
             f"rows = departments_az(catalogue.load(), {str(tmp_path)!r}); "
             "print(len(rows), rows[0][0], 'pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["44", "财政局", "False"], out.stderr
    names = [n for n, _c, _i in rows]
    assert len(rows) == 44
    assert names.index("财政局") < names.index("公安分局") < names.index("行政审批服务局") < names.index("住房和城乡建设局")
    assert dict((n, i) for n, _c, i in rows)["财政局"] == "C"


def test_catalogue_check_reports_theme_rules_and_coverage(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nthemes = ["户籍办理"]\nname = ["户口"]\n[[rule]]\nthemes = ["结婚登记"]\nname = ["婚"]\n',
                     encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "ehall_kiosk", "catalogue", "check", "kiosk/data/service-items.csv",
                          "--theme-rules", str(rules)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 1
    assert f"rule skipped: {rules}:5: themes has '结婚登记'" in out.stdout
    assert "1 theme rules usable, 1 skipped" in out.stdout
    ok = subprocess.run([sys.executable, "-m", "ehall_kiosk", "catalogue", "check", "kiosk/data/service-items.csv"],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ok.returncode == 0 and "1210 of 1210 items with a theme" in ok.stdout
