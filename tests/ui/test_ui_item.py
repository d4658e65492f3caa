# SPDX-License-Identifier: Apache-2.0
"""The item screen: only the fields the data has; plain words when there is no guide."""
from kivy.uix.checkbox import CheckBox

from ui_kit import button, overflowing


def _texts(screen):
    return [w.text for w in screen.ids.content.walk(restrict=True) if getattr(w, "text", "")]


def _help_buttons(screen):
    """The help buttons a citizen sees on screen (shown, on the window, with a size)."""
    from kivy.uix.button import Button
    return [w for w in screen.walk(restrict=True) if isinstance(w, Button) and w.text in ("找工作人员", "呼叫帮办")
            and w.opacity > 0 and w.width > 1 and w.height > 1 and w.get_root_window() is not None]


def test_item_screen_has_one_help_button(ui):
    """GIVEN items with and without a guide, online or window-only, in normal and large mode
    WHEN they open THEN 找工作人员 shows once (in the top bar), tapping it opens the desk
    screen; an item with nothing to print and no QR has no empty bottom bar."""
    from pixels import frame, text_contrast, window_rect
    for large in (False, True):
        if large:
            ui.kiosk.session.home()
            ui.frames(2)
            ui.tap(ui.screen.ids.tile_large)
            assert ui.app.theme.large
        for item_id in ("SI-0049", "SI-0050", "SI-0001"):
            ui.kiosk.session.go("item", id=item_id)
            ui.frames(3)
            helps = _help_buttons(ui.screen)
            assert [h.text for h in helps] == ["找工作人员"], (item_id, [h.text for h in helps])
            x0, y0, x1, y1 = window_rect(helps[0])
            assert y0 >= ui.window.height - ui.app.theme.nav_h - 1      # in the top bar
            assert text_contrast(frame(ui.window), (x0, y0, x1, y1))[0] >= 4.5
            bar = ui.screen.ids.bar
            assert (bar.height > 0) == bool(bar.children)
    ui.screenshot("item-one-help")
    ui.tap(_help_buttons(ui.screen)[0])
    assert ui.app.manager.current == "help"


def test_item_with_guide(ui):
    """GIVEN an item with limits, fee and materials WHEN it opens THEN each shows,
    the materials are a checklist and the source is named."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    item = ui.screen
    texts = _texts(item)
    assert texts[0] == "普通护照签发（首次申请）"
    for expected in ("办理部门", "临沂市公安局（出入境管理）", "服务对象", "个人",
                     "办理时限", "承诺时限：7 个工作日；法定时限：7 个工作日", "收费", "首次申请160元/本"):
        assert expected in texts
    assert "咨询电话" not in texts                      # the data lacks it
    joined = " ".join(texts)
    for staff_only in ("事项类型", "办理渠道", "SI-0049", "信息来源", "GitHub", "网办程度"):
        assert staff_only not in joined                 # words for citizens only
    assert item.ids.qr_btn.parent is None               # done only at the window: no QR
    assert not any(t.startswith("本事项暂无") for t in texts)
    boxes = [w for w in item.ids.content.walk(restrict=True) if isinstance(w, CheckBox)]
    assert len(boxes) == 5
    ui.tap(boxes[0])
    assert boxes[0].active
    ui.screenshot("item")
    assert not overflowing(item)


def test_item_without_guide(ui):
    """GIVEN an item with no guide WHEN it opens THEN it says plainly 请到窗口咨询 with the
    desk and phone from config, offers no print (nothing to print), the QR where the item
    can be done online, and 找工作人员 (no hub) which opens the desk screen."""
    ui.kiosk.session.go("item", id="SI-0050")
    ui.frames(2)
    item = ui.screen
    assert not item.has_guide
    texts = _texts(item)
    notice = [t for t in texts if t.startswith("本事项暂无详细办事指南")]
    desk = ui.kiosk.config["hall.desk_location"]
    assert notice and "请到窗口咨询" in notice[0] and desk in notice[0] and "0631-12345" in notice[0]
    assert "帮办" not in notice[0]
    assert "申请材料" not in " ".join(texts) and "办理时限" not in texts
    from screens.item import FieldRow
    rows = [w for w in item.ids.content.children if isinstance(w, FieldRow)]
    assert rows and all(r.value.strip() for r in rows)
    assert item.ids.print_btn.parent is None and item.ids.print_a4_btn.parent is None
    assert item.ids.qr_btn.get_root_window() and item.ids.qr_btn.text.startswith("手机继续办理")
    helps = _help_buttons(item)
    assert len(helps) == 1 and helps[0].text == "找工作人员"      # one help button, not two
    ui.screenshot("item-no-guide")
    ui.tap(helps[0])
    assert ui.app.manager.current == "help"
    assert desk in [w.text for w in ui.screen.walk() if getattr(w, "text", "")]


def test_checklist_rows_toggle_whole_and_ticks_survive_the_qr_screen(ui):
    """GIVEN an item's materials WHEN the citizen taps a row's text (not its box) THEN the row
    ticks; boxes are ≥ 60 dp; after visiting 手机继续办理 and coming back the ticks are kept;
    after the session ends they are gone."""
    from kivy.metrics import dp

    from screens.item import MaterialRow
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    rows = [w for w in ui.screen.ids.content.children[::-1] if isinstance(w, MaterialRow)]
    assert len(rows) >= 2
    for r in rows:
        side = r.ids.check.side
        assert side >= dp(60) - 0.5
    label = rows[1].ids.label
    ui.tap_xy(*label.to_window(label.x + label.width * 0.7, label.center_y))
    assert rows[1].active and rows[1].ids.check.active and not rows[0].active
    ui.tap(rows[0].ids.check)
    assert rows[0].active
    ui.tap(ui.screen.ids.qr_btn)
    assert ui.app.manager.current == "qr"
    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "item"
    rows = [w for w in ui.screen.ids.content.children[::-1] if isinstance(w, MaterialRow)]
    assert rows[0].active and rows[1].active and not any(r.active for r in rows[2:])
    ui.screenshot("item-checklist")
    ui.kiosk.session.end("finished")
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    rows = [w for w in ui.screen.ids.content.children[::-1] if isinstance(w, MaterialRow)]
    assert not any(r.active for r in rows)


def test_staff_see_ids_channels_and_sources_in_assist_mode(make_ui):
    """GIVEN a helper in assist mode (PIN) WHEN an item opens THEN its id, legal category,
    channels and the data's source show for staff; a citizen never sees them."""
    from kiosk.assist_mode import hash_pin
    from screens.assist_flow import controller
    ui = make_ui(**{"assist.staff_pins": ["h01:" + hash_pin("482913")]})
    ui.kiosk.session.go("item", id="SI-0001")
    ui.frames(2)
    assert not any("SI-0001" in t for t in _texts(ui.screen))
    assert controller(ui.app).mode.elevate("482913") == "h01" and controller(ui.app).mode.active
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    staff = [t for t in _texts(ui.screen) if t.startswith("工作人员信息")]
    assert staff and "SI-0049" in staff[0] and "办理渠道 窗口" in staff[0] and "信息来源：GitHub" in staff[0]
