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


@pytest.fixture
def pointer_call(make_ui, tmp_path, monkeypatch):
    """GIVEN the kiosk app with the real AssistService (app's clock) in a call with a helper."""
    from kiosk.assist import AssistService
    from screens import assist_flow

    only_loopback(monkeypatch)
    hub = HubThread(tmp_path).start()
    ui = make_ui()
    ui.service = AssistService(kiosk_config(hub.url), camera_factory=None, clock=ui.clock,
                               backoff_first_s=0.2)
    ui.ctl = assist_flow.attach(ui.app, service=ui.service)
    helper = hub.helper()
    try:
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
        yield ui, helper
    finally:
        ui.ctl.detach()
        helper.close()
        hub.close()


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

    # the ring never took a touch: a tap on the spot it marked reaches the tile under it
    helper.send(type="point", id=3, x=tx / w, y=1 - ty / h)
    ui.wait_until(lambda: overlay.shown)
    ui.tap_xy(tx, ty)
    assert ui.app.manager.current == "search"
    assert helper.expect("point_shown")["id"] == 3
