# SPDX-License-Identifier: Apache-2.0
"""AssistService against the real hub on 127.0.0.1, with a scripted helper (no browser)."""
from __future__ import annotations

import time

import pytest

from assist_testkit import HubThread, kiosk_config, only_loopback, wait_state
from waiting import wait_for
from kiosk.assist import AssistService
from kiosk.session import Session


def test_no_hub_configured_is_unavailable():
    """GIVEN no assist.hub_url WHEN the citizen presses 呼叫帮办 THEN the state is 'unavailable'."""
    s = AssistService(kiosk_config(""))
    s.start()
    s.request(True)
    assert s.state == "unavailable" and s.status.linked is False
    s.stop()


def test_call_flow_offer_chat_hangup_leaves_no_trace(hub, service_for, monkeypatch):
    """GIVEN an available helper WHEN the kiosk requests, the helper accepts, they chat and the
    helper hangs up THEN the kiosk goes ringing→connected→ended and forgets the call."""
    only_loopback(monkeypatch)
    session = Session(90, 20)
    s = service_for(kiosk_config(hub.url), session=session)
    seen = []
    s.subscribe(lambda st: seen.append(st.state))
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    s.request(large_text=True)
    ring = h.expect("ring")
    assert ring["terminal_name"] == "东区 3 号机" and ring["large_text"] is True
    assert ring["terminal_id"] == "EHALL-T1"
    wait_state(s, "ringing")
    h.send(type="accept", request_id=ring["request_id"])
    st = wait_state(s, "connected")
    assert st.helper_name == "王芳"
    offer = h.expect("signal")["data"]
    sdp = offer["sdp"]["sdp"]
    assert offer["sdp"]["type"] == "offer" and offer["tracks"] == {"0": "camera", "1": "audio", "2": "screen"}
    assert sdp.count("m=video") == 2 and sdp.count("m=audio") == 1
    assert "VP8/90000" in sdp and "H264" not in sdp and "a=sendonly" in sdp
    s.set_muted(True).result(2)
    assert s.muted is True and s.peer.audio_track.muted is True
    s.send_chat("我的社保卡丢了")
    assert h.expect("chat")["text"] == "我的社保卡丢了"
    h.send(type="chat", text="请稍等")
    wait_state(s, lambda st: [c.text for c in st.chat] == ["我的社保卡丢了", "请稍等"])
    assert [c.sender for c in s.chat] == ["kiosk", "helper"]
    h.send(type="hangup")
    st = wait_state(s, "ended")
    assert st.reason == "hangup" and st.helper_name is None and st.chat == ()
    assert s.peer is None
    assert "ringing" in seen and "connected" in seen
    session.touch()
    session.end()
    assert s.state == "idle"


def test_nobody_online_is_no_helper(hub, service_for):
    s = service_for(kiosk_config(hub.url))
    s.request(False)
    st = wait_state(s, "no_helper")
    assert st.reason == "none_online"
    s.dismiss()
    wait_state(s, "idle")


def test_cancel_while_ringing_returns_to_idle(hub, service_for):
    s = service_for(kiosk_config(hub.url))
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    s.request(False)
    ring = h.expect("ring")
    wait_state(s, "ringing")
    s.cancel()
    wait_state(s, "idle")
    h.expect("ring_cancelled", request_id=ring["request_id"], reason="cancelled")


def test_session_wipe_while_queued_cancels(hub, service_for):
    session = Session(90, 20)
    s = service_for(kiosk_config(hub.url), session=session)
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    s.request(False)
    h.expect("ring")
    session.touch()
    session.end("timeout")
    wait_state(s, "idle")
    h.expect("ring_cancelled", reason="cancelled")


def test_hub_restart_while_waiting_keeps_place_then_gone_for_good_is_hub_lost(tmp_path, service_for):
    """GIVEN a queued kiosk WHEN the hub restarts THEN it re-queues with its requested_at;
    WHEN the hub then stays away THEN the state is 'hub_lost' within link_lost_s."""
    hub = HubThread(tmp_path, max_wait_seconds=600, startup_grace_seconds=60).start()
    try:
        busy = hub.helper()
        busy.send(type="presence", state="available")
        busy.expect("presence", state="available")
        other = service_for(kiosk_config(hub.url, **{"hall.terminal_id": "OTHER"}))
        other.request(False)
        busy.send(type="accept", request_id=busy.expect("ring")["request_id"])
        wait_state(other, "connected")
        s = service_for(kiosk_config(hub.url), link_lost_s=3.0)
        s.request(False)
        first = wait_state(s, "queued")
        assert first.position == 1
        first_at = s._client._pending["requested_at"]
        hub.stop_server()
        t0 = time.monotonic()
        wait_state(other, "hub_lost", timeout=3)         # in a call: ends at once
        assert other.status.reason == "hub_lost" and time.monotonic() - t0 < 3
        wait_state(s, lambda st: not st.linked, timeout=3)
        assert s.state == "queued"                        # waiting survives a short outage
        hub.start()                                       # same port
        wait_state(s, lambda st: st.linked, timeout=8)
        assert wait_state(s, "queued").position == 1     # re-sent by itself, same place
        assert s._client._pending["requested_at"] == first_at
        hub.stop_server()
        t0 = time.monotonic()
        st = wait_state(s, "hub_lost", timeout=6)
        assert st.reason == "hub_lost" and time.monotonic() - t0 < 5
    finally:
        hub.close()


def test_unreachable_hub_request_ends_as_hub_lost(service_for):
    """GIVEN a hub URL where nothing listens WHEN the citizen calls THEN 'hub_lost' comes
    within link_lost_s: nobody waits forever."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]           # closed again at once: connection refused
    s = service_for(kiosk_config(f"ws://127.0.0.1:{port}"), link_lost_s=1.0)
    t0 = time.monotonic()
    s.request(False)
    wait_state(s, "requesting", timeout=2)
    st = wait_state(s, "hub_lost", timeout=4)
    assert st.reason == "hub_lost" and time.monotonic() - t0 < 3
    s.request(False)                            # the citizen may try again
    wait_state(s, "hub_lost", timeout=4)


def test_ice_servers_passed_as_given_never_none():
    from kiosk.assist.peer import rtc_ice_servers, vp8_only
    assert rtc_ice_servers([]) == [] and rtc_ice_servers(None) == []
    turn = rtc_ice_servers([{"urls": ["turn:turn.hall.example:3478?transport=udp"],
                             "username": "1767225600:kiosk-EHALL-01", "credential": "c2VjcmV0"}])
    assert turn[0].urls == ["turn:turn.hall.example:3478?transport=udp"]
    assert (turn[0].username, turn[0].credential) == ("1767225600:kiosk-EHALL-01", "c2VjcmV0")
    assert {c.mimeType for c in vp8_only()} == {"video/VP8", "video/rtx"}


def test_camera_handed_over_to_the_call_and_back_without_reopen(hub, service_for, monkeypatch, caplog):
    """GIVEN the kiosk's camera open for the face check and the device watch running WHEN a
    call takes the camera and ends THEN the camera was the call's during the call (the watch
    leaves it alone), and after it is open and READY for the face check: no close, no
    'found again' from the watch, no 'lost' either."""
    import logging

    from drivers.base import DeviceState
    from drivers.camera import make_camera
    from kiosk.device_watch import DeviceWatch, Handover

    only_loopback(monkeypatch)
    camera = make_camera("camera", "sim://")
    camera.open()
    watch = DeviceWatch({"camera": camera}, interval=60)
    share = Handover(camera, "camera", watch)
    caplog.set_level(logging.INFO, logger="kiosk.device_watch")
    s = service_for(kiosk_config(hub.url), camera_factory=lambda: share.take("the video call"),
                    camera_release=lambda _cam: share.give_back("the video call"))
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    s.request(large_text=False)
    ring = h.expect("ring")
    h.send(type="accept", request_id=ring["request_id"])
    wait_state(s, "connected")
    h.expect("signal")                                   # the offer: media set up with the camera
    assert share.holder == "the video call" and "camera" in watch.held
    assert s.peer.camera_track.camera is camera
    h.send(type="hangup")
    wait_state(s, "ended")
    assert share.holder is None and not watch.held
    assert camera.is_open and camera.state is DeviceState.READY
    assert camera.read().shape == (480, 640, 3)         # the face check can read at once
    assert watch.check_once() == []
    lines = [r.getMessage() for r in caplog.records]
    assert not [ln for ln in lines if "found again" in ln or "lost" in ln], lines
    assert "camera: handed to the video call" in lines
    assert "camera: handed back by the video call (stays open)" in lines
    camera.close()


def test_handover_keeps_watch_probes_off_a_held_camera():
    """A held camera that faults is the holder's to handle: the watch does not close and
    reopen it under the call; once given back, the watch looks after it again."""
    from drivers.base import DeviceError, DeviceState
    from drivers.camera import make_camera
    from kiosk.device_watch import DeviceWatch, Handover

    camera = make_camera("camera", "sim://")
    watch = DeviceWatch({"camera": camera}, interval=60)
    share = Handover(camera, "camera", watch)
    assert share.take("the video call") is camera and camera.is_open     # opened on take
    camera.unplug()
    with pytest.raises(DeviceError):
        camera.read()
    camera.replug()
    assert watch.check_once() == [] and camera.state is DeviceState.FAULT  # left to the holder
    share.give_back("the video call")
    assert watch.check_once() == ["camera"] and camera.state is DeviceState.READY
    camera.close()


def test_the_call_is_made_while_the_console_rings_and_a_cancelled_ring_leaves_nothing(hub, service_for, monkeypatch):
    """The hub sends the ICE servers with ``ringing``: the kiosk opens the camera and makes its offer
    (candidates gathered) while the helper's console rings, and sends it the moment the helper
    answers. A ring the citizen cancels closes that connection and gives the camera back."""
    from drivers.camera import make_camera
    from kiosk.device_watch import Handover

    only_loopback(monkeypatch)
    camera = make_camera("camera", "sim://")
    camera.open()
    share = Handover(camera, "camera")
    s = service_for(kiosk_config(hub.url), camera_factory=lambda: share.take("the video call"),
                    camera_release=lambda _cam: share.give_back("the video call"))
    h = hub.helper()
    h.send(type="presence", state="available")
    h.expect("presence", state="available")
    wait_state(s, lambda st: st.linked)
    media = s._calls.media
    for answer in (True, False):
        s.request(large_text=False)
        ring = h.expect("ring")
        wait_state(s, "ringing")
        wait_for(lambda: media.peer is not None and media.peer.pc is not None
                 and media.peer.pc.localDescription is not None, 20, "the offer made while ringing")
        assert share.holder == "the video call" and s.status.state.value == "ringing"
        if not answer:
            peer = media.peer
            s.cancel()
            h.expect("ring_cancelled")
            wait_for(lambda: media.peer is None and share.holder is None, 10, "the ring's call closed")
            assert peer.closed and camera.is_open
            continue
        prepared = media.peer
        h.send(type="accept", request_id=ring["request_id"])
        wait_state(s, "connected")
        offer = h.expect("signal")
        assert offer["data"]["sdp"]["type"] == "offer" and media.peer is prepared
        assert offer["data"]["sdp"]["sdp"] == prepared.pc.localDescription.sdp
        h.send(type="hangup")
        wait_state(s, "ended")
        wait_for(lambda: share.holder is None, 10, "the camera given back")
        s.dismiss()
        wait_state(s, "idle")
    camera.close()
