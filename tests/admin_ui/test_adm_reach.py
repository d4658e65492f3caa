# SPDX-License-Identifier: Apache-2.0
"""The admin screen is reached by a long press plus a PIN or by a staff badge; entering ends the
citizen's session; five wrong PINs lock the PIN for five minutes, logged and offered to the hub."""
from adm_helpers import PIN_ADMIN, PIN_HELPER, enter_pin, long_press, login, shown_texts

from drivers.smartcard import open_smartcard


def test_long_press_and_admin_pin_open_it_after_the_citizen_session_ends(admin_ui):
    """GIVEN a citizen on an item page WHEN staff hold the hall name 3 s and enter an admin PIN
    THEN the citizen's session is wiped first and the admin screen shows the role, in hanzi."""
    ui = admin_ui()
    ui.kiosk.session.go("item", id="SI-0049")
    ui.kiosk.session.data["card"] = "张三 370102199001011234"
    ui.frames(2)
    ui.kiosk.session.home()
    ui.frames(2)
    long_press(ui, seconds=1.0)
    assert ui.app.manager.current == "home"
    long_press(ui)
    assert ui.app.manager.current == "admin_login"
    ui.screenshot("admin-login")
    ended = ui.kiosk.session.ended_count
    enter_pin(ui, "1111")
    assert ui.app.manager.current == "admin_login"
    assert "PIN 不正确，还可以再试 4 次" in ui.screen.message
    enter_pin(ui, PIN_ADMIN)
    ui.wait_until(lambda: ui.app.manager.current == "admin")
    assert ui.kiosk.session.ended_count == ended + 1 and "card" not in ui.kiosk.session.data
    assert "终端管理　A01（管理员）" in shown_texts(ui)
    assert not any("370102" in t or "张三" in t for t in shown_texts(ui))
    ui.screenshot("admin-devices")
    audit = ui.audit_path.read_text(encoding="utf-8")
    assert "action=pin_wrong" in audit and "staff=A01" in audit and "action=login" in audit
    ui.tap(ui.screen.ids.exit_btn)
    assert ui.app.manager.current == "home"
    assert "action=logout" in ui.audit_path.read_text(encoding="utf-8")


def test_five_wrong_pins_lock_it_for_five_minutes_logged_and_offered_to_the_hub(admin_ui):
    ui = admin_ui()
    events = []
    ui.app.admin_flow.service.events.subscribe(events.append)
    long_press(ui)
    for _n in range(5):
        enter_pin(ui, "9999")
    assert "已锁定" in ui.screen.message and "5 分钟" in ui.screen.message
    enter_pin(ui, PIN_ADMIN)                    # the right PIN, but locked
    assert ui.app.manager.current == "admin_login" and "已锁定" in ui.screen.message
    ui.screenshot("admin-login-locked")
    locked = [e for e in events if e.kind == "pin_locked"]
    assert len(locked) == 1 and locked[0].details == {"attempts": "5", "lock_s": "300"}
    assert locked[0].terminal == "EHALL-01"
    assert "action=pin_locked" in ui.audit_path.read_text(encoding="utf-8")
    ui.clock.advance(299)
    enter_pin(ui, PIN_ADMIN)
    assert ui.app.manager.current == "admin_login"
    ui.clock.advance(2)
    enter_pin(ui, PIN_ADMIN)
    ui.wait_until(lambda: ui.app.manager.current == "admin")


def test_an_admin_badge_opens_it_from_any_screen_a_helper_badge_only_at_the_login(admin_ui):
    reader = open_smartcard("smartcard", "sim://", staff_badges=("uid:04A1B2C3D4=A01",))
    ui = admin_ui(**{"admin.badge_ids": ["A01"]})
    try:
        ui.kiosk.devices["smartcard"] = reader
        from screens import admin_flow
        ui.app.admin_flow.detach()
        ui.app.admin_flow = None
        admin_flow.controller(ui.app)            # watches the reader the test just gave the kiosk
        ui.kiosk.session.go("search")
        ui.frames(2)
        reader.simulator.insert_card("badge")
        ui.wait_until(lambda: ui.app.manager.current == "admin", timeout=5)
        assert ui.app.admin_flow.service.grant.role.value == "admin"
        assert "via=badge" in ui.audit_path.read_text(encoding="utf-8")
    finally:
        reader.close()


def test_a_helper_badge_counts_only_while_the_login_waits(admin_ui):
    reader = open_smartcard("smartcard", "sim://", staff_badges=("uid:04A1B2C3D4=W01",))
    ui = admin_ui()
    try:
        ui.kiosk.devices["smartcard"] = reader
        from screens import admin_flow, assist_flow
        ui.app.admin_flow.detach()
        ui.app.admin_flow = None
        admin_flow.controller(ui.app)                  # both watch the reader, admin first (as in the app)
        assist = assist_flow.attach(ui.app, service=None)
        reader.simulator.insert_card("badge")
        ui.wait_until(lambda: assist.mode.active, timeout=5)
        assert ui.app.manager.current != "admin"       # a helper's badge elsewhere is assist mode's
        ui.tap(assist.toolbar.ids.exit_btn)
        assert not assist.mode.active
        reader.simulator.remove_card()
        ui.wait_until(lambda: reader.current_card is None, timeout=5)
        long_press(ui)
        assert ui.app.manager.current == "admin_login"
        reader.simulator.insert_card("badge")
        ui.wait_until(lambda: ui.app.manager.current == "admin", timeout=5)
        assert ui.app.admin_flow.service.grant.role.value == "helper"
        assert "终端管理　W01（帮办人员）" in shown_texts(ui)
        ui.frames(5)
        assert not assist.mode.active and assist.toolbar.parent is None   # not assist mode as well
        assist.detach()
    finally:
        reader.close()


def test_helper_pin_gives_the_helper_role(admin_ui):
    ui = admin_ui()
    login(ui, PIN_HELPER)
    assert ui.app.admin_flow.service.grant.role.value == "helper"


def test_the_idle_timeout_signs_the_staff_member_out(admin_ui):
    """GIVEN an admin on the admin screen WHEN nobody touches it (the usual idle time and the
    countdown) THEN it returns to the home screen signed out, and the audit says why."""
    ui = admin_ui()
    login(ui, PIN_ADMIN)
    ui.idle_for(ui.kiosk.config["ui.idle_seconds"] + 1)
    assert ui.kiosk.session.phase.value == "countdown"
    ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)
    assert ui.app.manager.current == "home"
    assert ui.app.admin_flow.service.grant is None
    assert "action=logout reason=session_end" in ui.audit_path.read_text(encoding="utf-8")
