# SPDX-License-Identifier: Apache-2.0
"""End to end on loopback: kiosk AssistService (aiortc, simulated camera) ↔ hub ↔ the real
helper console in headless Chromium with fake camera and microphone."""
from __future__ import annotations

import os
import signal
import time

import pytest

from assist_testkit import wait_state
from browser_rig import SCREEN_LEFT, SCREEN_RIGHT, Rig, rig, screen_pattern  # noqa: F401 - rig: the fixture

pytestmark = pytest.mark.slow

VIDEO_READY = """(id) => { const v = document.getElementById(id);
  return v && v.videoWidth > 0 && v.currentTime > 0; }"""
PIXELS = """() => { const v = document.getElementById('kiosk-screen');
  const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0);
  const at = (fx, fy) => Array.from(g.getImageData(Math.floor(c.width * fx),
                                                   Math.floor(c.height * fy), 1, 1).data.slice(0, 3));
  return {w: c.width, h: c.height, left: at(0.25, 0.5), right: at(0.75, 0.5)}; }"""
CODECS = """async () => { const r = await HelperCall.pc.getStats(); const codecs = {};
  r.forEach((s) => { if (s.type === 'codec') codecs[s.id] = s.mimeType; });
  const out = [];
  r.forEach((s) => { if ((s.type === 'inbound-rtp' || s.type === 'outbound-rtp') && s.kind === 'video')
    out.push(s.type + ':' + codecs[s.codecId]); });
  return out; }"""


def close_to(rgb, want, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


LIVE_CAMERA = "() => HelperCall.local && HelperCall.local.getVideoTracks().some((t) => t.readyState === 'live')"


def connect(rig: Rig) -> float:
    """Login, available, request, ring shows the terminal name, accept. Returns request time."""
    page = rig.page
    rig.login_available()
    wait_state(rig.kiosk, lambda st: st.linked)
    t0 = time.monotonic()
    rig.kiosk.request(large_text=True)
    page.wait_for_selector("#ring", state="visible", timeout=10_000)
    assert page.text_content("#ring-terminal") == "东区 3 号机"
    assert page.is_visible("#ring-elder")
    page.wait_for_function(LIVE_CAMERA, timeout=10_000)      # my camera started while it rang
    page.click("#btn-accept")
    assert wait_state(rig.kiosk, "connected").helper_name == "王芳"
    return t0


def test_call_media_both_ways_vp8_screen_share_and_hangup(rig):
    """GIVEN a helper logged in and available WHEN the kiosk calls and the helper accepts
    THEN video decodes both ways, the screen share shows the kiosk's pattern, the codec is
    VP8, and after the kiosk hangs up the helper is available again."""
    page = rig.page
    t0 = connect(rig)
    deadline = time.monotonic() + 15
    while rig.frames.count < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rig.frames.count >= 15, "kiosk got too few helper frames"
    assert rig.frames.first_at - t0 < 5.0
    assert rig.frames.shape[2] == 3 and rig.frames.std > 5.0     # Chromium's fake camera, not flat

    for vid in ("kiosk-camera", "kiosk-screen"):
        page.wait_for_function(VIDEO_READY, arg=vid, timeout=10_000)
    before = page.evaluate("() => [document.getElementById('kiosk-camera').currentTime,"
                           " document.getElementById('kiosk-screen').currentTime]")
    time.sleep(1.0)
    after = page.evaluate("() => [document.getElementById('kiosk-camera').currentTime,"
                          " document.getElementById('kiosk-screen').currentTime]")
    assert after[0] > before[0] and after[1] > before[1], (before, after)
    assert page.evaluate("() => document.getElementById('kiosk-camera').videoWidth") == 640

    px = page.evaluate(PIXELS)
    assert (px["w"], px["h"]) == (640, 360)
    assert close_to(px["left"], SCREEN_LEFT) and close_to(px["right"], SCREEN_RIGHT), px
    # a still screen is sent about once a second; a change reaches the helper all the same
    changed = screen_pattern()
    changed[:, :320], changed[:, 320:] = (30, 200, 30), (230, 230, 40)
    rig.kiosk.set_screen_source(lambda: changed)
    page.wait_for_function(f"""() => {{ const p = ({PIXELS})();
      const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 40);
      return near(p.left, [30, 200, 30]) && near(p.right, [230, 230, 40]); }}""", timeout=10_000)

    codecs = page.evaluate(CODECS)
    assert codecs and all(c.endswith("video/VP8") for c in codecs), codecs
    assert "inbound-rtp:video/VP8" in codecs and "outbound-rtp:video/VP8" in codecs
    assert "H264" not in rig.kiosk.peer.pc.remoteDescription.sdp
    assert rig.local_frames and rig.local_frames[-1].shape == (480, 640, 3)   # self-view

    rig.kiosk.send_chat("请问怎么办理")
    page.wait_for_function("document.getElementById('chat-log').textContent.includes('请问怎么办理')",
                           timeout=5_000)
    rig.kiosk.hangup()
    assert wait_state(rig.kiosk, "ended").reason == "hangup"
    assert rig.kiosk.helper_name is None and rig.kiosk.chat == () and rig.kiosk.peer is None
    page.wait_for_function("document.getElementById('state').textContent === '可接听'",
                           timeout=5_000)
    assert page.is_visible("#wrapup") and not page.is_visible("#call")   # wrap-up note offered
    assert page.evaluate("() => HelperCall.pc === null && "
                         "document.getElementById('kiosk-screen').srcObject === null")


def test_helper_drops_mid_call_kiosk_told_quickly(rig):
    """GIVEN a call in progress WHEN the helper's browser disappears THEN the kiosk's state is
    'ended' (peer_disconnected) within a few seconds and the call's media is gone."""
    connect(rig)
    deadline = time.monotonic() + 15
    while rig.frames.count < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    t0 = time.monotonic()
    rig.page.close()
    st = wait_state(rig.kiosk, "ended", timeout=5)
    assert st.reason == "peer_disconnected" and time.monotonic() - t0 < 5
    assert rig.kiosk.peer is None and st.helper_name is None


def test_the_helper_s_camera_starts_while_it_rings_and_stops_when_the_ring_is_declined(rig):
    """A webcam takes a moment to start: the console opens it when the ring shows, so 接听 does not wait
    for it; a declined ring (or one the citizen cancels) turns it off again: no camera light after."""
    page = rig.page
    rig.login_available()
    wait_state(rig.kiosk, lambda st: st.linked)
    rig.kiosk.request(large_text=False)
    page.wait_for_selector("#ring", state="visible", timeout=10_000)
    page.wait_for_function(LIVE_CAMERA, timeout=10_000)
    track = page.evaluate_handle("HelperCall.local.getVideoTracks()[0]")
    page.click("#btn-decline")
    page.wait_for_selector("#ring", state="hidden", timeout=10_000)
    page.wait_for_function("() => HelperCall.local === null", timeout=10_000)
    assert track.evaluate("(t) => t.readyState") == "ended"
    rig.kiosk.cancel()
    wait_state(rig.kiosk, lambda st: st.state.value in ("idle", "ended"))


def test_a_real_camera_lent_to_the_media_child_reaches_the_helper_and_the_self_view(rig):
    """GIVEN a kiosk whose camera is a real (file://) one, lent to the call's media child WHEN the
    helper accepts THEN the helper's console plays the kiosk's camera at the still's size and the
    citizen's self-view shows the same frames (read in the child, sent back to the kiosk)."""
    from pathlib import Path
    faces = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
    media = rig.kiosk._media
    lent = []
    media.camera_uri = f"file://{faces}/cameraman.png"
    media.camera_lend = lambda: lent.append("lent") or True
    media.camera_take_back = lambda: lent.append("back")
    connect(rig)
    page = rig.page
    page.wait_for_function(VIDEO_READY, arg="kiosk-camera", timeout=15_000)
    size = page.evaluate("() => [document.getElementById('kiosk-camera').videoWidth,"
                         " document.getElementById('kiosk-camera').videoHeight]")
    deadline = time.monotonic() + 10
    while not rig.local_frames and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rig.local_frames and rig.local_frames[-1].shape[:2] == (size[1], size[0]) != (480, 640)
    rig.kiosk.hangup()
    wait_state(rig.kiosk, "ended")
    deadline = time.monotonic() + 10
    while lent != ["lent", "back"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lent == ["lent", "back"]


def frame_areas(pid: int | str = "self") -> set[int]:
    """The shared frame areas (kiosk/assist/media_shm.py) a process holds open, by inode."""
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if "media" in os.readlink(f"/proc/{pid}/fd/{fd}") and "memfd:" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                out.add(os.stat(f"/proc/{pid}/fd/{fd}").st_ino)
        except OSError:                      # closed meanwhile
            pass
    return out


@pytest.mark.parametrize("ending", ["hangup", "child killed"])
def test_the_call_s_frames_in_shared_memory_are_gone_after_the_call(rig, ending):
    """GIVEN a call whose frames (camera, screen, the helper's video) cross between the kiosk and
    its media child in shared memory WHEN the call ends (hung up, or the child dies) THEN the
    memory is released: the kiosk holds it no more (descriptors, mappings), nor does the child."""
    connect(rig)
    deadline = time.monotonic() + 15
    while rig.frames.count < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rig.frames.count >= 5                           # the helper's video reached the kiosk
    rig.page.wait_for_function(VIDEO_READY, arg="kiosk-camera", timeout=10_000)   # and the camera the helper
    media = rig.kiosk._media
    pid = media.child_pid
    areas = frame_areas(pid)
    assert len(areas) == 2 and frame_areas() >= areas      # one each way, shared with the kiosk
    if ending == "hangup":
        rig.kiosk.hangup()
    else:
        os.kill(pid, signal.SIGKILL)
    wait_state(rig.kiosk, "ended")
    deadline = time.monotonic() + 15
    while (frame_areas() & areas or media.child_pid in (None, pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not frame_areas() & areas and not os.path.exists(f"/proc/{pid}/fd/0")
    assert len(frame_areas(media.child_pid)) == 2          # the fresh child's, for the next call
    with open("/proc/self/maps") as f:                    # (memory files: nothing named in /dev/shm)
        assert not [line for line in f if "/dev/shm/" in line or "media-to-kiosk" in line
                    or "kiosk-to-media" in line]
