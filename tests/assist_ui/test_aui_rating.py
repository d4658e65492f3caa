# SPDX-License-Identifier: Apache-2.0
"""好差评 after a helper call, through Kivy's input path, into the real outbox and the real hub:
one tap for a good rating, reasons (GB/T 39735) asked for a bad one, 跳过 always there; the
hub's 差评回访 list gets the bad one with the helper and the call, nothing about the citizen."""
import sys
import time
from pathlib import Path

import pytest

from aui_helpers import overflowing
from kiosk.records import new_key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assist"))
from assist_testkit import KIOSKS, TEST_TOKEN, HubThread  # noqa: E402


@pytest.fixture
def rated_ui(assist_ui, tmp_path):
    from helpdesk.orders import OrderStore, upgrade
    from kiosk.records.service import build_records

    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    hub = HubThread(tmp_path)
    hub.orders = OrderStore(url)
    hub.start()
    cfg = assist_ui.kiosk.config.with_overrides(**{
        "assist.hub_url": hub.url, "assist.hub_token": TEST_TOKEN, "hall.terminal_id": KIOSKS[0],
        "records.folder": str(tmp_path / "records"), "records.outbox_key": new_key()})
    assist_ui.kiosk.records = build_records(cfg)
    assist_ui.kiosk.records.sender.first_pause = 0.05
    assist_ui.hub = hub
    yield assist_ui
    assist_ui.kiosk.records.stop()
    hub.close()


def _call_and_hang_up(ui):
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.nav.ids.help_btn)
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="connected", helper_name="王芳")
    ui.frames(3)
    assert ui.app.manager.current == "assist_call"
    ui.tap(ui.screen.ids.hangup_btn)
    ui.frames(2)
    assert ui.app.manager.current == "rate"
    return ui.screen


def _until(pred, what, limit=20.0):
    end = time.monotonic() + limit
    while not pred():
        assert time.monotonic() < end, f"never: {what}"
        time.sleep(0.05)


def test_a_bad_rating_asks_why_and_reaches_the_follow_up_list(rated_ui):
    ui = rated_ui
    rate = _call_and_hang_up(ui)
    assert "视频帮办" in rate.ids.prompt.text
    assert not overflowing(rate)
    ui.screenshot("rating-scores")
    ui.tap(rate.ids.score2)
    assert rate.asking and len(rate.ids.reasons.children) == 8
    ui.tap(rate.ids.submit_btn)                                   # no reason yet: asked for one
    assert "至少选择一个原因" in rate.message and ui.app.manager.current == "rate"
    reason = next(b for b in rate.ids.reasons.children if b.text == "等候时间过长")
    ui.tap(reason)
    assert rate.chosen == ["等候时间过长"]
    assert not overflowing(rate)
    ui.screenshot("rating-reasons")
    ui.tap(rate.ids.submit_btn)
    assert ui.app.manager.current == "item" and "谢谢您的评价" in ui.app.root.notice
    _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
    [follow] = ui.hub.orders.follow_ups()
    assert follow["score"] == 2 and follow["helper"] == "王芳" and follow["target_kind"] == "call"
    assert "等候时间过长" in follow["reasons"] and follow["terminal"] == KIOSKS[0]


def test_a_good_rating_is_one_tap_and_skip_leaves(rated_ui):
    ui = rated_ui
    rate = _call_and_hang_up(ui)
    ui.tap(rate.ids.score5)
    assert ui.app.manager.current == "item"
    _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
    import sqlalchemy as sa
    from helpdesk.orders import ratings
    with ui.hub.orders.engine.connect() as db:
        assert [r.score for r in db.execute(sa.select(ratings))] == [5]
    rate = _call_and_hang_up(ui)
    ui.tap(rate.ids.skip_btn)
    assert ui.app.manager.current == "item" and len(ui.kiosk.records.outbox) == 0
