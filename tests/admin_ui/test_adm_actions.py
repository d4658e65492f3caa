# SPDX-License-Identifier: Apache-2.0
"""What the admin screen does, tapped through Kivy's input path: 自检, 打印测试页 on the capture
printer and on cupsd, 已换纸, masked log lines, 关机 with confirmation up to logind's call, and
退出到桌面 for the admin role only."""
import logging

from a4_pdftools import pdf_from_pjl, text
from adm_helpers import PIN_ADMIN, PIN_HELPER, login, shown_texts, tap_action, tap_section

from journal_kit import export_entry, journal_file

from drivers.a4_printer import create_a4_printer
from drivers.base import DeviceState
from drivers.receipt_printer import create_printer
from kiosk.ops.admin_system import Logind
from kiosk.ops.journal_log import JournalLog


def _printer(ui, uri="sim://"):
    device = create_printer(uri, name="receipt_printer")
    device.open()
    ui.kiosk.devices["receipt_printer"] = device
    return device


def test_self_test_result_is_shown_per_device(admin_ui):
    """GIVEN a receipt printer WHEN the admin taps 自检 on its row THEN 自检通过 and the driver's
    lines show under it; a printer out of paper shows 自检未通过 with its code."""
    ui = admin_ui()
    printer = _printer(ui)
    login(ui, PIN_ADMIN)
    assert "小票打印机：正常" in shown_texts(ui)
    tap_action(ui, "test:receipt_printer")
    ui.wait_until(lambda: "自检通过" in shown_texts(ui), timeout=10)
    assert any("paper used since roll change" in t for t in shown_texts(ui))
    ui.screenshot("admin-self-test")
    printer.set_mode("paper_out")
    printer.refresh()
    tap_action(ui, "test:receipt_printer")
    ui.wait_until(lambda: "自检未通过" in shown_texts(ui), timeout=10)
    assert any("PRN_NO_PAPER" in t for t in shown_texts(ui))
    assert "action=self_test" in ui.audit_path.read_text(encoding="utf-8")


def test_receipt_test_page_prints_on_the_capture_printer(admin_ui, capture_printer):
    ui = admin_ui()
    _printer(ui, capture_printer.uri)
    login(ui, PIN_ADMIN)
    tap_section(ui, "print")
    tap_action(ui, "print:receipt")
    ui.wait_until(lambda: "小票打印机测试页已打印" in ui.screen.status, timeout=10)
    assert capture_printer.wait_jobs(1)
    job = capture_printer.jobs()[-1]
    assert "打印测试".encode("gb18030") in job and "中文测试".encode("gb18030") in job
    ui.screenshot("admin-print")
    assert "action=print_test" in ui.audit_path.read_text(encoding="utf-8")


def test_a4_test_page_prints_through_cupsd(admin_ui, cupsd):
    spool = cupsd.add_test_queue("AdminA4")
    a4 = create_a4_printer(f"cups://AdminA4?server={cupsd.sock}")
    a4.open()
    ui = admin_ui()
    ui.kiosk.devices["a4_printer"] = a4
    try:
        login(ui, PIN_ADMIN)
        tap_section(ui, "print")
        tap_action(ui, "print:a4")
        ui.wait_until(lambda: "A4 打印机测试页已打印" in ui.screen.status, timeout=20)
        files = sorted(spool.glob("job-*.pdf"))
        assert len(files) == 1
        assert "A4 打印测试" in text(pdf_from_pjl(files[0].read_bytes()))
    finally:
        cupsd.run("lpadmin", "-x", "AdminA4")


def test_paper_replaced_resets_the_forecast(admin_ui):
    ui = admin_ui()
    printer = _printer(ui)
    printer.journal.used_mm = printer.profile.roll_length_mm - 1000     # GIVEN a roll nearly used
    printer.refresh()
    assert printer.state is DeviceState.DEGRADED
    login(ui, PIN_ADMIN)
    tap_section(ui, "print")
    assert "小票纸预计剩余 1.0 米（整卷 50 米）" in shown_texts(ui)
    tap_action(ui, "paper")
    ui.frames(2)
    assert printer.paper_left_mm() == printer.profile.roll_length_mm
    assert printer.state is DeviceState.READY
    assert "小票纸预计剩余 50.0 米（整卷 50 米）" in shown_texts(ui)
    assert "已记录换纸" in ui.screen.status
    assert "action=paper_replaced" in ui.audit_path.read_text(encoding="utf-8")


def test_log_lines_are_shown_masked(admin_ui):
    """Not under systemd: the process's own lines, masked, and the screen says they are not the
    system journal."""
    ui = admin_ui()
    login(ui, PIN_ADMIN)
    ui.app.admin_flow.service.journal.env = {}                 # not started by systemd
    logging.getLogger("kiosk.test").warning("reader saw 370102199001011234 and 13812345678")
    tap_section(ui, "logs")
    text = "\n".join(shown_texts(ui))
    assert "程序不是由 systemd 启动的，没有系统日志。下面是本程序内存里最近" in text
    assert "reader saw 3701**********1234 and 138****5678" in text
    assert "370102199001011234" not in text and "13812345678" not in text
    ui.screenshot("admin-logs")


def test_log_lines_come_from_the_units_journal_masked(admin_ui, tmp_path):
    """Under systemd: the kiosk unit's journal (a real journal file read by python-systemd),
    masked, newest first; the process's own ring is not what is shown."""
    ui = admin_ui()
    login(ui, PIN_ADMIN)
    path = journal_file(tmp_path / "kiosk.journal", [
        export_entry(1, "watchdog timeout: the run before the restart", ident="systemd", priority=4),
        export_entry(2, "reader saw 370102199001011234 and 13812345678")])
    ui.app.admin_flow.service.journal = JournalLog(ui.app.admin_flow.service.logs, files=[str(path)],
                                                   env={"INVOCATION_ID": "test"})
    logging.getLogger("kiosk.test").warning("only in the ring")
    tap_section(ui, "logs")
    text = "\n".join(shown_texts(ui))
    assert "系统日志（journald，ehall-kiosk.service）最近 2 行，最新的在最上面" in text
    assert text.index("I ehall-kiosk: reader saw 3701**********1234 and 138****5678") < \
        text.index("W systemd: watchdog timeout: the run before the restart")
    assert "370102199001011234" not in text and "13812345678" not in text and "only in the ring" not in text
    ui.screenshot("admin-logs-journal")


def test_poweroff_asks_first_then_calls_logind(admin_ui, logind):
    ui = admin_ui()
    login(ui, PIN_ADMIN)
    ui.app.admin_flow.service.logind = Logind(bus=logind.address)
    tap_section(ui, "power")
    tap_action(ui, "poweroff")
    assert "确定要关闭这台终端吗？关机后需要有人到现场开机。" in shown_texts(ui)
    ui.screenshot("admin-poweroff-confirm")
    assert not logind.calls
    tap_action(ui, "cancel")
    assert "确定关机" not in shown_texts(ui) and not logind.calls
    tap_action(ui, "poweroff")
    tap_action(ui, "confirm")
    ui.wait_until(lambda: "正在关机…" in ui.screen.status, timeout=10)
    assert [c[1:] for c in logind.calls if c[1] == "PowerOff"] == [("PowerOff", "b", (False,))]
    logind.deny = True
    tap_action(ui, "reboot")
    tap_action(ui, "confirm")
    ui.wait_until(lambda: "系统没有执行" in ui.screen.status, timeout=10)
    audit = ui.audit_path.read_text(encoding="utf-8")
    assert "action=poweroff" in audit and "action=reboot" in audit and "result=fail" in audit


def test_exit_to_desktop_only_for_the_admin_role(admin_ui, monkeypatch):
    ui = admin_ui()
    stops = []
    monkeypatch.setattr(ui.app, "stop", lambda *a: stops.append(ui.app.exit_code))
    login(ui, PIN_HELPER)
    tap_section(ui, "power")
    assert "退出到桌面" not in [b.text for b in ui.screen.buttons.values()]
    assert "退出到桌面：只有管理员可以使用。" in shown_texts(ui)
    assert not ui.app.admin_flow.service.exit_to_desktop()          # refused by the core too
    ui.screenshot("admin-power-helper")
    ui.tap(ui.screen.ids.exit_btn)
    login(ui, PIN_ADMIN)
    tap_section(ui, "power")
    ui.screenshot("admin-power-admin")
    tap_action(ui, "desktop")
    ui.frames(2)
    assert stops == [75]
    audit = ui.audit_path.read_text(encoding="utf-8")
    assert "staff=W01 terminal=EHALL-01 action=exit_to_desktop result=refused role=helper" in audit
    assert "staff=A01 terminal=EHALL-01 action=exit_to_desktop role=admin" in audit


def test_restart_app_stops_with_the_restart_code(admin_ui, monkeypatch):
    ui = admin_ui()
    stops = []
    monkeypatch.setattr(ui.app, "stop", lambda *a: stops.append(ui.app.exit_code))
    login(ui, PIN_HELPER)
    tap_section(ui, "power")
    ui.app.exit_code = 99
    tap_action(ui, "restart_app")
    ui.frames(2)
    assert stops == [0]


def test_volume_and_brightness_say_plainly_when_not_possible(admin_ui):
    ui = admin_ui()
    login(ui, PIN_ADMIN)
    tap_section(ui, "settings")
    texts = shown_texts(ui)
    assert any(t.startswith("音量：本机没有配置真实的音箱") for t in texts)
    assert any("不能由本机调节亮度" in t for t in texts)
    assert not ui.screen.buttons
    ui.screenshot("admin-settings")


def test_every_device_shows_its_state_and_last_error(admin_ui):
    """GIVEN the terminal's devices, one reader unplugged WHEN the admin opens the screen THEN each
    device has a row with its state in words, and the unplugged one its code and who must act."""
    from kiosk.devices import create
    from kiosk.wiring import open_devices

    ui = admin_ui()
    devices = {name: create(name, {"uri": uri}) for name, uri in (
        ("id_reader", "serial:///dev/ehall-no-such-reader"), ("smartcard", "sim://"), ("camera", "sim://"),
        ("receipt_printer", "sim://"), ("audio", "sim://"))}
    open_devices(devices)
    ui.kiosk.devices.update(devices)
    login(ui, PIN_ADMIN)
    texts = shown_texts(ui)
    for row in ("读卡器（社保卡/工作证）：正常", "摄像头：正常", "小票打印机：正常", "音箱：正常"):
        assert row in texts, texts
    reader = devices["id_reader"]
    assert reader.state in (DeviceState.ABSENT, DeviceState.FAULT)
    words = {DeviceState.ABSENT: "身份证阅读器：未连接", DeviceState.FAULT: "身份证阅读器：故障"}[reader.state]
    assert words in texts
    assert any(t.startswith(f"最近的错误：{reader.last_error.code}") for t in texts)
    ui.screenshot("admin-devices-all")
