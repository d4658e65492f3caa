# SPDX-License-Identifier: Apache-2.0
"""The helper's pointer (请点这里) on the real kiosk app: a helper in a call sends a point through
the real hub (WebSocket), the kiosk's real AssistService takes it, and the ring is on the kiosk's
screen at that spot, over the home screen, with its words; the helper gets point_shown. A tap on
the spot still reaches the screen under the ring (no touch is taken or made by it). A new point
replaces the old; 3 s later by the app's clock (no sleeping) the ring is gone from the screen.
The call is real up to the media: the helper is a scripted console that never answers the
kiosk's offer (the video is tests/assist_ui/test_aui_e2e_call.py's)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assist"))

from app_rig import png_rgb  # noqa: E402
from assist_testkit import HubThread, kiosk_config, only_loopback  # noqa: E402

YELLOW = np.array([255, 214, 0])


def yellow(rgb: np.ndarray, x: int, y: int, r: int = 2) -> float:
    """Share of the (2r+1)² pixels around (x, y) (top row first) that are the ring's yellow."""
    patch = rgb[y - r:y + r + 1, x - r:x + r + 1].astype(np.int16)
    return float((np.abs(patch - YELLOW).max(axis=2) <= 40).mean())


def ring_on(rgb: np.ndarray, cx: int, cy: int, radius: int = 58) -> list[float]:
    """The ring's yellow at its four compass points around (cx, cy)."""
    return [yellow(rgb, cx + dx, cy + dy) for dx, dy in
            ((radius, 0), (-radius, 0), (0, radius), (0, -radius))]


def in_call(ui, hub):
    """The kiosk app with the real AssistService (the app's clock) in a call with a scripted
    helper, the citizen back on the home screen; the helper."""
    from kiosk.assist import AssistService
    from screens import assist_flow

    ui.service = AssistService(kiosk_config(hub.url), camera_factory=None, clock=ui.clock,
                               backoff_first_s=0.2)
    ui.ctl = assist_flow.attach(ui.app, service=ui.service)
    helper = hub.helper()
    helper.send(type="presence", state="available")
    helper.expect("presence", state="available")
    ui.wait_until(lambda: ui.service.status.linked, 10)
    ui.kiosk.session.home()
    ui.frames(2)
    ui.tap(ui.screen.ids.tile_assist)
    ui.tap(ui.screen.ids.accept_btn)
    ring = helper.expect("ring")
    helper.send(type="accept", request_id=ring["request_id"])
    ui.wait_until(lambda: ui.app.manager.current == "assist_call"
                  and not ui.app.manager.transition.is_active, 10)
    ui.frames(2)
    ui.tap(ui.screen.ids.browse_btn)            # 继续操作屏幕: the citizen is on the home screen
    assert ui.app.manager.current == "home"
    return helper


@pytest.fixture
def call_hub(tmp_path, monkeypatch):
    only_loopback(monkeypatch)
    hub = HubThread(tmp_path).start()
    made = []
    yield hub, made
    for ui, helper in made:
        ui.ctl.detach()
        helper.close()
    hub.close()


@pytest.fixture
def pointer_call(make_ui, call_hub):
    """GIVEN the kiosk app in a call with a helper, on the home screen."""
    hub, made = call_hub
    ui = make_ui()
    made.append((ui, in_call(ui, hub)))
    return made[-1]


def test_the_ring_is_drawn_where_the_helper_clicked_and_goes_after_3_s(pointer_call):
    ui, helper = pointer_call
    overlay = ui.ctl.pointer
    w, h = int(ui.window.width), int(ui.window.height)
    tile = ui.screen.ids.tile_search                 # the helper points at 搜索事项
    tx, ty = tile.to_window(*tile.center)
    before = png_rgb(ui.screenshot("assist-pointer-0-before"))

    helper.send(type="point", id=1, x=tx / w, y=1 - ty / h)
    ui.wait_until(lambda: overlay.shown)
    ui.frames(2)
    assert helper.expect("point_shown")["id"] == 1          # the kiosk drew it and said so
    shot = png_rgb(ui.screenshot("assist-pointer-1-shown"))
    cx, cy = round(tx), round(h - ty)
    assert min(ring_on(shot, cx, cy)) > 0.8, ring_on(shot, cx, cy)
    assert max(ring_on(before, cx, cy)) < 0.2                # it was not there before
    assert np.array_equal(shot[cy - 3:cy + 3, cx - 3:cx + 3], before[cy - 3:cy + 3, cx - 3:cx + 3]), \
        "the ring's centre covers what it points at"
    # the words 请点这里: yellow glyphs on the dark pill, under the ring
    pill = shot[cy + 58 + 20:cy + 58 + 70, cx - 80:cx + 80].astype(np.int16)
    glyphs = (np.abs(pill - YELLOW).max(axis=2) <= 60).mean()
    dark = (pill.max(axis=2) < 60).mean()
    assert glyphs > 0.05 and dark > 0.3, (glyphs, dark)

    # a new point replaces the old one
    helper.send(type="point", id=2, x=0.75, y=0.6)
    ui.wait_until(lambda: overlay.mark is not None and overlay.mark.id == 2)
    ui.frames(2)
    assert helper.expect("point_shown")["id"] == 2
    moved = png_rgb(ui.screenshot("assist-pointer-2-moved"))
    nx, ny = round(0.75 * w), round(0.6 * h)
    assert min(ring_on(moved, nx, ny)) > 0.8
    assert max(ring_on(moved, cx, cy)) < 0.2, "the old ring stayed"

    # the clock decides: still there just before 3 s, gone at 3 s
    ui.clock.advance(2.9)
    ui.frames(5)
    assert overlay.shown and min(ring_on(png_rgb(ui.screenshot("assist-pointer-3-still")), nx, ny)) > 0.8
    ui.clock.advance(0.1)
    ui.wait_until(lambda: not overlay.shown)
    gone = png_rgb(ui.screenshot("assist-pointer-4-gone"))
    assert max(ring_on(gone, nx, ny)) < 0.2

    # in large-text mode (适老化) the ring is larger
    ui.kiosk.session.set_large_text(True)
    ui.frames(2)
    helper.send(type="point", id=9, x=0.5, y=0.5)
    ui.wait_until(lambda: overlay.mark is not None and overlay.mark.id == 9)
    assert helper.expect("point_shown")["id"] == 9
    large = png_rgb(ui.screenshot("assist-pointer-4-large"))
    assert min(ring_on(large, w // 2, h // 2, radius=round(58 * 1.3))) > 0.8
    assert max(ring_on(large, w // 2, h // 2, radius=58 - 12)) < 0.2
    ui.kiosk.session.set_large_text(False)
    ui.clock.advance(3.0)
    ui.wait_until(lambda: not overlay.shown)
    ui.kiosk.session.home()
    ui.frames(2)
    tx, ty = tile.to_window(*tile.center)

    # the ring never took a touch: a tap on the spot it marked reaches the tile under it
    helper.send(type="point", id=3, x=tx / w, y=1 - ty / h)
    ui.wait_until(lambda: overlay.shown)
    ui.tap_xy(tx, ty)
    assert ui.app.manager.current == "search"
    assert helper.expect("point_shown")["id"] == 3


def test_the_ring_shows_over_the_kiosk_browser_page_and_the_keyboard(make_ui, call_hub):
    """The helper points at the page's name field in the kiosk browser (real Chromium): the ring
    is over the page; the citizen's tap there focuses the field (the ring took nothing); a point
    on the docked keyboard is drawn over the keyboard."""
    from drivers import registry
    from kiosk.devices import create
    from kiosk.web import WebService

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from portal import Portal, box as page_box

    hub, made = call_hub
    portal = Portal().start()
    try:
        ui = make_ui(**{"web.allowed_hosts": ["http://127.0.0.1"], "web.portal_url": portal.url,
                        "web.open_timeout_seconds": 10})
        device = create("browser", {"uri": "chromium:///usr/bin/chromium"})
        registry.open_device(device)
        ui.kiosk.devices["browser"] = device
        ui.kiosk.web = web = WebService(ui.kiosk.config, ui.kiosk.session, device, None)
        ui.kiosk.session.home()
        ui.app._on_route(ui.app.ui, ui.app.ui.route)      # home again, now with the browser
        made.append((ui, in_call(ui, hub)))
        helper, overlay = made[-1][1], ui.ctl.pointer
        ui.tap(ui.screen.ids.tile_portal)
        page = ui.screen.ids.page
        ui.wait_until(lambda: web.state.value == "open" and page.texture is not None, timeout=20)
        box = page_box(web.device, "#name")
        k = page.width / web.frame.width                # the page fills the width, from the top
        fx, fy = page.x + (box["x"] + box["width"] / 2) * k, page.top - (box["y"] + box["height"] / 2) * k
        w, h = int(ui.window.width), int(ui.window.height)

        helper.send(type="point", id=1, x=fx / w, y=1 - fy / h)
        ui.wait_until(lambda: overlay.shown)
        assert helper.expect("point_shown")["id"] == 1
        shot = png_rgb(ui.screenshot("assist-pointer-5-web-page"))
        assert min(ring_on(shot, round(fx), round(h - fy))) > 0.8

        ui.tap_xy(fx, fy)                               # the citizen taps where the helper pointed
        ui.wait_until(lambda: web.editable and ui.keyboard() is not None, timeout=10)
        vk = ui.keyboard()
        ui.wait_until(lambda: vk.parent is not None and vk.top > 100)
        ui.frames(2)
        kx, ky = w // 2, round((vk.y + vk.top) / 2)     # the middle of the docked keyboard
        helper.send(type="point", id=2, x=kx / w, y=1 - ky / h)
        ui.wait_until(lambda: overlay.mark is not None and overlay.mark.id == 2)
        assert helper.expect("point_shown")["id"] == 2
        shot = png_rgb(ui.screenshot("assist-pointer-6-keyboard"))
        assert min(ring_on(shot, kx, h - ky)) > 0.8
        ui.kiosk.session.end("finished")                # the call, the page and the keyboard end
        ui.wait_until(lambda: web.state.value == "closed" and not overlay.shown, timeout=15)
    finally:
        portal.stop()
