# SPDX-License-Identifier: Apache-2.0
"""Training and demo mode end to end: a card handed over in the 模拟器 panel is read when the
identity flow asks for it (the masked name on screen), and the demo's face pair decides the
face check: the card holder in front of the camera, turning as asked, is identified; another
person is not. All through Kivy's input path with the identity worker owning the reader.

The pair is the one that ships (kiosk/data/demo_faces: public-domain portraits from PyPI packages,
its README), taken when ``identity.demo_faces`` is empty, as on a fresh training machine."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.ops.sim_faces import SHIPPED

sys.path.append(str(Path(__file__).resolve().parents[1] / "admin_ui"))
from adm_helpers import PIN_ADMIN, login, tap_panel, tap_section  # noqa: E402

pytestmark = pytest.mark.ui
FAST = dict(poll_interval=0.03, removal_hold=0.08, plug_hold=0.08)


@pytest.fixture
def demo(make_ui, tmp_path):
    """GIVEN ``--simulate`` with a demo face pair, the ID reader owned by the identity worker and the
    simulated camera, wired as kiosk.wiring.start wires them."""
    from drivers.camera import make_camera
    from drivers.registry import open_device
    from kiosk import devices
    from kiosk.assist_mode import hash_pin
    from kiosk.identity import build_identity

    ui = make_ui(simulate=True, **{"admin.pins": [f"A01:{hash_pin(PIN_ADMIN, log2_n=4)}"],
                                   "admin.audit_log": str(tmp_path / "audit.log")})
    assert ui.kiosk.config["identity.demo_faces"] == ""        # nothing configured: the shipped pair
    reader = open_device(devices.create("id_reader", {"uri": "sim://?baud=115200"}))
    reader.opts.update(FAST)
    camera = make_camera("camera", "sim://")
    ui.kiosk.devices.update({"id_reader": reader, "camera": camera})
    sim = ui.kiosk.simulator
    sim.load_faces(ui.kiosk.config["identity.demo_faces"])
    assert sim.face_reference() == str(SHIPPED / "card.jpg") and not sim.faces_problem
    build_identity(ui.kiosk, ui.kiosk.devices)
    sim.follow(ui.kiosk.identity)
    yield ui
    ui.kiosk.identity.close()
    sim.close()
    reader.close()
    camera.close()


def texts(ui):
    from kivy.uix.label import Label
    return " ".join(w.text for w in ui.screen.walk(restrict=True)
                    if isinstance(w, Label) and w.text and w.opacity > 0)


def _hand_card_and_start(ui, *panel_keys):
    login(ui, PIN_ADMIN)
    tap_section(ui, "sim")
    for key in panel_keys:
        tap_panel(ui, key)
    ui.screenshot("simulator-card-handed")
    ui.tap(ui.screen.ids.exit_btn)
    ui.frames(2)
    assert [c.name for c in ui.app.manager.children] == ["home"]     # the admin screen is off the window
    ui.kiosk.session.go("item", id=next(iter(ui.kiosk.catalogue.by_id)))
    ui.frames(2)
    ui.kiosk.session.go("consent")
    ui.frames(2)
    ui.tap(ui.screen.ids.agree_btn)
    ui.frames(2)
    ui.tap(ui.screen.ids.agree_btn)
    ui.wait_until(lambda: ui.app.manager.current == "idcard", 10)
    assert [c.name for c in ui.app.manager.children] == ["idcard"]


def test_a_card_from_the_panel_is_read_and_the_matching_pair_identifies(demo):
    """GIVEN --simulate WHEN staff hand over the resident card in the panel and walk the identity
    flow THEN the card is read when asked (not as one lying there), the simulated citizen turns as
    the screen asks, and the identified screen shows the masked name and number only."""
    ui = demo
    _hand_card_and_start(ui, "sim:card:resident")
    ui.wait_until(lambda: ui.app.manager.current == "face", 30)
    ui.wait_until(lambda: "转头" in texts(ui), 60)
    ui.screenshot("simulator-face-turn")
    ui.wait_until(lambda: ui.app.manager.current == "identified", 60)
    shown = texts(ui)
    assert "测**例" in shown and "1100**********0013" in shown and "居民身份证" in shown
    assert "测试样例" not in shown
    ui.screenshot("simulator-identified")
    ui.kiosk.session.end("finished")
    ui.frames(2)
    ui.wait_until(lambda: not ui.kiosk.simulator.placed, 10)     # the citizen took the card along


def test_the_other_person_fails_the_face_check(demo):
    """GIVEN --simulate WHEN staff choose 摄像头前：另一人 THEN the card is read and the face check
    says it could not confirm the card holder."""
    ui = demo
    _hand_card_and_start(ui, "sim:face:other", "sim:card:resident")
    ui.wait_until(lambda: ui.app.manager.current == "face", 30)
    ui.wait_until(lambda: "未能确认是您本人" in texts(ui), 60)
    assert ui.kiosk.session.identity is None
    ui.screenshot("simulator-face-other-person")
