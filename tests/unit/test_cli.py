# SPDX-License-Identifier: Apache-2.0
"""The admin commands, run as an admin would run them (a real subprocess)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env_extra=None):
    env = dict(os.environ, XDG_CACHE_HOME=str(ROOT / "test-output" / "cache"))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "ehall_kiosk", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_help_lists_every_subcommand():
    out = run("--help")
    assert out.returncode == 0
    for word in ("catalogue", "search", "config", "--windowed", "--config", "--simulate"):
        assert word in out.stdout


def test_search_json_lines_with_catalogue_ids():
    out = run("search", "spjyxk", "--limit", "3", "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 3
    assert all(r["id"].startswith("SI-") and "食品" in r["name"] for r in rows)


def test_search_plain_marks_matches():
    out = run("search", "社保卡", "--limit", "2")
    assert out.returncode == 0
    assert "[社]会[保]障[卡]" in out.stdout and "12 items match" in out.stderr


def test_catalogue_check_reports_bad_rows(tmp_path):
    path = tmp_path / "hall.csv"
    path.write_text("id,name\nA1,婚姻登记\n,无编号\n", encoding="utf-8")
    out = run("catalogue", "check", str(path))
    assert out.returncode == 1
    assert f"skipped: {path}:3: id is empty" in out.stdout
    assert "1 items usable, 1 rows skipped" in out.stdout


def test_bad_config_is_one_clear_message_not_a_traceback(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[ui]\nidle_seconds = 2\n", encoding="utf-8")
    out = run("--config", str(path), "config", "check")
    assert out.returncode == 2
    assert out.stderr.strip() == (f"ehall-kiosk: configuration error: {path}: ui.idle_seconds: "
                                  "has 2; allowed: an integer from 15 to 1800")
    assert "Traceback" not in out.stderr


def test_unusable_catalogue_stops_the_kiosk_with_a_message(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[catalogue]\npath = "{tmp_path / "missing.csv"}"\n', encoding="utf-8")
    out = run("--config", str(cfg), "--windowed")
    assert out.returncode == 2
    assert "catalogue error" in out.stderr and "missing.csv: file not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_config_from_environment_variable(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[hall]\nterminal_id = "EHALL-42"\n', encoding="utf-8")
    out = run("config", "check", env_extra={"EHALL_KIOSK_CONFIG": str(cfg)})
    assert out.returncode == 0 and str(cfg) in out.stdout


def test_devices_lists_each_configured_device_with_state():
    out = run("--simulate", "devices")
    lines = {line.split()[0]: line for line in out.stdout.splitlines()}
    assert set(lines) == {"id_reader", "smartcard", "camera", "receipt_printer", "a4_printer", "audio", "browser",
                         "document_camera"}
    assert " ready " in lines["audio"]
    assert " ready " in lines["id_reader"] and " ready " in lines["receipt_printer"]
    assert " ready " in lines["smartcard"]
    assert all(" ready " in line for line in lines.values())
    assert out.returncode == 0


def test_id_reader_self_test_on_the_simulator_prints_masked_fields():
    out = run("devices", "test", "id_reader", "--uri", "sim://")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "card type: resident ID card" in out.stdout and "check digit: valid" in out.stdout
    assert "RESULT: PASS" in out.stdout
    number = next(line for line in out.stdout.splitlines() if line.startswith("number:"))
    assert "**********" in number


def test_bad_device_uri_is_a_fault_not_a_crash(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[devices.id_reader]\nuri = "serial:///dev/ehall-no-such-port"\n', encoding="utf-8")
    out = run("--config", str(cfg), "devices")
    line = next(line for line in out.stdout.splitlines() if line.startswith("id_reader"))
    assert ("absent" in line or "fault" in line) and "IDR_" in line
    assert out.returncode == 1          # a device is not usable: admins' scripts can tell
    assert "Traceback" not in out.stderr


def test_print_guide_on_the_simulated_printer_and_a_dead_one():
    ok = run("print", "guide", "SI-0001", "--printer", "sim://")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "guide for SI-0001" in ok.stdout and "printed job" in ok.stdout
    dead = run("print", "test", "--printer", "tcp://127.0.0.1:9")
    assert dead.returncode == 1 and "FAIL PRN_NOT_FOUND" in dead.stdout
    assert "Traceback" not in dead.stderr
    missing = run("print", "guide", "NO-SUCH", "--printer", "sim://")
    assert missing.returncode == 2 and "no item 'NO-SUCH'" in missing.stderr


def test_search_shows_the_keyword_an_item_was_found_through(tmp_path):
    """GIVEN a hall catalogue with keywords WHEN an admin searches a keyword THEN the text
    output names it with the matched part marked, and --json adds "via" only when set."""
    items = tmp_path / "hall.csv"
    items.write_text("id,name,department,keywords\n"
                     "H1,企业设立登记,行政审批服务局,营业执照;开公司\n"
                     "H2,营业执照遗失补领,行政审批服务局,\n"
                     "H3,婚姻登记,民政局,结婚证\n", encoding="utf-8")
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[catalogue]\npath = "{items}"\n', encoding="utf-8")
    out = run("--config", str(cfg), "search", "yyzz")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["H2\t[营业执照]遗失补领\t行政审批服务局",
                                       "H1\t企业设立登记\t行政审批服务局\t(搜索词: [营业执照])"]
    assert "2 items match" in out.stderr
    out = run("--config", str(cfg), "search", "营业", "--json")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0] == {"id": "H2", "name": "营业执照遗失补领", "department": "行政审批服务局",
                       "category": "", "matched": [0, 1]}
    assert rows[1]["via"] == "营业执照" and rows[1]["via_matched"] == [0, 1] and rows[1]["matched"] == []
    plain = run("--config", str(cfg), "search", "jhz")
    assert plain.stdout == "H3\t婚姻登记\t民政局\t(搜索词: [结婚证])\n"


def test_catalogue_check_counts_full_guides_in_the_bundled_sample():
    """The bundled sample gains the bundled public guides: the summary counts full guides."""
    from kiosk.catalogue import BUNDLED
    out = run("catalogue", "check", str(BUNDLED))
    assert out.returncode == 0
    import re
    m = re.search(r"(\d+) with a full guide \(materials \+ steps or time limit\)", out.stdout)
    assert m and int(m.group(1)) >= 50, out.stdout


def test_catalogue_check_names_online_addresses_the_browser_would_refuse(tmp_path):
    """在本机办理 only for addresses on web.allowed_hosts: the check names each other one by item,
    and a non-web scheme is a bad row with its line."""
    path = tmp_path / "hall.csv"
    path.write_text("id,name,online_url\n"
                    "A1,婚姻登记,https://www.shandong.gov.cn/marry\n"
                    "A2,护照,https://evil.example/passport\n"
                    "A3,社保,http://www.shandong.gov.cn/plain\n"
                    "A4,户口,ftp://x.shandong.gov.cn/\n", encoding="utf-8")
    out = run("catalogue", "check", str(path))
    assert out.returncode == 1
    assert "online_url refused: item A2: evil.example: not on the hall's list of sites" in out.stdout
    assert "online_url refused: item A3: www.shandong.gov.cn: not an encrypted (https) address" in out.stdout
    assert f"skipped: {path}:5: online_url must start with https://" in out.stdout
    assert "在本机办理: 1 of 3 items' online_url on web.allowed_hosts" in out.stdout
