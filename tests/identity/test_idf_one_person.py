# SPDX-License-Identifier: Apache-2.0
"""An identity belongs to one person: two citizens at the same kiosk, through the real Kivy screens.

The first is identified (pty reader, real face engine), then leaves by 首页 → 结束并清除, by walking
away (the short identity idle time with its countdown) or by taking the card; the second then taps
around, and no screen, banner or Back step shows or reaches the first one's data.
"""
from __future__ import annotations

import pytest
from idf_ui_harness import button
from test_idf_ui import flow, texts, tap_id, wait_screen  # noqa: F401 (the fixture)

pytestmark = pytest.mark.ui
NAME, NUMBER = "测**例", "1100**********0013"    # the simulator's demo resident, masked


def all_texts(ui):
    from kivy.uix.label import Label
    return " ".join(w.text for w in ui.app.root.walk(restrict=False)
                    if isinstance(w, Label) and w.text and w.opacity > 0)


def identify(ui, svc, camera, turn_frames):
    tap_id(ui, "agree_btn")
    tap_id(ui, "agree_btn")
    wait_screen(ui, "idcard")
    assert svc.reader.wait_fresh_check(3)
    camera.set_frames(turn_frames(("left", "right")))
    svc.reader.simulator.place_card("resident")
    wait_screen(ui, "identified", 60)
    ui.wait_until(lambda: ui.app.identity_banner.parent is not None, 5)
    ui.screenshot("identity-identified-banner")
    tap_id(ui, "continue_btn")                  # back to the item page the check started from
    wait_screen(ui, "item", 5)
    shown = all_texts(ui)
    assert "已核验身份" in shown and NAME in shown and NUMBER in shown and "结束办理" in shown
    assert "测试样例" not in shown and "110000199001010013" not in shown


def second_person_sees_nothing(ui, first_identity):
    assert ui.kiosk.session.identity is None and first_identity.wiped and first_identity.card is None
    wait_screen(ui, "home", 5)
    assert ui.app.identity_banner.parent is None and ui.app.home_confirm.parent is None
    ui.tap(ui.app.screens["home"])                       # the next citizen starts
    for _ in range(3):                                   # Back from wherever the first one was
        ui.kiosk.session.back()
        ui.frames(2)
        shown = all_texts(ui)
        assert NAME not in shown and NUMBER not in shown and "已核验身份" not in shown
    ui.kiosk.session.go("consent")
    ui.frames(2)
    assert NAME not in all_texts(ui) and ui.kiosk.session.identity is None


def test_idf_home_asks_then_end_and_clear_leaves_nothing_for_the_next_person(flow, camera, turn_frames):
    """GIVEN an identified citizen on an item page WHEN they tap 首页 THEN nothing moves yet: the question
    继续办理 / 结束并清除 with their masked identity; 继续办理 keeps them where they were; tapping 首页
    again and 结束并清除 wipes everything, and the next person reaches none of it."""
    ui, svc, _ = flow()
    identify(ui, svc, camera, turn_frames)
    first = ui.kiosk.session.identity
    where = ui.app.manager.current
    ui.tap(button(ui.screen, "首页"))
    ui.wait_until(lambda: ui.app.home_confirm.parent is not None, 5)
    assert "继续办理" in all_texts(ui) and "结束并清除" in all_texts(ui) and NAME in all_texts(ui)
    assert ui.app.manager.current == where
    ui.screenshot("identity-home-confirm")
    ui.tap(ui.app.home_confirm.ids.keep_btn)
    ui.wait_until(lambda: ui.app.home_confirm.parent is None, 5)
    assert ui.app.manager.current == where and ui.kiosk.session.identity is first
    ui.screenshot("identity-banner")
    ui.tap(button(ui.screen, "首页"))
    ui.wait_until(lambda: ui.app.home_confirm.parent is not None, 5)
    ui.tap(ui.app.home_confirm.ids.clear_btn)
    second_person_sees_nothing(ui, first)


def test_idf_banner_end_button_ends_the_identity(flow, camera, turn_frames):
    ui, svc, _ = flow()
    identify(ui, svc, camera, turn_frames)
    first = ui.kiosk.session.identity
    ui.tap(ui.app.identity_banner.ids.end_btn)
    second_person_sees_nothing(ui, first)


def test_idf_walking_away_wipes_after_the_short_identity_idle_time(flow, camera, turn_frames):
    """identity.idle_seconds (30 s) from the last touch, the last part with the countdown, not ui.idle_seconds."""
    ui, svc, _ = flow()
    identify(ui, svc, camera, turn_frames)
    first = ui.kiosk.session.identity
    total = ui.kiosk.config["identity.idle_seconds"]
    assert total < ui.kiosk.config["ui.idle_seconds"]
    ui.idle_for(total / 2 + 0.5)
    ui.wait_until(lambda: ui.app.overlay.parent is not None, 5)
    assert "秒后将返回首页" in all_texts(ui)
    assert ui.kiosk.session.identity is first               # the countdown first; nothing wiped yet
    ui.idle_for(total / 2)
    second_person_sees_nothing(ui, first)


def test_idf_taking_the_card_ends_the_identity(flow, camera, turn_frames):
    ui, svc, _ = flow()
    identify(ui, svc, camera, turn_frames)
    first = ui.kiosk.session.identity
    assert svc.reader.poll is True                           # watching for the removal, not reading
    svc.reader.simulator.remove_card()
    ui.wait_until(lambda: ui.kiosk.session.identity is None, 10)
    second_person_sees_nothing(ui, first)
