# SPDX-License-Identifier: Apache-2.0
"""网上办 at the terminal, as the citizen sees it: real Chromium behind the real Kivy bar.

Taps go through Kivy's input path only; what is asserted is what is on the kiosk's screen
(pixels of the page drawn below the bar), what the portal received, and the wipe."""
import dataclasses
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from portal import box, portal  # noqa: E402,F401 - the fixture

from ui_kit import button, enter_key_text, overflowing  # noqa: E402

MARK = (10, 125, 50)          # the portal's green block at the page's top right


def _web_ui(make_ui, portal, browser="chromium:///usr/bin/chromium", **overrides):
    from drivers import registry
    from kiosk.devices import create
    from kiosk.web import WebService

    drv = make_ui(**{"web.allowed_hosts": ["http://127.0.0.1"], "web.portal_url": portal.url,
                     "web.open_timeout_seconds": 10, **overrides})
    device = create("browser", {"uri": browser})
    registry.open_device(device)
    drv.kiosk.devices["browser"] = device
    camera = create("document_camera", {"uri": "sim://?scene=document&width=1920&height=1080"})
    registry.open_device(camera)
    drv.kiosk.devices["document_camera"] = camera
    drv.kiosk.web = WebService(drv.kiosk.config, drv.kiosk.session, device, camera)
    drv.kiosk.session.home()
    drv.app._on_route(drv.app.ui, drv.app.ui.route)      # home again, now with the browser
    drv.frames(2)
    return drv


def _open_portal(drv):
    """网上办事 on home, tapped; the page open and drawn. Returns the web service."""
    drv.tap(drv.screen.ids.tile_portal)
    web = drv.kiosk.web
    drv.wait_until(lambda: web.state.value == "open" and drv.screen.ids.page.texture is not None, timeout=20)
    return web


def _tap_page(drv, selector):
    """A tap through Kivy's input path on the middle of a page element (CSS selector)."""
    box = _box(drv, selector)
    drv.tap_xy(*_page_to_window(drv, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))


def _pixel(drv, x, y):
    """The window's pixel at (x, y) from the bottom left, as the citizen sees it."""
    from kivy.graphics import Fbo  # noqa: F401 - the window's own buffer is read below
    from PIL import Image
    shot = Image.open(drv.screenshot("web-pixel-probe")).convert("RGB")
    return shot.getpixel((int(x), shot.height - 1 - int(y)))


def _near(a, b, tol=24):
    return all(abs(p - q) <= tol for p, q in zip(a, b))


def _page_to_window(drv, css_x, css_y):
    page = drv.screen.ids.page
    k = page.width / drv.kiosk.web.frame.width       # the page fills the width and hangs from the top
    return page.x + css_x * k, page.top - css_y * k


def _page_text(web):
    """The page's text; "" while it is between two pages (a navigation destroys the context)."""
    try:
        return web.device.evaluate("document.body ? document.body.innerText : ''")
    except Exception:  # noqa: BLE001
        return ""


def _box(drv, selector):
    return box(drv.kiosk.web.device, selector)


def test_the_citizen_does_it_on_the_kiosk_page_below_the_bar(make_ui, portal):
    drv = _web_ui(make_ui, portal)
    home = drv.screen
    assert home.ids.tile_portal.opacity == 1 and home.ids.tile_portal.width > 50
    drv.tap(home.ids.tile_portal)
    assert drv.screen.name == "web"
    drv.wait_until(lambda: drv.kiosk.web.state.value == "open" and drv.screen.ids.page.texture is not None,
                   timeout=20)
    web = drv.kiosk.web
    profile = web.device.profile
    assert profile is not None and profile.exists()
    bar = drv.screen.ids.bar
    # the bar stays above the page, with its buttons
    for text in ("返回", "结束办理", "大字"):
        assert button(bar, text).y >= drv.screen.ids.page.top - 1
    # the page is drawn: the portal's green block at the top right, just below the bar
    page = drv.screen.ids.page
    drv.wait_until(lambda: _near(_pixel(drv, page.right - 40, page.top - 20), MARK), timeout=10)
    drv.screenshot("web-page-below-bar")

    # a tap on the name field (through Kivy) focuses it in the page: the kiosk's keyboard comes up
    box = _box(drv, "#name")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 10, box["y"] + box["height"] / 2))
    drv.wait_until(lambda: web.editable and drv.keyboard() is not None
                   and drv.keyboard().layout in drv.keyboard().available_layouts, timeout=10)
    for key in ("w", "a", "n", "g", "1", "2"):
        drv.tap_key(key)
    drv.tap_key("删除")
    value = lambda: web.device.evaluate("document.querySelector('#name').value")  # noqa: E731
    drv.wait_until(lambda: value() == "wang1", timeout=10)
    drv.screenshot("web-typing")

    # 提交, tapped on the kiosk's screen, sends what was typed
    send = _box(drv, "#send")
    drv.tap_xy(*_page_to_window(drv, send["x"] + send["width"] / 2, send["y"] + send["height"] / 2))
    drv.wait_until(lambda: portal.submitted, timeout=10)
    assert portal.submitted[0]["name"] == "wang1"
    drv.wait_until(lambda: "已提交" in _page_text(web), timeout=10)

    # 结束办理 ends the session: Chromium and its RAM profile are gone
    drv.tap(button(drv.screen.ids.bar, "结束办理"))
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)
    assert not profile.exists()
    assert drv.screen.name == "home"


def test_a_drag_scrolls_the_page_and_large_text_zooms_it(make_ui, portal):
    drv = _web_ui(make_ui, portal)
    web = _open_portal(drv)
    page = drv.screen.ids.page
    from kivy.tests.common import UnitTestTouch
    touch = UnitTestTouch(page.center_x, page.y + 80)
    touch.touch_down()
    for step in range(1, 9):
        touch.touch_move(page.center_x, page.y + 80 + step * 40)
        drv.frames(1)
    touch.touch_up()
    drv.wait_until(lambda: web.device.evaluate("window.scrollY") > 100, timeout=10)
    assert not portal.submitted                           # a drag is not a tap
    drv.tap(button(drv.screen.ids.bar, "大字"))
    drv.wait_until(lambda: web.device.evaluate("document.documentElement.style.zoom") == "150%", timeout=10)
    assert drv.app.ui.large_text
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_an_unreachable_portal_says_what_to_do_instead(make_ui, portal):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    s.close()                                             # nothing listens there now
    drv = _web_ui(make_ui, portal, **{"web.portal_url": dead})
    drv.tap(drv.screen.ids.tile_portal)
    drv.wait_until(lambda: drv.kiosk.web.state.value == "failed", timeout=20)
    drv.frames(3)
    status = drv.screen.ids.status
    assert "暂时打不开" in status.text and "请稍后再试" in status.text and status.get_root_window() is not None
    assert "扫码" not in status.text                        # from home there is no QR to point at
    fallback = drv.screen.ids.fallback_btn
    assert fallback.opacity == 1 and not fallback.disabled and fallback.text == "返回首页"
    drv.screenshot("web-unreachable")
    drv.tap(fallback)
    assert drv.screen.name == "home"


def test_an_item_with_an_online_address_offers_to_do_it_here(make_ui, portal):
    drv = _web_ui(make_ui, portal)
    cat = drv.kiosk.catalogue
    item = next(i for i in cat.items if i.has_guide)
    online = dataclasses.replace(item, online_url=portal.url + "guide")
    cat.by_id[item.id] = online
    refused = dataclasses.replace(next(i for i in cat.items if i.id != item.id), online_url="https://evil.example/")
    cat.by_id[refused.id] = refused
    drv.kiosk.session.go("item", id=refused.id)
    drv.frames(2)
    assert drv.screen.ids.web_btn.parent is None          # not on the hall's list: no button
    drv.kiosk.session.go("item", id=item.id)
    drv.frames(2)
    web_btn = drv.screen.ids.web_btn
    assert web_btn.parent is not None
    drv.tap(web_btn)
    drv.wait_until(lambda: drv.kiosk.web.state.value == "open", timeout=20)
    drv.wait_until(lambda: "护照办理指南" in _page_text(drv.kiosk.web), timeout=10)
    assert drv.screen.title == item.name
    drv.tap(button(drv.screen.ids.bar, "返回指南"))
    assert drv.screen.name == "item"
    assert drv.kiosk.web.state.value == "open"            # the page waits for the citizen to come back
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: drv.kiosk.web.state.value == "closed", timeout=15)


def test_a_field_at_the_bottom_stays_visible_above_the_keyboard(make_ui, portal):
    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "low"})
    web = _open_portal(drv)
    full = web.frame.height
    box = _box(drv, "#low")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 20, box["y"] + box["height"] / 2))
    drv.wait_until(lambda: web.editable and drv.keyboard() is not None, timeout=10)
    drv.wait_until(lambda: web.frame.height < full - 200, timeout=10)     # the page now ends at the keyboard
    keyboard_top = drv.keyboard().top
    box = _box(drv, "#low")
    x, y = _page_to_window(drv, box["x"] + 20, box["y"] + box["height"] / 2)
    assert y > keyboard_top + 5                                           # above the keyboard, not under it
    drv.wait_until(lambda: _near(_pixel(drv, x, y), (200, 30, 30)), timeout=10)   # and drawn there
    drv.screenshot("web-field-above-keyboard")
    drv.tap_key("7")
    drv.wait_until(lambda: web.device.evaluate("document.querySelector('#low').value") == "7", timeout=10)
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_in_large_text_with_an_identity_held_the_banner_steps_aside_for_the_keyboard(make_ui, portal):
    """Large text, an identity held, the keyboard up: the identity strip makes room, so the page
    keeps a usable height and the field stays above the keyboard; it comes back afterwards."""
    from types import SimpleNamespace
    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "low"})
    drv.tap(drv.screen.ids.tile_large)
    drv.kiosk.session.set_identity(SimpleNamespace(masked_name="张*三", masked_number="3701**********123X",
                                                   wiped=False))
    drv.frames(3)
    banner = drv.app.identity_banner
    assert banner.parent is not None and "张*三" in banner.ids.who.text
    web = _open_portal(drv)
    assert banner.parent is not None                                      # shown over the page's bar
    assert drv.screen.ids.bar.top <= banner.y + 1                          # and covering nothing of it
    box = _box(drv, "#low")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 20, box["y"] + box["height"] / 2))
    drv.wait_until(lambda: web.editable and drv.keyboard() is not None, timeout=10)
    drv.wait_until(lambda: banner.parent is None, timeout=5)              # the strip stepped aside
    keyboard_top = drv.keyboard().top
    bar = drv.screen.ids.bar
    drv.wait_until(lambda: drv.keyboard().layout in drv.keyboard().available_layouts, timeout=10)
    assert enter_key_text(drv.keyboard()) == "确定"                          # not 搜索: Enter goes to the page
    drv.wait_until(lambda: abs(bar.top - drv.window.height) <= 1, timeout=5)   # the bar at the top
    assert drv.screen.ids.end_btn.get_root_window() is not None            # 结束办理 stays on the bar
    visible = bar.y - keyboard_top
    assert visible >= 250, f"only {visible:.0f} px of the page between the bar and the keyboard"
    drv.wait_until(lambda: web.frame.height <= visible + 2, timeout=10)    # the page's view ends there
    box = _box(drv, "#low")
    x, y = _page_to_window(drv, box["x"] + 20, box["y"] + box["height"] / 2)
    assert keyboard_top + 5 < y < bar.y                                    # the field above the keyboard
    drv.wait_until(lambda: _near(_pixel(drv, x, y), (200, 30, 30)), timeout=10)   # and drawn there
    drv.screenshot("web-large-identity-keyboard")
    title = drv.screen.ids.bar_title                                       # whole beside six large buttons
    assert title.text == title.title == "网上办事" and title.font_size == drv.app.theme.title
    assert not overflowing(bar)
    drv.kiosk.session.set_language("en")                                  # and in English
    drv.frames(3)
    assert title.text.replace("\n", " ") == "Online services" and not overflowing(bar)
    drv.screenshot("en-web-large-keyboard")
    drv.kiosk.session.set_language("zh")
    drv.frames(2)
    drv.tap(drv.screen.ids.back_btn)                                       # 返回: the strip is back
    drv.wait_until(lambda: drv.app.manager.current != "web", timeout=10)
    drv.frames(2)
    assert banner.parent is not None and drv.keyboard() is None
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_the_page_s_alert_and_confirm_are_kiosk_dialogs(make_ui, portal):
    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "ask"})
    web = _open_portal(drv)
    screen = drv.screen

    _tap_page(drv, "#confirm")
    drv.wait_until(lambda: screen.ask_kind == "confirm", timeout=10)
    assert screen.ids.ask_text.text == "确定提交申请吗？"
    assert screen.ids.ask_cancel.opacity == 1 and screen.ids.ask_ok.text == "确定"
    drv.screenshot("web-confirm-dialog")
    drv.tap_xy(screen.ids.page.center_x, screen.ids.page.y + 20)         # beside the dialog: nothing happens
    assert screen.ask_kind == "confirm"
    drv.tap(screen.ids.ask_cancel)
    drv.wait_until(lambda: _page_text(web).strip().endswith("已取消"), timeout=10)
    assert screen.ask_kind == ""
    _tap_page(drv, "#confirm")
    drv.wait_until(lambda: screen.ask_kind == "confirm", timeout=10)
    drv.tap(screen.ids.ask_ok)
    drv.wait_until(lambda: _page_text(web).strip().endswith("已确认"), timeout=10)

    _tap_page(drv, "#alert")
    drv.wait_until(lambda: screen.ask_kind == "alert", timeout=10)
    assert screen.ids.ask_text.text == "请核对您填写的信息" and screen.ids.ask_cancel.opacity == 0
    drv.tap(screen.ids.ask_ok)
    drv.wait_until(lambda: screen.ask_kind == "", timeout=10)

    _tap_page(drv, "#pdf")                                    # a PDF upload: 拍照 (document camera), no 签名
    drv.wait_until(lambda: screen.ask_kind == "chooser", timeout=10)
    assert screen.ids.ask_capture.opacity == 1 and screen.ids.ask_sign.opacity == 0
    drv.tap(screen.ids.ask_cancel)
    assert screen.ask_kind == ""
    _tap_page(drv, "#word")                                   # an upload the kiosk cannot serve: said plainly
    drv.wait_until(lambda: screen.ask_kind == "chooser", timeout=10)
    assert "暂时不能上传这种材料" in screen.ids.ask_text.text and screen.ids.ask_ok.text == "知道了"
    assert screen.ids.ask_sign.opacity == 0 and screen.ids.ask_capture.opacity == 0
    drv.screenshot("web-upload-not-yet")
    drv.tap(screen.ids.ask_ok)
    assert screen.ask_kind == ""
    profile = web.device.profile
    _tap_page(drv, "#alert")                                  # the citizen walks away with a dialog open:
    drv.wait_until(lambda: screen.ask_kind == "alert", timeout=10)
    drv.kiosk.session.end("timeout")                    # the session's end still wipes everything
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)
    assert not profile.exists() and screen.ask_kind == ""


def test_a_signature_drawn_on_the_kiosk_is_uploaded_as_a_transparent_png(make_ui, portal):
    import io

    from kivy.tests.common import UnitTestTouch
    from PIL import Image

    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "sign"})
    web = _open_portal(drv)
    screen = drv.screen
    box = _box(drv, "#signature")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 20, box["y"] + 20))
    drv.wait_until(lambda: screen.ask_kind == "chooser" and screen.ask_image, timeout=10)
    assert "请选择" in screen.ids.ask_text.text and screen.ids.ask_sign.opacity == 1
    drv.tap(screen.ids.ask_sign)
    assert screen.signing and screen.ids.sign_ok.disabled        # nothing to send before there is ink
    pad = screen.ids.pad
    for stroke in range(2):                                    # two strokes through Kivy's input path
        x0, y0 = pad.x + 100 + stroke * 150, pad.center_y
        touch = UnitTestTouch(x0, y0)
        touch.touch_down()
        for step in range(1, 12):
            touch.touch_move(x0 + step * 20, y0 + (30 if step % 2 else -30))
            drv.frames(1)
        touch.touch_up()
    drv.frames(2)
    assert not screen.ids.sign_ok.disabled
    drv.screenshot("web-signature-pad")
    drv.tap(screen.ids.sign_ok)
    assert not screen.signing and screen.ask_kind == ""
    send = _box(drv, "#send")
    drv.wait_until(lambda: web.device.evaluate("document.querySelector('#signature').files.length") == 1, timeout=10)
    drv.tap_xy(*_page_to_window(drv, send["x"] + 20, send["y"] + 20))
    drv.wait_until(lambda: portal.uploads, timeout=10)
    got = portal.uploads[0]
    assert got["type"] == "image/png" and got["data"].startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(got["data"]))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0               # transparent around the ink
    assert image.width < pad.width and image.height < pad.height                  # cropped to it
    inked = sum(1 for px in image.getdata() if px[3] > 200 and sum(px[:3]) < 150)
    assert inked > 200                                                            # and the strokes are there
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_a_certificate_from_the_page_prints_on_a4_after_a_preview(make_ui, portal):
    from drivers import registry

    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "cert"})
    printer = registry.create("a4_printer", "a4_printer", "sim://")
    registry.open_device(printer)
    drv.kiosk.devices["a4_printer"] = printer
    web = _open_portal(drv)
    screen = drv.screen

    def jobs():
        return [path.read_bytes() for path in printer.printed]      # what came out of the (simulated) printer

    _tap_page(drv, "#pdf")                                      # a PDF download: the kiosk's print preview
    drv.wait_until(lambda: screen.previewing, timeout=15)
    assert screen.ids.preview_pages.text == "共 2 页，A4 纸" and screen.ids.preview_print.opacity == 1
    drv.frames(2)
    drv.screenshot("web-print-preview")
    assert screen.ids.preview_image.texture is not None and screen.ids.preview_image.texture.width >= 300
    drv.tap(screen.ids.preview_print)
    drv.wait_until(lambda: "请在打印机出纸口取走您的文件" in drv.app.root.notice, timeout=15)
    assert len(jobs()) == 1 and jobs()[0].startswith(b"%PDF")
    import pypdfium2 as pdfium
    printed = pdfium.PdfDocument(jobs()[0])
    assert len(printed) == 2 and "CERTIFICATE 2026-0042" in printed[0].get_textpage().get_text_range()

    _tap_page(drv, "#pdf")                                      # the same certificate again: not printed twice
    drv.wait_until(lambda: screen.previewing, timeout=15)
    drv.tap(screen.ids.preview_print)
    drv.wait_until(lambda: "已经打印过了" in drv.app.root.notice, timeout=15)
    assert len(jobs()) == 1

    _tap_page(drv, "#print")                                    # window.print(): the page itself, previewed
    drv.wait_until(lambda: screen.previewing, timeout=15)
    assert screen.preview_pages >= 1
    drv.tap(screen.ids.preview_cancel)                    # 取消: nothing printed
    assert not screen.previewing and len(jobs()) == 1

    _tap_page(drv, "#ofd")                                      # OFD: a plain refusal
    drv.wait_until(lambda: "OFD" in drv.app.root.notice, timeout=15)
    assert not screen.previewing and len(jobs()) == 1
    profile = web.device.profile
    assert not list((profile / "downloads").glob("*"))    # nothing of the downloads left, even in RAM
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_documents_photographed_on_the_desk_are_uploaded_as_one_pdf(make_ui, portal):
    import pypdfium2 as pdfium

    drv = _web_ui(make_ui, portal, **{"web.portal_url": portal.url + "doc", "web.upload_max_kb": 600})
    web = _open_portal(drv)
    screen = drv.screen
    box = _box(drv, "#doc")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 20, box["y"] + 20))
    drv.wait_until(lambda: screen.ask_kind == "chooser" and screen.ask_capture, timeout=10)
    assert screen.ids.ask_sign.opacity == 0                     # a JPEG/PDF upload: no signature offered
    drv.tap(screen.ids.ask_capture)
    drv.wait_until(lambda: screen.camera_texture is not None, timeout=10)    # the live view
    drv.screenshot("web-capture-live")
    for page in (1, 2):
        drv.tap(screen.ids.shoot_btn)
        drv.wait_until(lambda: screen.shot, timeout=15)
        assert screen.ids.shot_note.text == f"第 {page} 页。"          # the page's edges were found
        if page == 1:
            drv.screenshot("web-capture-result")
            drv.tap(screen.ids.next_page_btn)
            drv.wait_until(lambda: not screen.shot and screen.camera_texture is not None, timeout=10)
    assert screen.ids.capture_done_btn.text == "完成，上传 2 页"
    drv.tap(screen.ids.capture_done_btn)
    assert not screen.capturing and screen.ask_kind == ""
    drv.wait_until(lambda: web.device.evaluate("document.querySelector('#doc').files.length") == 1, timeout=10)
    send = _box(drv, "#send")
    drv.tap_xy(*_page_to_window(drv, send["x"] + 20, send["y"] + 20))
    drv.wait_until(lambda: portal.uploads, timeout=10)
    got = portal.uploads[0]
    assert got["type"] == "application/pdf" and len(got["data"]) <= 600 * 1024
    pdf = pdfium.PdfDocument(got["data"])
    assert len(pdf) == 2
    width, height = pdf[0].get_size()
    assert 1.3 < height / width < 1.5                           # each page flattened to the sheet's A4 shape
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)


def test_chinese_typed_with_the_input_method_goes_into_the_page(make_ui, portal):
    """拼音 letters compose in the page's field as they do in the kiosk's own; a candidate tap
    replaces them with the hanzi; the form sends 北京."""
    drv = _web_ui(make_ui, portal)
    web = _open_portal(drv)
    box = _box(drv, "#name")
    drv.tap_xy(*_page_to_window(drv, box["x"] + 10, box["y"] + box["height"] / 2))
    drv.wait_until(lambda: web.editable and drv.keyboard() is not None
                   and drv.keyboard().layout in drv.keyboard().available_layouts, timeout=10)
    vk = drv.keyboard()
    drv.wait_until(lambda: vk.composer.ready, timeout=30)
    value = lambda: web.device.evaluate("document.querySelector('#name').value")  # noqa: E731
    drv.tap_key("b")
    drv.tap_key("j")
    drv.wait_until(lambda: value() == "bj", timeout=10)                  # composing, as in the kiosk's field
    from screens.keyboard import CandidateButton
    beijing = [b for b in vk.bar.ids.cands.children if isinstance(b, CandidateButton) and b.text == "北京"]
    assert beijing
    drv.tap(beijing[0])
    drv.wait_until(lambda: value() == "北京", timeout=10)
    drv.screenshot("web-pinyin-into-page")
    send = _box(drv, "#send")
    drv.tap_xy(*_page_to_window(drv, send["x"] + send["width"] / 2, send["y"] + send["height"] / 2))
    drv.wait_until(lambda: portal.submitted, timeout=10)
    assert portal.submitted[0]["name"] == "北京"
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)



def test_a_page_gets_the_camera_only_after_the_citizen_agrees_on_the_kiosk(make_ui, portal):
    """人脸认证 on the portal: the page's getUserMedia asks the kiosk; the citizen reads the consent in
    large type and answers. 不同意: the page gets NotAllowedError (and may ask again); 同意: it gets
    the camera (Chromium's synthetic one here) and the kiosk lends it its own face camera until the
    session ends."""
    from kiosk.device_watch import Handover
    from kiosk.devices import create
    drv = _web_ui(make_ui, portal, browser="chromium:///usr/bin/chromium?fake_camera=1")
    camera = create("camera", {"uri": "sim://"})
    camera.open()
    web = drv.kiosk.web
    web.camera_share = Handover(camera, "camera")
    _open_portal(drv)
    web.device.goto(portal.url + "face")
    said = lambda: web.device.evaluate("document.getElementById('said').textContent")  # noqa: E731
    for answer in ("ask_cancel", "ask_ok"):
        _tap_page(drv, "#face")
        drv.wait_until(lambda: drv.screen.ask_kind == "camera", timeout=10)
        words = drv.screen.ids.ask_text.text
        assert "127.0.0.1" in words and "摄像头" in words and "不保存" in words
        assert (drv.screen.ids.ask_ok.text, drv.screen.ids.ask_cancel.text) == ("同意", "不同意")
        if answer == "ask_cancel":
            drv.screenshot("web-camera-consent")
        drv.tap(drv.screen.ids[answer])
        if answer == "ask_cancel":
            drv.wait_until(lambda: said() == "未获得摄像头：NotAllowedError", timeout=10)
            assert web.camera_share.lent_to is None and camera.is_open
    drv.wait_until(lambda: said().startswith("摄像头已打开："), timeout=15)
    assert web.camera_share.lent_to == "the web page" and not camera.is_open
    _tap_page(drv, "#face")                                   # a yes stands for the session: no second ask
    drv.wait_until(lambda: said().startswith("摄像头已打开："), timeout=15)
    assert drv.screen.ask_kind == ""
    drv.kiosk.session.end("finished")
    drv.wait_until(lambda: web.state.value == "closed", timeout=15)
    drv.wait_until(lambda: camera.is_open and web.camera_share.lent_to is None, timeout=10)
    camera.close()


def test_a_web_session_s_screen_is_not_kept_alive_by_the_browser_service(make_ui, portal):
    """The web screen is dropped after each session (screens/screen_set.py); the browser service
    lives on, and a screen still subscribed to it (its page frames, the fill strip, 手机上传) would
    stay alive with its textures: about 9 MB for every citizen who opened a page (issue 18)."""
    import gc

    from screens.web import WebScreen

    def alive() -> int:
        gc.collect()
        return sum(type(o) is WebScreen for o in gc.get_objects())

    drv = _web_ui(make_ui, portal)
    web = drv.kiosk.web
    before, listeners = alive(), []
    for _citizen in range(4):
        _open_portal(drv)
        drv.kiosk.session.end("finished")
        drv.wait_until(lambda: web.state.value == "closed" and drv.app.manager.current == "home", timeout=15)
        drv.frames(3)
        assert "web" not in drv.app.screens.built_names()
        listeners.append((len(web.changes._listeners), len(web.frames._listeners)))
    assert listeners[-1] == listeners[0], f"listeners left on the browser service: {listeners}"
    assert alive() <= before + 2, "every dropped web screen stays alive"
