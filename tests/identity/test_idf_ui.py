# SPDX-License-Identifier: Apache-2.0
"""The identity screens rendered by Kivy, driven by taps, on the simulated reader and a scripted camera.

Screenshots go to test-output/screenshots/identity-*.png; every card used is a
fictitious simulator card, and the identified screen must show masked data only.
"""
from __future__ import annotations

import datetime as dt
import os

import pytest
from idf_helpers import OTHER, States

from kiosk.identity import IdentityService

pytestmark = pytest.mark.ui


@pytest.fixture
def flow(request, make_ui, camera, verifier_for, card_photo):
    """An app whose kiosk has an identity service on the pty reader, a sim camera and the real engine.
    Parametrized ``"worker"`` (indirect): the kiosk's reader, owned by the identity worker process."""
    mode = getattr(request, "param", "")
    reader = request.getfixturevalue("worker_reader" if mode.startswith("worker") else "reader")
    made = []

    def make(verifier=None, **kwargs):
        ui = make_ui()
        if mode == "worker_face":     # the engine in the worker too; its "chip photo" is the fixture face
            from idf_helpers import CARD_PHOTO
            faces = request.getfixturevalue("faces_dir")
            verifier = reader.enable_face({"total_timeout_s": 30.0, "reference_file": str(faces / CARD_PHOTO)})
            kwargs.setdefault("photo_decoder", None)
        svc = IdentityService(reader, camera, verifier or verifier_for(), ui.kiosk.session, ui.kiosk.config,
                              ui.clock, photo_decoder=kwargs.pop("photo_decoder", card_photo),
                              today=lambda: dt.date(2026, 11, 27), face_challenge=("left", "right"), **kwargs)
        ui.kiosk.identity = svc
        made.append(svc)
        ui.kiosk.session.go("item", id=next(iter(ui.kiosk.catalogue.by_id)))
        ui.frames(2)
        ui.kiosk.session.go("consent")
        ui.frames(2)
        return ui, svc, States(svc)
    yield make
    for svc in made:
        svc.close()


def texts(ui):
    from kivy.uix.label import Label
    return " ".join(w.text for w in ui.screen.walk(restrict=True)
                    if isinstance(w, Label) and w.text and w.opacity > 0)


def tap_id(ui, wid):
    ui.tap(ui.screen.ids[wid])


def wait_screen(ui, name, timeout=40):
    ui.wait_until(lambda: ui.app.manager.current == name, timeout)


def through_consent(ui, face=True):
    assert ui.app.manager.current == "consent" and "第 1 步" in texts(ui) and "立即清除" in texts(ui)
    tap_id(ui, "agree_btn")
    assert "人脸核验" in texts(ui) and "不同意也可以办理" in texts(ui)
    tap_id(ui, "agree_btn" if face else "decline_btn")


@pytest.mark.parametrize("flow", ["in_process", "worker", "worker_face"], indirect=True)
def test_idf_ui_consent_card_face_identified(flow, camera, turn_frames):
    """GIVEN the consent screen WHEN the citizen agrees twice, places the card and turns as asked
    THEN the identified screen shows the masked name, number and card type only (the same with
    the identity worker owning the reader)."""
    ui, svc, states = flow()
    ui.screenshot("identity-consent-card")
    tap_id(ui, "agree_btn")
    ui.screenshot("identity-consent-face")
    tap_id(ui, "agree_btn")
    wait_screen(ui, "idcard")
    assert svc.reader.wait_fresh_check(3)   # placed before the first probe = "lying there"
    assert "请将身份证放在读卡区" in texts(ui)
    ui.screenshot("identity-idcard-waiting")
    seq = turn_frames(("left", "right"))
    camera.set_frames(seq[:3] + [seq[0].copy() for _ in range(5)])   # matched, then waits for the turn
    if getattr(svc.verifier, "in_worker", False):   # a citizen reads the consent text while it loads
        ui.wait_until(lambda: svc.verifier.state.value == "ready", 40)
    svc.reader.simulator.place_card("resident")
    wait_screen(ui, "face", 10)
    ui.wait_until(lambda: ui.screen.texture is not None, 20)
    ui.screenshot("identity-face")
    ui.wait_until(lambda: "请向左转头" in texts(ui), 20)
    ui.screenshot("identity-face-turn-left")
    camera.set_frames(seq[3:])
    wait_screen(ui, "identified", 40)
    shown = texts(ui)
    assert "测**例" in shown and "1100**********0013" in shown and "居民身份证" in shown
    assert "测试样例" not in shown and "110000199001010013" not in shown
    ui.screenshot("identity-identified")
    tap_id(ui, "continue_btn")
    assert ui.app.manager.current == "item" and ui.kiosk.session.identity is not None
    if hasattr(svc.reader, "worker_pid"):        # the identity worker held the card, not this process
        worker = svc.reader.worker_pid
        assert svc.reader.running and worker != os.getpid() and os.path.exists(f"/proc/{worker}")
    ui.kiosk.session.end("finished")
    ui.frames(2)
    assert ui.kiosk.session.identity is None and ui.app.screens["identified"].masked_name == ""
    if hasattr(svc.reader, "worker_pid"):        # ...and ended with the session
        assert svc.reader.wait_ended() and not svc.reader.running


def test_idf_ui_decline_reading_shows_the_helper_route(flow, reader):
    ui, _svc, _states = flow()
    tap_id(ui, "decline_btn")
    wait_screen(ui, "identity_help", 5)
    assert "您选择了不读取身份证" in texts(ui) and "找工作人员" in texts(ui)      # no hub: the desk
    ui.screenshot("identity-help-declined")
    assert ui.kiosk.session.identity is None


def test_idf_ui_decline_face_shows_the_helper_route(flow):
    ui, _svc, _states = flow()
    through_consent(ui, face=False)
    wait_screen(ui, "identity_help", 5)
    assert "您选择了不进行人脸核验" in texts(ui)


@pytest.mark.parametrize("flow", ["in_process", "worker"], indirect=True)
@pytest.mark.parametrize("card, headline, words, shot", [
    ("expired", "这张证件不能使用", "已超过有效期限", "identity-idcard-expired"),
    ("moved", "没有读取成功", "证件被移动了", "identity-idcard-moved"),
    ("unplugged", "读卡器暂不可用", "读卡器暂时不能使用", "identity-idcard-reader"),
    ("check", "这张证件不能使用", "号码校验不通过", None),
])
def test_idf_ui_card_errors_in_plain_words_with_retry(flow, card, headline, words, shot):
    import dataclasses

    from drivers.id_reader import protocol as P
    from drivers.id_reader.sim_cards import SimCard, demo_card
    from drivers.id_reader.textblock import encode_text_block
    ui, svc, _states = flow()
    through_consent(ui)
    wait_screen(ui, "idcard", 5)
    assert svc.reader.wait_fresh_check(3)   # placed before the first probe = "lying there"
    sim = svc.reader.simulator
    if card == "expired":
        sim.place_card("expired")
    elif card == "moved":
        sim.fail_next(0x41, count=50, command=P.READ_BASE)   # keeps moving: the error stays up
        sim.place_card("resident")
    elif card == "unplugged":
        sim.unplug()
    else:
        bad = dataclasses.replace(demo_card("resident"), number="110000199001010014")
        sim.place_card(SimCard(encode_text_block(bad), bad.photo_wlt))
    ui.wait_until(lambda: words in texts(ui), 10)
    assert headline in texts(ui) and ui.screen.ids.retry_btn.opacity == 1
    if shot:
        ui.screenshot(shot)
    if card == "unplugged":
        sim.replug()
        ui.wait_until(lambda: "请将身份证放在读卡区" in texts(ui), 10)
    else:
        tap_id(ui, "retry_btn")
        assert svc.state.step.value in ("waiting_card", "reading", "card_error", "card_read", "face")


def test_idf_ui_three_face_failures_lead_to_the_helper(flow, camera, verifier_for, face_frame):
    ui, svc, states = flow(verifier=verifier_for(yaw_frontal=0.5))
    other = face_frame(OTHER)
    camera.set_frames([other.copy() for _ in range(4)])
    through_consent(ui)
    wait_screen(ui, "idcard", 5)
    assert svc.reader.wait_fresh_check(3)   # placed before the first probe = "lying there"
    svc.reader.simulator.place_card("resident")
    for left in (2, 1):
        ui.wait_until(lambda n=left: svc.state.step.value == "face_failed" and svc.state.tries_left == n, 30)
        ui.frames(3)
        assert "未能确认是您本人" in texts(ui) and f"还可以再试 {left} 次" in texts(ui)
        if left == 2:
            ui.screenshot("identity-face-failed")
        camera.set_frames([other.copy() for _ in range(4)])
        tap_id(ui, "retry_btn")
    wait_screen(ui, "identity_help", 30)
    assert "人脸核验没有通过" in texts(ui)
    ui.screenshot("identity-help-face-failed")


@pytest.mark.parametrize("large", [False, True])
def test_idf_ui_no_text_overflows_on_any_identity_screen(flow, large):
    """GIVEN normal and large-text (适老化) sizes WHEN each identity screen shows its longest texts
    THEN no label's text is larger than the label."""
    from kiosk.identity_model import IdentityState, Step
    ui, svc, _states = flow()
    if large:
        ui.kiosk.session.set_large_text(True)
        ui.frames(3)
    bridge = ui.app.screens["consent"].ib
    cases = [("consent", IdentityState(Step.CONSENT_CARD)), ("consent", IdentityState(Step.CONSENT_FACE)),
             ("idcard", IdentityState(Step.CARD_ERROR, code="ID_CARD_MOVED")),
             ("idcard", IdentityState(Step.CARD_READ, masked_name="欧阳**明", card_type_text="港澳台居民居住证")),
             ("face", IdentityState(Step.FACE_FAILED, code="FACE_LIVENESS_FAILED", tries_left=2)),
             ("face", IdentityState(Step.FACE, hint="HINT_MORE_LIGHT", challenge=("right", "left"))),
             ("identity_help", IdentityState(Step.HELPER, reason="HELP_FACE_UNAVAILABLE"))]
    for route, state in cases:
        ui.kiosk.session.replace(route, **({"reason": state.reason} if state.reason else {}))
        ui.frames(2)
        bridge._apply(state)
        ui.frames(3)
        assert _ui_overflowing(ui.screen) == [], (route, state.step, large)
        assert _clipped(ui.screen) == [], (route, state.step, large)
        if large and state.step in (Step.CONSENT_FACE, Step.FACE_FAILED):
            ui.screenshot(f"identity-{state.step.value}-large")


def _ui_overflowing(widget):
    import sys
    return sys.modules["idf_ui_harness"].overflowing(widget)


def _clipped(screen):
    """Labels pushed under the navigation bar or below the screen (a layout that does not fit)."""
    from kivy.uix.label import Label
    column = screen.children[0]
    nav = column.children[-1]                      # the NavBar is the column's first child
    out = []
    for w in column.children[0].walk(restrict=True):
        if isinstance(w, Label) and w.text and w.opacity > 0:
            x, y = w.to_window(w.x, w.y)
            if y < -1 or y + w.height > nav.y + 1:
                out.append(w.text[:20])
    return out


def test_idf_ui_the_workers_camera_preview_is_on_the_face_screen(make_ui, worker_reader, faces_dir, face_frame,
                                                                 tmp_path):
    """A real camera (``file://`` stills standing in for ``v4l2://``): the identity worker opens it and
    the face screen shows the citizen's preview from the worker; the kiosk reads no frame. 结束办理
    mid-check blanks the picture and gives the camera back."""
    from idf_helpers import CARD_PHOTO, FRONTAL
    from PIL import Image

    from drivers.camera import make_camera
    from drivers.registry import open_device
    Image.fromarray(face_frame(FRONTAL)).save(tmp_path / "000.png")     # a face that never turns
    uri = f"file://{tmp_path}"
    camera = open_device(make_camera("camera", uri))
    camera.read = lambda: pytest.fail("a camera frame was read in the kiosk")
    ui = make_ui()
    verifier = worker_reader.enable_face({"total_timeout_s": 40.0, "turn_timeout_s": 30.0,
                                          "reference_file": str(faces_dir / CARD_PHOTO), "camera_uri": uri})
    svc = IdentityService(worker_reader, camera, verifier, ui.kiosk.session, ui.kiosk.config, ui.clock,
                          today=lambda: dt.date(2026, 11, 27), face_challenge=("left", "right"))
    ui.kiosk.identity = svc
    try:
        ui.kiosk.session.go("item", id=next(iter(ui.kiosk.catalogue.by_id)))
        ui.frames(2)
        ui.kiosk.session.go("consent")
        ui.frames(2)
        through_consent(ui)
        wait_screen(ui, "idcard")
        assert svc.reader.wait_fresh_check(3)
        ui.wait_until(lambda: svc.verifier.state.value == "ready", 40)
        svc.reader.simulator.place_card("resident")
        wait_screen(ui, "face", 10)
        ui.wait_until(lambda: "请向左转头" in texts(ui), 30)
        ui.wait_until(lambda: ui.screen.texture is not None, 20)
        assert tuple(ui.screen.texture.size) == (320, 240) and not camera.is_open
        shot = ui.screenshot("identity-face-worker-camera")
        preview = ui.screen.ids.preview
        x, y = preview.to_window(*preview.center)
        img = Image.open(shot).convert("RGB")
        box = img.crop((int(x) - 60, img.height - int(y) - 60, int(x) + 60, img.height - int(y) + 60))
        colours = box.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 200, "the preview shows no picture"   # a face, not a flat box
        ui.kiosk.session.end("finished")                  # 结束办理 (the banner's button, tested elsewhere)
        ui.wait_until(lambda: ui.kiosk.session.identity is None and ui.app.manager.current != "face", 20)
        ui.wait_until(lambda: camera.is_open and svc.camera_share.lent_to is None, 15)
        assert svc.preview.size is None and ui.app.screens["face"].texture is None
    finally:
        svc.close()
        camera.close()
