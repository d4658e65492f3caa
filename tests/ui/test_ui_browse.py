# SPDX-License-Identifier: Apache-2.0
"""Browsing: home → by department → list (paged) → item → QR that really scans."""
from PIL import Image
from pyzbar.pyzbar import decode

from ui_kit import button, overflowing


def _row(screen, container_id, text_start):
    for w in screen.ids[container_id].children:
        if w.text.startswith(text_start):
            return w
    raise AssertionError(f"no row starting {text_start!r}")


def test_browse_department_list_item_qr(ui):
    """GIVEN the home screen WHEN a citizen taps 按部门, a department, 下一页, an item
    and 手机继续办理 THEN each screen shows and the QR decodes to the item's URL."""
    home = ui.screen
    ui.tap(home.ids.tile_department)
    assert ui.app.manager.current == "browse"
    browse = ui.screen
    assert browse.title == "按部门浏览"
    while not any(w.value == "行政审批服务局" for w in browse.ids.groups.children):   # A–Z: under X
        ui.tap(browse.ids.next_btn)
    first = next(w for w in browse.ids.groups.children if w.value == "行政审批服务局")
    assert "340\u00a0项" in first.text
    ui.screenshot("browse")
    assert not overflowing(browse)

    ui.tap(first)
    assert ui.app.manager.current == "list"
    lst = ui.screen
    assert lst.total == 340 and lst.pages == 43 and lst.page == 0
    assert lst.ids.page_label.text == "第 1/43 页"
    assert lst.ids.prev_btn.disabled
    ui.tap(lst.ids.next_btn)
    assert lst.page == 1 and lst.ids.page_label.text == "第 2/43 页"
    ui.screenshot("list")
    assert not overflowing(lst)
    assert len(ui.kiosk.session.history) == 3     # paging replaces, Back goes to the departments

    row = lst.ids.rows.children[-1]               # the first row on page 2
    expected = ui.kiosk.catalogue.filter(department="行政审批服务局")[8]
    ui.tap(row)
    assert ui.app.manager.current == "item"
    assert ui.screen.item_id == expected.id
    assert not overflowing(ui.screen)

    assert not expected.channels and ui.screen.ids.qr_btn.parent is None   # window only: no QR
    online = ui.kiosk.catalogue.by_id["SI-0001"]                             # 网上办
    ui.kiosk.session.go("item", id=online.id)
    ui.frames(2)
    ui.tap(ui.screen.ids.qr_btn)
    assert ui.app.manager.current == "qr"
    path = ui.screenshot("qr")
    decoded = decode(Image.open(path))
    assert [d.data.decode() for d in decoded] == [ui.kiosk.qr_url(online)]

    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "item" and ui.screen.item_id == online.id
    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "item" and ui.screen.item_id == expected.id
    ui.tap(button(ui.screen, "返回"))
    assert ui.app.manager.current == "list" and ui.screen.page == 1


def _tab_texts(browse):
    return [w.text for w in browse.ids.tab_department.parent.children[::-1]]


def test_citizens_browse_by_topic_department_and_audience_not_by_legal_category(ui):
    """GIVEN a citizen on the browse screen (normal and large mode) THEN the tabs are 个人主题,
    法人主题, 按部门, 按服务对象: the law's 按类别 (行政许可 …) is not on screen."""
    for large in (False, True):
        if large:
            ui.tap(button(ui.screen, "首页"))
            ui.tap(ui.screen.ids.tile_large)
        ui.tap(ui.screen.ids.tile_department)
        browse = ui.screen
        assert _tab_texts(browse) == ["个人主题", "法人主题", "按部门", "按服务对象"]
        assert "按类别" not in [w.text for w in browse.walk(restrict=True) if hasattr(w, "text")]
        ui.screenshot("browse-tabs-large" if large else "browse-tabs")


def test_browse_tabs_category_for_staff_and_audience(make_ui):
    """GIVEN a helper in assist mode WHEN the 按类别 and 按服务对象 tabs are tapped THEN counts show."""
    from kiosk.assist_mode import hash_pin
    from screens.assist_flow import controller
    ui = make_ui(**{"assist.staff_pins": ["h01:" + hash_pin("482913")]})
    assert controller(ui.app).mode.elevate("482913") == "h01"
    ui.tap(ui.screen.ids.tile_department)
    browse = ui.screen
    assert _tab_texts(browse) == ["个人主题", "法人主题", "按部门", "按类别", "按服务对象"]
    ui.tap(browse.ids.tab_category)
    assert browse.by == "category"
    assert "行政许可" in browse.ids.groups.children[-1].text
    assert "529 项" in browse.ids.groups.children[-1].text
    ui.tap(browse.ids.tab_audience)
    assert browse.by == "audience"
    texts = [w.text for w in browse.ids.groups.children]
    assert any(t.startswith("个人") and "79 项" in t for t in texts)
    assert len(ui.kiosk.session.history) == 2


def test_home_audience_tile_opens_list(ui):
    """GIVEN home WHEN 个人办事 is tapped THEN the list of items for 个人 opens, with 首页 back."""
    ui.tap(ui.screen.ids.tile_person)
    assert ui.app.manager.current == "list"
    assert ui.screen.total == 79
    ui.tap(button(ui.screen, "首页"))
    assert ui.app.manager.current == "home"
