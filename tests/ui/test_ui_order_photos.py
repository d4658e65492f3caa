# SPDX-License-Identifier: Apache-2.0
"""添加照片 on the 留言 form with the simulated document camera (scene=document), through Kivy's
input path: the live view shows, 拍照 takes the page as a thumbnail with 删除, the summary says
how many photos go, nothing is kept before 确认提交, and the hub gets the order with its photo."""
from ui_kit import overflowing, visible_labels

from test_ui_order import _kiosk_with_records, _stop, _until, hub  # noqa: F401 - hub: the fixture


def _texts(ui):
    return " ".join(w.text for w in visible_labels(ui.app.root))


def test_photos_from_the_document_camera_go_with_the_order_only_after_confirm(make_ui, tmp_path, hub):
    from drivers import registry
    from kiosk.devices import create
    from screens import order as order_screen

    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    camera = create("document_camera", {"uri": "sim://?scene=document&width=1280&height=720"})
    registry.open_device(camera)
    ui.kiosk.devices["document_camera"] = camera
    try:
        order_screen.start(ui.kiosk, "SI-0049")
        ui.kiosk.session.data[order_screen.DRAFT].update(category="求助", description="证件照片见附件")
        ui.kiosk.session.go("order", step="phone")
        ui.frames(2)
        order = ui.screen
        order.part.ids.field.text = "13912345678"
        ui.tap(order.part.ids.next_btn)
        assert order.step == "photos"
        ui.wait_until(lambda: order.part.ids.live.texture is not None, timeout=10)
        assert "拍下材料" in _texts(ui) and "最多 3 张" in _texts(ui) and "拍照" in _texts(ui)
        for n in (1, 2):
            ui.tap(order.part.ids.shoot_btn)
            ui.wait_until(lambda n=n: order.photo_count == n and not order.shooting, timeout=15)
        ui.frames(2)
        assert "已拍 2 张" in _texts(ui) and not overflowing(order)
        ui.screenshot("order-photos")
        thumbs = list(reversed(order.part.ids.thumbs.children))
        assert len(thumbs) == 2 and all(t.ids.image.texture is not None for t in thumbs)
        ui.tap(thumbs[0].ids.delete_btn)
        assert order.photo_count == 1 and "已删除这张照片" in _texts(ui)
        assert len(ui.kiosk.records.outbox) == 0 and hub.orders.listing() == []     # nothing kept yet
        ui.tap(order.part.ids.next_btn)
        assert order.step == "confirm"
        shown = [w.text for w in order.part.ids.rows.walk() if hasattr(w, "text")]
        assert any("1 张" in t for t in shown), shown
        ui.screenshot("order-photos-confirm")
        assert len(ui.kiosk.records.outbox) == 0 and hub.orders.listing() == []
        ui.tap(order.part.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=15)
        _until(lambda: hub.orders.listing() != [], "the hub took the order")
        [taken] = hub.orders.listing()
        jpeg = hub.orders.photo(taken["id"], 0)
        assert jpeg is not None and jpeg[:2] == b"\xff\xd8" and hub.orders.photo(taken["id"], 1) is None
        assert "photos" not in ui.kiosk.session.data.get(order_screen.DRAFT, {})   # the draft is gone
    finally:
        _stop(ui)
        camera.close()
