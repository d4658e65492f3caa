# SPDX-License-Identifier: Apache-2.0
"""The call's media child (kiosk/assist/media_process.py, issue 18): a fresh one after each
call, a child that dies mid-call ends the call as the citizen is told, and the kiosk process
never loads aiortc or PyAV."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path


from assist_testkit import kiosk_config, wait_state
from waiting import wait_for


def exited(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def call(s, h) -> dict:
    """呼叫帮办, the helper accepts: connected, and the kiosk's offer reached the helper."""
    s.request(large_text=False)
    h.send(type="accept", request_id=h.expect("ring")["request_id"])
    wait_state(s, "connected")
    return h.expect("signal")["data"]


def test_each_call_gets_a_fresh_child_and_the_used_one_exits(hub, service_for):
    """GIVEN a kiosk whose media child warmed at start-up WHEN a call ends THEN that child
    exits, a fresh one starts, and the next call is made in it."""
    s = service_for(kiosk_config(hub.url))
    media = s._media
    wait_for(lambda: media.child_pid is not None, 20, "the media child at start-up")
    first = media.child_pid
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    assert call(s, h)["sdp"]["type"] == "offer" and media.child_pid == first
    h.send(type="hangup")
    wait_state(s, "ended")
    wait_for(lambda: exited(first), 10, "the call's child exited")
    wait_for(lambda: media.child_pid not in (None, first), 20, "a fresh child")
    second = media.child_pid
    s.dismiss()
    wait_state(s, "idle")
    h.expect("presence", state="available")
    assert call(s, h)["sdp"]["type"] == "offer" and media.child_pid == second
    h.send(type="hangup")
    wait_state(s, "ended")


def test_a_child_that_dies_mid_call_ends_the_call_and_the_next_call_works(hub, service_for, caplog):
    """GIVEN a call in progress WHEN its media child dies THEN the call ends for the citizen
    (reason media_failed: "通话已结束。", no traceback) and the hub is told; the next call works."""
    caplog.set_level(logging.INFO)
    s = service_for(kiosk_config(hub.url))
    media = s._media
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    call(s, h)
    dead = media.child_pid
    os.kill(dead, signal.SIGKILL)
    st = wait_state(s, "ended")
    assert st.reason == "media_failed" and st.helper_name is None and s.peer is None
    h.expect("ended")
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith("kiosk")], \
        [r.getMessage() for r in caplog.records if r.exc_info]
    wait_for(lambda: media.child_pid not in (None, dead), 20, "a fresh child")
    s.dismiss()
    wait_state(s, "idle")
    h.expect("presence", state="available")
    assert call(s, h)["sdp"]["type"] == "offer"
    h.send(type="hangup")
    wait_state(s, "ended")


def test_the_kiosk_process_holds_no_aiortc_or_pyav_after_a_call():
    """GIVEN a fresh kiosk process WHEN a full call is made and ended THEN aiortc, aioice and
    av were never imported in it (they live in the media child)."""
    script = Path(__file__).with_name("call_once.py")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=str(Path(__file__).resolve().parents[2]))
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["offer"] == "offer" and got["held"] == []


def test_a_real_camera_is_lent_to_the_media_child_and_taken_back_after_the_call(hub, service_for, caplog):
    """GIVEN a kiosk with a real (file://) camera, open for the face check WHEN a call is made and
    ended THEN the camera is lent to the call's child (closed in the kiosk, no frame read here),
    and once that child has exited it is open in the kiosk again, without "found again" noise."""
    from drivers.camera import make_camera
    from kiosk.device_watch import DeviceWatch, Handover

    faces = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
    uri = f"file://{faces}/cameraman.png"
    camera = make_camera("camera", uri)
    camera.open()
    watch = DeviceWatch({"camera": camera}, interval=60)
    share = Handover(camera, "camera", watch)
    caplog.set_level(logging.INFO, logger="kiosk.device_watch")
    s = service_for(kiosk_config(hub.url), camera_factory=lambda: share.take("the video call"),
                    camera_release=lambda _cam: share.give_back("the video call"), camera_uri=uri,
                    camera_lend=lambda: share.lend("the video call"),
                    camera_take_back=lambda: share.take_back("the video call"))
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    assert call(s, h)["sdp"]["type"] == "offer"
    assert share.lent_to == "the video call" and not camera.is_open and s.peer.camera_track.camera is None
    h.send(type="hangup")
    wait_state(s, "ended")
    wait_for(lambda: share.holder is None and camera.is_open, 15, "the camera back in the kiosk")
    assert camera.read().ndim == 3                     # the face check can read at once
    assert watch.check_once() == []
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.device_watch"]
    assert lines[:2] == ["camera: lent to the video call", "camera: back from the video call"], lines
    assert not [ln for ln in lines if "found again" in ln or "lost" in ln], lines
    camera.close()
