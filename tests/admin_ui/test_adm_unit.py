# SPDX-License-Identifier: Apache-2.0
"""The admin screen's core without Kivy: roles, badges, config errors, backlight, the systemd notice."""
import pytest

from kiosk import config
from kiosk.assist_mode import hash_pin
from kiosk.ops.admin_access import AdminAccess, AdminAudit, Role
from kiosk.ops.admin_system import backlight, volume_control


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def _access(tmp_path, **values):
    cfg = config.load().with_overrides(**{"admin.pins": [f"A01:{hash_pin('24680', log2_n=4)}"],
                                          "assist.staff_pins": [f"W01:{hash_pin('13579', log2_n=4)}"],
                                          **values})
    return AdminAccess(cfg, AdminAudit(tmp_path / "audit.log", "EHALL-01"), Clock())


def test_roles_are_separate_and_helpers_can_be_left_out(tmp_path):
    access = _access(tmp_path)
    assert access.login_pin("24680").role is Role.ADMIN
    helper = access.login_pin("13579")
    assert helper.role is Role.HELPER and not helper.may("exit_to_desktop") and helper.may("self_test")
    assert _access(tmp_path, **{"admin.helpers": False}).login_pin("13579") is None


def test_badges_admin_anywhere_helper_only_while_the_login_waits(tmp_path):
    access = _access(tmp_path, **{"admin.badge_ids": ["A07"]})
    assert access.login_badge("A07").role is Role.ADMIN
    assert access.login_badge("W01") is None
    access.awaiting_badge = True
    assert access.login_badge("W01").role is Role.HELPER
    assert access.login_badge("X99") is None


def test_the_audit_refuses_details_that_could_carry_citizen_data(tmp_path):
    audit = AdminAudit(tmp_path / "audit.log", "EHALL-01")
    with pytest.raises(ValueError):
        audit.write("self_test", "A01", name="张三")
    line = audit.write("self_test", "A01", device="receipt printer\nforged=1")
    assert "\n" not in line and "device=receipt_printer_forged_1" in line


@pytest.mark.parametrize("text, key, words", [
    ('[admin]\npins = ["A01:1234"]\n', "admin.pins", 'list of "staff_id:hash"'),
    ('[admin]\nhelpers = "yes"\n', "admin.helpers", "true or false"),
    ('[admin]\nbadge_ids = [""]\n', "admin.badge_ids", "list of staff ids"),
    ('[admin]\nlock_minutes = 3\n', "admin.lock_minutes", "allowed in [admin]: audit_log, badge_ids, helpers, pins"),
])
def test_bad_admin_keys_name_file_key_and_allowed(tmp_path, text, key, words):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert str(info.value).startswith(f"{path}: {key}: ") and words in str(info.value)
    assert "1234" not in str(info.value)          # a PIN entry is a secret: never echoed


def test_backlight_where_the_hardware_allows(tmp_path):
    assert not backlight(str(tmp_path)).available
    panel = tmp_path / "class" / "backlight" / "intel_backlight"
    panel.mkdir(parents=True)
    (panel / "max_brightness").write_text("1000")
    (panel / "brightness").write_text("500")
    light = backlight(str(tmp_path))
    assert light.describe() == "亮度 50%"
    assert light.set(80) == "亮度已调到 80%" and (panel / "brightness").read_text() == "800"


def test_volume_only_on_a_real_speaker():
    sim = volume_control(config.load())
    assert not sim.available and "模拟" in sim.describe()
    alsa = volume_control(config.load().with_overrides(**{"devices.audio.uri": "alsa://nosuchcard"}))
    assert alsa.describe() == "音量：读不到 nosuchcard 的音量"          # no such mixer: said, not hidden
    assert alsa.set(50) == "音量没有改变：nosuchcard 不能调节"


def test_exit_to_desktop_switches_the_watchdog_off_instead_of_stopping():
    from ehall_kiosk.main import stop_notice

    assert stop_notice(0) == "STOPPING=1"
    assert stop_notice(75).splitlines()[-1] == "WATCHDOG_USEC=0"


def test_the_audit_log_lives_in_the_units_state_directory(monkeypatch, tmp_path):
    from kiosk.ops.admin_access import default_audit_path

    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/ehall-kiosk")
    assert str(default_audit_path()) == "/var/lib/ehall-kiosk/admin-audit.log"
    monkeypatch.delenv("STATE_DIRECTORY")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_audit_path() == tmp_path / "ehall-kiosk" / "admin-audit.log"


def test_the_hub_line_names_the_host_and_the_link_never_the_token():
    from types import SimpleNamespace

    from kiosk.assist.status import AssistStatus
    from kiosk.ops.admin_system import hub_line

    cfg = config.load().with_overrides(**{"assist.hub_url": "wss://hub.hall.example:8443/kiosk",
                                          "assist.hub_token": "T" * 30})
    kiosk = SimpleNamespace(config=cfg, assist=SimpleNamespace(status=AssistStatus("idle", linked=True)))
    assert hub_line(kiosk) == "服务台连接：hub.hall.example:8443，已连接"
    kiosk.assist.status = AssistStatus("idle", linked=False)
    assert hub_line(kiosk) == "服务台连接：hub.hall.example:8443，未连接，正在重试"
    kiosk.assist.status = AssistStatus("unavailable")
    assert "拒绝" in hub_line(kiosk) and "T" * 30 not in hub_line(kiosk)


def test_an_admin_badge_id_must_be_one_a_staff_badge_gives(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[admin]\nbadge_ids = ["A01"]\n[devices.smartcard]\nstaff_badges = ["uid:04A1B2C3D4=W01"]\n',
                    encoding="utf-8")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert str(info.value).startswith(f"{path}: admin.badge_ids: has 'A01', which no badge gives; allowed: ")
    path.write_text('[admin]\nbadge_ids = ["A01"]\n[devices.smartcard]\nstaff_badges = ["uid:04A1B2C3D4=A01"]\n',
                    encoding="utf-8")
    assert config.load(path)["admin.badge_ids"] == ["A01"]
