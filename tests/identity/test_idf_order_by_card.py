# SPDX-License-Identifier: Apache-2.0
"""查看我的工单 end to end with the identity worker (issue 11): taps on the kiosk's screens, the
identity worker owning the simulated reader (its own process, the hall's tag key in its set-up as
build_identity hands it), the face check on the scripted camera, the real hub.

A citizen identified with their card files a work order and ticks 以后插身份证也能查看本工单; in a
new session (a new worker) the same card finds it under 留言查询 → 查看我的工单; another card
finds nothing. The core never held either number; the hub's row holds neither."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from idf_helpers import fresh_card

from kiosk.citizen_tag import read_tag_key, write_tag_key
from kiosk.identity import IdentityService

TESTS = Path(__file__).resolve().parents[1]
for _sub in ("ui", "assist"):
    if str(TESTS / _sub) not in sys.path:
        sys.path.insert(0, str(TESTS / _sub))
from assist_testkit import HubThread  # noqa: E402
from test_ui_order import _kiosk_with_records, _stop  # noqa: E402
from test_ui_order_by_card import file_order, my_orders  # noqa: E402

pytestmark = pytest.mark.ui


@pytest.fixture
def hub(tmp_path):
    from helpdesk.orders import OrderStore, upgrade

    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    thread = HubThread(tmp_path)
    thread.orders = OrderStore(url)
    thread.start()
    yield thread
    thread.close()


def identify(ui, svc, camera, turn_frames, card) -> None:
    """item → consent (agree, agree) → the card on the worker's reader → the face → 继续办理."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.kiosk.session.go("consent")
    ui.frames(2)
    ui.tap(ui.screen.ids.agree_btn)
    ui.tap(ui.screen.ids.agree_btn)
    ui.wait_until(lambda: ui.app.manager.current == "idcard", 20)
    assert svc.reader.wait_fresh_check(10)
    seq = turn_frames(("left", "right"))
    camera.set_frames(seq[:3] + [seq[0].copy() for _ in range(5)])
    svc.reader.simulator.place_card(card)
    ui.wait_until(lambda: ui.app.manager.current == "face", 20)
    ui.wait_until(lambda: svc.state.turn == "left", 30)
    camera.set_frames(seq[3:])
    ui.wait_until(lambda: ui.app.manager.current == "identified", 40)
    ui.tap(ui.screen.ids.continue_btn)
    identity = ui.kiosk.session.identity
    assert identity is not None and len(identity.citizen_tag) == 64
    held = repr(vars(identity)) + repr(vars(identity.card))
    assert card.number not in held and card.number[-8:] not in held and card.name not in held


def leave(ui, svc) -> None:
    identity = ui.kiosk.session.identity
    ui.kiosk.session.end("finished")
    svc.reader.simulator.remove_card()
    assert svc.reader.wait_ended()
    assert identity.citizen_tag == "" and identity.wiped


def test_idf_a_card_finds_the_order_its_holder_agreed_to(make_ui, tmp_path, hub, worker_reader, camera,
                                                         verifier_for, card_photo, turn_frames):
    key_file = write_tag_key(tmp_path / "citizen.key")
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url,
                                       **{"records.citizen_tag_key_file": str(key_file)})
    worker_reader.tag_key = read_tag_key(key_file).hex()           # as build_identity sets it
    svc = IdentityService(worker_reader, camera, verifier_for(), ui.kiosk.session, ui.kiosk.config, ui.clock,
                          photo_decoder=card_photo, today=lambda: dt.date(2026, 11, 27),
                          face_challenge=("left", "right"))
    ui.kiosk.identity = svc
    mine, _ = fresh_card(seed=1111)
    other, _ = fresh_card(seed=1112)
    try:
        identify(ui, svc, camera, turn_frames, mine)
        number = file_order(ui, by_card=True)
        leave(ui, svc)
        with hub.orders.engine.connect() as db:
            raw = repr([*db.execute(sa.text("SELECT * FROM orders"))])
        assert mine.number not in raw and mine.number[-8:] not in raw

        identify(ui, svc, camera, turn_frames, mine)                # a new session, a new worker
        look = my_orders(ui)
        assert look.listing and number in look.ids.result.text
        ui.screenshot("identity-worker-my-orders")
        leave(ui, svc)

        identify(ui, svc, camera, turn_frames, other)
        look = my_orders(ui)
        assert not look.listing and number not in look.ids.result.text
        leave(ui, svc)
    finally:
        svc.close()
        _stop(ui)
