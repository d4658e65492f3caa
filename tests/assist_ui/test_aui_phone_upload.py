# SPDX-License-Identifier: Apache-2.0
"""手机上传 on the real kiosk: the page's upload (real Chromium, the local test portal) offers
手机上传 when the kiosk is linked to the hub; the tap shows a QR code of a one-time link from the
real hub (its picture is read back with zbar); a "phone" sends a photo to that link over HTTP;
the photo goes into the page's chooser and the portal receives a JPEG; the layer closes. Taps go
through Kivy's input path. A second use of the link is refused by the hub."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import requests
from PIL import Image

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "assist"))
sys.path.insert(0, str(TESTS / "web"))
sys.path.insert(0, str(TESTS / "ui"))

from assist_testkit import HubThread, kiosk_config  # noqa: E402
from portal import Portal, box as page_box  # noqa: E402


@pytest.fixture
def rig(tmp_path, make_ui):
    hub = HubThread(tmp_path, phone_upload_url="http://127.0.0.1:1").start()
    hub.hub.phone_upload.base = hub.http                  # the address phones reach: this test's port
    portal = Portal().start()
    made = []
    yield hub, portal, made
    for ui in made:
        ui.service.stop()
    portal.stop()
    hub.close()


def _qr_up(rig, make_ui):
    """The kiosk linked to the real hub, the test portal's upload open, 手机上传 tapped: the QR up.
    Returns (ui, screen, layer, the link the QR holds)."""
    from drivers import registry
    from kiosk.assist import AssistService
    from kiosk.devices import create
    from kiosk.web import WebService
    from kiosk.web.phone import PhoneUpload
    from pyzbar.pyzbar import decode

    hub, portal, made = rig
    ui = make_ui(**{"web.allowed_hosts": ["http://127.0.0.1"], "web.portal_url": portal.url + "doc",
                    "web.open_timeout_seconds": 10, "web.upload_max_kb": 600})
    device = create("browser", {"uri": "chromium:///usr/bin/chromium"})
    registry.open_device(device)
    ui.kiosk.devices["browser"] = device
    ui.kiosk.web = WebService(ui.kiosk.config, ui.kiosk.session, device)     # no document camera here
    ui.service = AssistService(kiosk_config(hub.url), camera_factory=None, clock=ui.clock, backoff_first_s=0.2)
    made.append(ui)
    ui.kiosk.phone_upload = PhoneUpload(ui.kiosk.web, ui.service, ui.kiosk.session)
    ui.service.start()
    ui.wait_until(lambda: ui.kiosk.phone_upload.available, 10)
    ui.kiosk.session.home()
    ui.app._on_route(ui.app.ui, ui.app.ui.route)
    ui.frames(2)
    ui.tap(ui.screen.ids.tile_portal)
    web = ui.kiosk.web
    ui.wait_until(lambda: web.state.value == "open" and ui.screen.ids.page.texture is not None, timeout=20)
    screen = ui.screen
    box = page_box(web.device, "#doc")
    page = screen.ids.page
    k = page.width / web.frame.width
    ui.tap_xy(page.x + (box["x"] + 20) * k, page.top - (box["y"] + 20) * k)
    ui.wait_until(lambda: screen.ask_kind == "chooser" and screen.ask_phone, timeout=10)
    assert screen.ids.ask_phone.opacity == 1 and not screen.ask_capture      # no camera: the phone is the way
    ui.tap(screen.ids.ask_phone)
    layer = screen.ids.phone_layer
    ui.wait_until(lambda: layer.texture is not None, timeout=10)
    shot = Image.open(ui.screenshot("web-phone-upload-qr")).convert("L")
    url = decode(shot)[0].data.decode("ascii")                              # what a phone's camera reads
    assert url.startswith(hub.http + "/u/") and "分" in layer.left
    return ui, screen, layer, url


def test_a_photo_from_the_phone_goes_into_the_page(rig, make_ui):
    hub, portal, _made = rig
    ui, screen, layer, url = _qr_up(rig, make_ui)
    web = ui.kiosk.web
    page = screen.ids.page
    k = page.width / web.frame.width
    out = io.BytesIO()
    Image.new("RGB", (2400, 3200), (240, 240, 230)).save(out, "PNG")        # a phone's big photo
    sent = requests.post(url, files={"file": ("IMG_1234.png", out.getvalue(), "image/png")}, timeout=20)
    assert sent.status_code == 200 and "已上传" in sent.text
    ui.wait_until(lambda: not layer.active and screen.ask_kind == "", timeout=15)
    ui.wait_until(lambda: web.device.evaluate("document.querySelector('#doc').files.length") == 1, timeout=10)
    send = page_box(web.device, "#send")
    ui.tap_xy(page.x + (send["x"] + 20) * k, page.top - (send["y"] + 20) * k)
    ui.wait_until(lambda: portal.uploads, timeout=10)
    got = portal.uploads[0]
    assert got["type"] == "image/jpeg" and len(got["data"]) <= 600 * 1024
    with Image.open(io.BytesIO(got["data"])) as img:
        assert max(img.size) <= 2000
    again = requests.post(url, files={"file": ("x.png", out.getvalue(), "image/png")}, timeout=20)
    assert again.status_code == 410                                         # the link was spent
    ui.kiosk.session.end("finished")
    ui.wait_until(lambda: web.state.value == "closed", timeout=15)



def test_the_hub_dropping_the_kiosk_voids_the_code_and_a_new_one_shows(rig, make_ui):
    """While the QR shows, the hub loses the kiosk's socket (a restart, a network cut): the code
    on screen and its link are void; the kiosk is back within a moment and, the citizen still
    waiting, shows a new code by itself. The old code gets a phone a plain "scan again" page."""
    from pyzbar.pyzbar import decode

    hub, _portal, _made = rig
    ui, _screen, layer, old = _qr_up(rig, make_ui)
    terminal = next(iter(hub.hub.kiosks))

    async def drop() -> None:
        await hub.hub.kiosks[terminal].ws.close()
    hub.run(drop())
    ui.wait_until(lambda: layer.failed and layer.texture is None, timeout=10)   # said at once
    assert "手机上传暂时不能用" in layer.note
    ui.wait_until(lambda: layer.texture is not None and not layer.failed and "分" in layer.left, timeout=20)
    shot = Image.open(ui.screenshot("web-phone-upload-new-code")).convert("L")
    new = decode(shot)[0].data.decode("ascii")
    assert new.startswith(hub.http + "/u/") and new != old
    gone = requests.post(old, files={"file": ("x.png", b"x", "image/png")}, timeout=20)
    assert gone.status_code == 410 and "重新点“手机上传”扫码" in gone.text     # void, and what to do
    assert requests.get(new, timeout=20).status_code == 200                 # the new code's page opens
    ui.kiosk.session.end("finished")
    ui.wait_until(lambda: ui.kiosk.web.state.value == "closed", timeout=15)
