# SPDX-License-Identifier: Apache-2.0
"""查看我的工单 (issue 11): an identified citizen finds their own work orders with the ID card.

Taps through Kivy's input path against the real hub (aiohttp, the kiosk's token, the SQLAlchemy
store) as test_ui_order.py. The identity is the one the identity worker hands the core: a
:class:`~kiosk.identity_model.Identity` on a :class:`~kiosk.identity_proxy.WorkerCard` made from
the worker's ``card_inserted`` message (masked fields, the handle and the citizen tag the worker
computes with kiosk.citizen_tag; the worker itself, with the simulated reader, is tested in
tests/identity/test_idf_citizen_tag.py, and the same walk with the worker, the consent and the
face check in tests/identity/test_idf_order_by_card.py). The ID numbers below exist only to make those tags.

- a citizen who ticks 以后插身份证也能查看本工单 on the summary (off by default) finds the order in a
  new session with the same card under 留言查询's 查看我的工单, in normal and large text, in English;
- another card finds none; an order filed without the tick is not found by card;
- the hub's row holds no ID number; the session's end wipes the tag with the identity.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from test_ui_english import assert_english, to_english
from test_ui_ime import candidate
from test_ui_order import _kiosk_with_records, _stop, hub  # noqa: F401 - hub is a fixture
from ui_kit import overflowing, ready_keyboard

from drivers.id_reader import CardType
from kiosk.citizen_tag import citizen_tag, new_tag_key
from kiosk.identity_model import Identity
from kiosk.identity_proxy import WorkerCard

pytestmark = pytest.mark.ui
KEY = new_tag_key()
CARDS = {"mine": "370102199001011234", "other": "11010519491231002X", "third": "110101200001010015"}


def identify(ui, who: str) -> Identity:
    """The identity the flow sets after the face check, on the card as the worker describes it."""
    dropped = []
    reader = SimpleNamespace(drop=dropped.append)
    card = WorkerCard.from_message(reader, {
        "handle": "h-" + who, "card_type": CardType.RESIDENT.name, "masked_name": "张*三",
        "masked_number": CARDS[who][:4] + "*" * 10 + CARDS[who][-4:], "check_digit_valid": True,
        "expired": False, "citizen_tag": citizen_tag(CARDS[who], KEY)})
    identity = Identity(card, None, face_verified=True)
    identity.dropped = dropped
    ui.kiosk.session.set_identity(identity)
    ui.frames(2)
    return identity


def file_order(ui, by_card: bool) -> str:
    """item → 留言 → 求助 → 护照 (pinyin) → a phone → 不写姓名 → the summary (the box, ticked or
    not) → 确认提交; the hub's number."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.order_btn)
    order = ui.screen
    ui.tap(order.part.ids.cat_help)
    vk = ready_keyboard(ui)
    for key in "huzhao":
        ui.tap_key(key)
    ui.tap(candidate(vk, "护照"))
    ui.tap(order.part.ids.next_btn)
    ui.wait_until(lambda: vk.composer.mode.value == "123")
    ui.frames(2)
    for key in "13912345678":
        ui.tap_key(key)
    ui.tap(order.part.ids.next_btn)
    assert order.step == "name"
    ui.tap(order.part.ids.name_no)
    assert order.step == "confirm"
    row = order.part.ids.tag_row
    assert row.opacity == 1 and not row.disabled and not row.active          # offered, off by default
    assert not overflowing(order)
    if by_card:
        ui.tap(row)
        assert row.active and order.draft["by_card"]
        ui.screenshot("order-confirm-by-card")
    ui.tap(order.part.ids.submit_btn)
    ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
    done = ui.screen
    assert done.number, "the hub took the order"
    return done.number


def my_orders(ui):
    """home → 留言查询 → 查看我的工单; the lookup screen once the answer is shown."""
    ui.kiosk.session.go("home")
    ui.frames(2)
    ui.tap(ui.screen.ids.tile_lookup)
    look = ui.screen
    assert ui.app.manager.current == "order_lookup"
    assert look.ids.mine_btn.opacity == 1 and look.can_mine
    ui.tap(look.ids.mine_btn)
    ui.wait_until(lambda: not look.busy, timeout=10)
    return look


def test_an_identified_citizen_who_agreed_finds_the_order_with_the_card(make_ui, tmp_path, hub):
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        first = identify(ui, "mine")
        number = file_order(ui, by_card=True)
        with hub.orders.engine.connect() as db:
            raw = repr([*db.execute(sa.text("SELECT * FROM orders"))])
        assert CARDS["mine"] not in raw and CARDS["mine"][-8:] not in raw       # never the number
        ui.kiosk.session.end("finished")
        assert first.wiped and first.citizen_tag == "" and first.dropped == ["h-mine"]   # gone with it
        assert ui.app.manager.current == "home"

        identify(ui, "mine")                                                    # a new session, same card
        look = my_orders(ui)
        assert look.listing and look.status == "您的工单（1 条）："
        assert number in look.ids.result.text and "已受理，等待分派" in look.ids.result.text
        assert "尚未答复" in look.ids.result.text
        shown = look.ids.status.text + look.ids.result.text
        assert "13912345678" not in shown and "护照" not in shown                 # no phone, no description
        ui.screenshot("order-lookup-mine")
        assert not overflowing(look)
        [row] = hub.orders.listing()
        hub.orders.act(row["id"], "王芳", "reply", "已办好，请带户口本来取。")
        ui.tap(look.ids.mine_btn)
        ui.wait_until(lambda: not look.busy, timeout=10)
        assert "已答复" in look.ids.result.text and "已办好" not in look.ids.result.text
        ui.kiosk.session.end("finished")
        assert look.result == "" and not look.can_mine

        identify(ui, "other")                                                   # another card: nothing
        look = my_orders(ui)
        assert not look.listing and number not in look.ids.result.text
        assert look.status.startswith("没有找到用这张身份证提交")
        ui.kiosk.session.end("finished")

        ui.kiosk.session.go("home")                                             # not identified: no button
        ui.frames(2)
        ui.tap(ui.screen.ids.tile_lookup)
        assert not ui.screen.can_mine and ui.screen.ids.mine_btn.opacity == 0
        ui.kiosk.session.end("finished")
    finally:
        _stop(ui)


def test_without_the_tick_no_order_is_found_by_card(make_ui, tmp_path, hub):
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        identify(ui, "third")
        file_order(ui, by_card=False)
        with hub.orders.engine.connect() as db:
            assert db.execute(sa.text("SELECT citizen_tag FROM orders")).scalar() is None
        ui.kiosk.session.end("finished")
        identify(ui, "third")
        look = my_orders(ui)
        assert not look.listing and look.status.startswith("没有找到用这张身份证提交")
        ui.kiosk.session.end("finished")
    finally:
        _stop(ui)


def test_my_orders_in_english_and_large_text(make_ui, tmp_path, hub):
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        identify(ui, "mine")
        number = file_order(ui, by_card=True)
        ui.kiosk.session.end("finished")
        ui.frames(2)
        to_english(ui)
        ui.tap(ui.screen.ids.tile_large)
        identify(ui, "mine")
        look = my_orders(ui)
        assert look.listing and number in look.ids.result.text
        assert look.ids.mine_btn.text == "My requests"
        assert_english(ui, "en-large-lookup-mine", extra=["张*三"])
    finally:
        _stop(ui)


def test_with_the_hub_unreachable_the_kiosks_own_pending_order_is_listed(make_ui, tmp_path):
    """GIVEN the hub cannot be reached WHEN the citizen files with the box ticked and, in a new
    session with the same card, taps 查看我的工单 THEN the order still in this kiosk's outbox is
    listed as not yet submitted, with the plain word that the hub cannot be asked now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, f"ws://127.0.0.1:{closed_port}")
    try:
        identify(ui, "mine")
        ui.kiosk.session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.screen.ids.order_btn)
        order = ui.screen
        ui.tap(order.part.ids.cat_consult)
        order.part.ids.field.text = "社保卡"
        ui.tap(order.part.ids.next_btn)
        order.part.ids.field.text = "13912345678"
        ui.tap(order.part.ids.next_btn)
        ui.tap(order.part.ids.name_no)
        ui.tap(order.part.ids.tag_row)
        ui.tap(order.part.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
        assert not ui.screen.number                                  # saved here only
        ui.kiosk.session.end("finished")
        identify(ui, "mine")
        look = my_orders(ui)
        assert look.listing and look.status == "您的工单（1 条）："
        assert "尚未提交（咨询）" in look.ids.result.text and "暂时连不上工作人员系统" in look.ids.result.text
        assert not overflowing(look)
        ui.kiosk.session.end("finished")
        identify(ui, "other")
        look = my_orders(ui)
        assert not look.listing and look.status.startswith("暂时连不上工作人员系统")
    finally:
        _stop(ui)
