# SPDX-License-Identifier: Apache-2.0
"""The pointer (请点这里) from the real helper console in headless Chromium: in a real call (the
kiosk's AssistService shares a 640x360 red|blue screen), a click on the shared screen reaches
the kiosk as the right fractions of the picture (the video is letterboxed by object-fit:
contain; a click on the bars sends nothing). The console says 已在终端显示 only once the kiosk
answers that it drew the ring, and not before."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from assist_testkit import wait_state
from browser_rig import rig  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2] / "test-output" / "screenshots")

VIDEO_READY = """() => { const v = document.getElementById('kiosk-screen');
  return v && v.videoWidth > 0 && v.currentTime > 0; }"""
PICTURE = """() => { const v = document.getElementById('kiosk-screen'); const r = v.getBoundingClientRect();
  const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
  const w = v.videoWidth * s, h = v.videoHeight * s;
  return {left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, w, h}; }"""


class Marks:
    def __init__(self) -> None:
        self.got: list = []
        self.new = threading.Condition()

    def __call__(self, mark) -> None:
        with self.new:
            self.got.append(mark)
            self.new.notify_all()

    def wait(self, n: int, timeout: float = 10.0):
        with self.new:
            assert self.new.wait_for(lambda: len([m for m in self.got if m]) >= n, timeout), self.got
            return [m for m in self.got if m][n - 1]


def test_a_click_on_the_shared_screen_points_and_the_console_says_so_only_when_shown(rig):
    page = rig.page
    marks = Marks()
    rig.kiosk.pointer.subscribe(marks)
    rig.login_available()
    wait_state(rig.kiosk, lambda st: st.linked)
    rig.kiosk.request()
    page.wait_for_selector("#ring", state="visible", timeout=10_000)
    page.click("#btn-accept")
    wait_state(rig.kiosk, "connected")
    page.wait_for_function(VIDEO_READY, timeout=15_000)
    pic = page.evaluate(PICTURE)
    assert pic["h"] < page.evaluate("() => document.getElementById('kiosk-screen').clientHeight") - 4

    page.mouse.click(pic["left"] + pic["w"] / 2, pic["top"] + 2 - 8)     # on the bar above the picture
    page.mouse.click(pic["left"] + 0.3 * pic["w"], pic["top"] + 0.7 * pic["h"])
    mark = marks.wait(1)
    assert abs(mark.x - 0.3) < 0.005 and abs(mark.y - 0.7) < 0.005, mark    # the bar sent nothing
    # the kiosk has the point but has not drawn it: the console claims nothing
    assert page.is_hidden("#point-state") and page.is_hidden("#point-mark")

    rig.kiosk.pointer.shown(mark)       # what the kiosk's ring does once a frame with it is drawn
    page.wait_for_selector("#point-state", state="visible", timeout=5_000)
    assert page.text_content("#point-state") == "已在终端显示“请点这里”"
    box = page.locator("#point-mark").bounding_box()
    assert abs(box["x"] + box["width"] / 2 - (pic["left"] + 0.3 * pic["w"])) < 4
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-pointer-shown.png"))
    page.wait_for_selector("#point-state", state="hidden", timeout=6_000)     # gone with the ring

    # a second click is a new point, with its own id
    page.mouse.click(pic["left"] + 0.9 * pic["w"], pic["top"] + 0.1 * pic["h"])
    second = marks.wait(2)
    assert second.id != mark.id and abs(second.x - 0.9) < 0.005 and abs(second.y - 0.1) < 0.005
