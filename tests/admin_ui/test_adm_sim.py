# SPDX-License-Identifier: Apache-2.0
"""The 模拟器 panel (training and demo mode), tapped through Kivy's input path: it exists only
with --simulate; its printer buttons make a print say the truthful printer message; unplugging
and plugging back the ID reader shows in the admin device list; the simulated staff badge opens
the admin screen; --simulate with no staff configured has the demo admin's PIN."""
import pytest
from adm_helpers import PIN_ADMIN, enter_pin, long_press, login, shown_texts, tap_section
from adm_helpers import tap_panel as tap_action

from drivers.base import DeviceState
from drivers.receipt_printer import create_printer
from kiosk.config import DEMO_PIN


@pytest.fixture
def sim_devices():
    """GIVEN the devices --simulate gives: the ID reader as the identity worker's proxy on its
    simulator, the simulated receipt printer and smart-card reader."""
    from drivers.registry import open_device
    from drivers.smartcard import open_smartcard
    from kiosk import devices

    made = {"id_reader": open_device(devices.create("id_reader", {"uri": "sim://?baud=115200"})),
            "receipt_printer": create_printer("sim://", name="receipt_printer"),
            "smartcard": open_smartcard("smartcard", "sim://", staff_badges=("uid:04A1B2C3D4=A01",))}
    made["receipt_printer"].open()
    yield made
    for dev in made.values():
        dev.close()


def shows(ui, words):
    return any(words in text for text in shown_texts(ui))


def _with(ui, devices):
    """The kiosk gets the devices, and the admin flow watches this smart-card reader's badges."""
    from screens import admin_flow

    ui.kiosk.devices.update(devices)
    ui.app.admin_flow.detach()
    ui.app.admin_flow = None
    admin_flow.controller(ui.app)


def test_the_panel_exists_only_in_simulate_mode(admin_ui, sim_devices):
    """GIVEN a kiosk started without --simulate (its devices on simulators all the same: the
    defaults) WHEN the admin signs in THEN there is no 模拟器 section and no simulator core."""
    ui = admin_ui()
    _with(ui, sim_devices)
    login(ui, PIN_ADMIN)
    assert "sec_sim" not in ui.screen.ids and ui.kiosk.simulator is None
    assert not [t for t in shown_texts(ui) if "模拟器" in t]
    ui.screenshot("admin-no-simulator")


def test_paper_out_from_the_panel_makes_a_print_say_so(admin_ui, sim_devices):
    """GIVEN --simulate WHEN staff tap 缺纸 in the 模拟器 section and a citizen prints a guide THEN
    the screen says the printer cannot print (no hub here: 请到服务台告知工作人员); 正常 again
    prints it."""
    ui = admin_ui(simulate=True)
    _with(ui, sim_devices)
    login(ui, PIN_ADMIN)
    tap_section(ui, "sim")
    assert shows(ui, "读卡区：没有证件") and shows(ui, "小票打印机：正常")
    tap_action(ui, "sim:printer:paper_out")
    ui.frames(2)
    assert shows(ui, "小票打印机：缺纸")
    ui.screenshot("admin-simulator")
    ui.tap(ui.screen.ids.exit_btn)
    ui.frames(2)
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    ui.wait_until(lambda: "打印机暂时不能用，请到服务台告知工作人员。" in ui.app.root.notice, timeout=15)
    assert not sim_devices["receipt_printer"].jobs
    ui.screenshot("simulator-paper-out-print")
    login(ui, PIN_ADMIN)
    tap_section(ui, "sim")
    tap_action(ui, "sim:printer:online")
    ui.tap(ui.screen.ids.exit_btn)
    ui.frames(2)
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.print_btn)
    assert sim_devices["receipt_printer"].mode == "online"
    ui.wait_until(lambda: ui.app.root.notice == "请在出纸口取走您的办事指南。", timeout=15)
    assert len(sim_devices["receipt_printer"].jobs) == 1


@pytest.mark.parametrize("mode, words", [("cover_open", "纸仓盖打开"), ("offline", "离线")])
def test_the_other_printer_faults_show_in_the_device_list(admin_ui, sim_devices, mode, words):
    ui = admin_ui(simulate=True)
    _with(ui, sim_devices)
    login(ui, PIN_ADMIN)
    tap_section(ui, "sim")
    tap_action(ui, f"sim:printer:{mode}")
    ui.frames(2)
    assert shows(ui, f"小票打印机：{words}")
    tap_section(ui, "devices")
    assert "小票打印机：故障" in shown_texts(ui)
    assert sim_devices["receipt_printer"].state is DeviceState.FAULT


def test_unplug_and_replug_the_reader_shows_in_the_device_list(admin_ui, sim_devices):
    """GIVEN --simulate WHEN staff tap 拔下阅读器 THEN the device list shows the ID reader 未连接
    with IDR_UNPLUGGED; 插回阅读器 brings it back to 正常."""
    ui = admin_ui(simulate=True)
    _with(ui, sim_devices)
    login(ui, PIN_ADMIN)
    assert "身份证阅读器：正常" in shown_texts(ui)
    tap_section(ui, "sim")
    tap_action(ui, "sim:cable:out")
    ui.frames(2)
    assert shows(ui, "身份证阅读器：已拔下")
    tap_section(ui, "devices")
    assert "身份证阅读器：未连接" in shown_texts(ui)
    assert any("IDR_UNPLUGGED" in t for t in shown_texts(ui))
    ui.screenshot("simulator-reader-unplugged")
    tap_section(ui, "sim")
    tap_action(ui, "sim:cable:in")
    tap_section(ui, "devices")
    assert "身份证阅读器：正常" in shown_texts(ui)


def test_the_panel_badge_opens_the_admin_screen(admin_ui, sim_devices):
    """GIVEN --simulate and A01's badge WHEN staff tap 10 秒后出示 in the panel and leave THEN, when the
    delay is over, the badge lies on the reader and opens the admin screen by badge."""
    import threading

    ui = admin_ui(simulate=True, **{"admin.badge_ids": ["A01"]})
    _with(ui, sim_devices)
    delay_over = threading.Event()

    def wait(_seconds):              # the panel's delay, ended by the test instead of the clock
        delay_over.wait(10)
        return False
    ui.kiosk.simulator._wait = wait
    login(ui, PIN_ADMIN)
    tap_section(ui, "sim")
    tap_action(ui, "sim:badge:later")
    ui.frames(2)
    assert "请先退出管理" in ui.screen.status
    ui.tap(ui.screen.ids.exit_btn)
    ui.frames(2)
    assert ui.app.manager.current == "home"
    delay_over.set()
    ui.wait_until(lambda: ui.app.manager.current == "admin", timeout=5)
    assert ui.app.admin_flow.service.grant.via == "badge"


def test_simulate_without_staff_has_the_demo_admin(make_ui, tmp_path, sim_devices):
    """GIVEN --simulate and no staff configured WHEN the demo PIN is entered THEN the admin screen
    opens with the 模拟器 section."""
    ui = make_ui(simulate=True, **{"admin.audit_log": str(tmp_path / "audit.log")})
    _with(ui, sim_devices)
    long_press(ui)
    assert ui.app.manager.current == "admin_login"
    enter_pin(ui, DEMO_PIN)
    ui.wait_until(lambda: ui.app.manager.current == "admin")
    assert "sec_sim" in ui.screen.ids
