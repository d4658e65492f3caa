# SPDX-License-Identifier: Apache-2.0
"""添加照片 on the 留言 form with the simulated document camera (scene=document), through Kivy's
input path: the live view shows, 拍照 takes the page as a thumbnail with 删除, the summary says
how many photos go, nothing is kept before 确认提交, and the hub gets the order with its photo."""
import pytest
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


@pytest.mark.parametrize("language,large", [("zh", True), ("en", False), ("en", True)],
                         ids=["zh-large", "en", "en-large"])
def test_the_photo_step_in_large_text_and_english(make_ui, tmp_path, hub, language, large):
    """GIVEN large text and/or English WHEN the 添加照片 step shows the live view and a photo
    THEN nothing is cut or overflows, the text is ≥ 30 dp and targets ≥ 60 dp in large text, and
    every kiosk word is in the chosen language (screenshots order-photos-<id>*.png)."""
    from kivy.metrics import dp

    from drivers import registry
    from kiosk.devices import create
    from screens import order as order_screen
    from test_ui_english import assert_english, to_english
    from test_ui_large_text import _check as large_text_rules

    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    camera = create("document_camera", {"uri": "sim://?scene=document&width=1280&height=720"})
    registry.open_device(camera)
    ui.kiosk.devices["document_camera"] = camera
    shot = f"order-photos-{language}{'-large' if large else ''}"

    def check(name):
        if language == "en":
            assert_english(ui, name)
            return
        ui.frames(2)
        ui.screenshot(name)
        large_text_rules(ui, ui.screen, dp(30), dp(60))
        assert not [w for w in visible_labels(ui.screen) if w.text and w.texture_size[0] > w.width + 2]

    try:
        if language == "en":
            to_english(ui)
        if large:
            ui.tap(ui.screen.ids.tile_large)
            assert ui.app.theme.large
        order_screen.start(ui.kiosk, "SI-0049")
        ui.kiosk.session.data[order_screen.DRAFT].update(category="求助", description="证件照片见附件",
                                                         phone="13912345678")
        ui.kiosk.session.go("order", step="phone")
        ui.frames(2)
        order = ui.screen
        order.part.ids.field.text = "13912345678"
        ui.tap(order.part.ids.next_btn)
        assert order.step == "photos"
        ui.wait_until(lambda: order.part.ids.live.texture is not None, timeout=10)
        words = {"zh": ("拍下材料", "拍照", "下一步"), "en": ("photograph documents", "Take photo", "Next")}[language]
        assert all(w in _texts(ui) for w in words), _texts(ui)
        check(shot)
        if language == "zh":                          # the button's name is never split by a wrap
            from test_ui_line_breaking import drawn_lines
            lines = [ln for lab in visible_labels(order.part) for ln in drawn_lines(lab)]
            assert any("“下一步”" in ln for ln in lines), lines
        ui.tap(order.part.ids.shoot_btn)
        ui.wait_until(lambda: order.photo_count == 1 and not order.shooting, timeout=15)
        check(shot + "-one")
        live, thumbs = order.part.ids.live, order.part.ids.thumbs
        assert live.height > dp(200) and thumbs.height > dp(100)            # the view and the photo both show
        assert thumbs.y >= 0 and live.top <= order.part.top + 1
        assert ("可以再拍" if language == "zh" else "Take another") in order.message      # what comes next
        for n in (2, 3):
            ui.tap(order.part.ids.shoot_btn)
            ui.wait_until(lambda n=n: order.photo_count == n and not order.shooting, timeout=15)
        check(shot + "-three")
        assert order.part.ids.shoot_btn.opacity == 0 and live.height == 0   # the photos take the view's place
        assert len(thumbs.children) == 3 and thumbs.height > dp(250)
        assert all(t.ids.delete_btn.y >= 0 and t.right <= order.part.right + 1 for t in thumbs.children)
    finally:
        _stop(ui)
        camera.close()
