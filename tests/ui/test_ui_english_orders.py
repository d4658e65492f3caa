# SPDX-License-Identifier: Apache-2.0
"""The English interface on 留言 (the work-order form, its summary and receipt), 留言查询 and the
rating screen: taps only, in normal and large text, against the real hub and receipt printer.

Screenshots: test-output/screenshots/en-order-*.png, en-large-order-*.png, en-rate-*.png,
en-lookup-*.png. What may stay Chinese: the item's content, the hall's words, what the citizen
typed (and the pinyin candidates), the masked name, and the staff's reply from the hub.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from ui_kit import button, ready_keyboard
from english import SWITCH
from test_ui_english import assert_english, to_english
from test_ui_ime import candidate
from test_ui_order import _kiosk_with_records, _stop, _until, hub  # noqa: F401 - hub is a fixture

pytestmark = pytest.mark.ui


def _candidates(ui) -> list[str]:
    vk = ui.keyboard()
    return [getattr(c, "text", c) for c in vk.composer.candidates] if vk is not None else []


def _order_walk(ui, prefix: str) -> None:
    """item → Leave a request → Help → a description in pinyin → a wrong, then a right phone →
    (the name, when identified) → the summary → Submit → the receipt, all checked in English."""
    who = [n for n in [getattr(ui.kiosk.session.identity, "masked_name", "")] if n]   # the bar shows it

    def check(shot, items=(), extra=()):
        assert_english(ui, shot, items=items, extra=list(extra) + who)

    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    item = ui.kiosk.item("SI-0049")
    assert ui.screen.ids.order_btn.text == "Leave a request"
    ui.tap(ui.screen.ids.order_btn)
    order = ui.screen
    assert ui.app.manager.current == "order" and order.step == "category"
    assert "Help" in order.part.ids.cat_help.text and "Complaint" in order.part.ids.cat_complaint.text
    check(f"{prefix}-order-category", items=[item])
    ui.tap(order.part.ids.cat_help)
    assert order.step == "describe"
    vk = ready_keyboard(ui)
    ui.tap(order.part.ids.next_btn)                         # empty: the message, in English
    assert order.step == "describe" and order.message.startswith("Please write your question")
    check(f"{prefix}-order-describe-empty", items=[item])
    assert vk.mode_name == "ABC"                            # English: Latin letters first
    ui.tap(vk.bar.ids.mode_pinyin)                          # a helper beside them writes Chinese
    assert vk.mode_name == "拼音"
    for letters, word in (("huzhao", "护照"), ("diule", "丢了")):
        for key in letters:
            ui.tap_key(key)
        if letters == "huzhao":
            check(f"{prefix}-order-describe-typing", items=[item], extra=_candidates(ui))
        ui.tap(candidate(vk, word))
    assert order.part.ids.field.text == "护照丢了"
    assert order.part.ids.top.ids.counter.text == "4/500"                # no room for a word here
    check(f"{prefix}-order-describe", items=[item], extra=["护照丢了"] + _candidates(ui))
    ui.tap(order.part.ids.next_btn)
    assert order.step == "phone"
    ui.wait_until(lambda: vk.composer.mode.value == "123")
    ui.frames(2)
    for key in "12345":
        ui.tap_key(key)
    ui.tap(order.part.ids.next_btn)
    assert order.step == "phone" and order.message.startswith("This phone number is not right")
    check(f"{prefix}-order-phone-wrong", items=[item])
    order.part.ids.field.text = ""
    for key in "13912345678":
        ui.tap_key(key)
    ui.tap(order.part.ids.next_btn)
    if order.step == "name":
        check(f"{prefix}-order-name", items=[item], extra=["张*三"])
        ui.tap(order.part.ids.name_yes)
    assert order.step == "confirm"
    shown = [w.text for w in order.part.ids.rows.walk() if hasattr(w, "text")]
    for expected in ("Type", "Help", "Service", "Your request", "Phone", "护照丢了", "13912345678"):
        assert any(expected in t for t in shown), (expected, shown)
    check(f"{prefix}-order-confirm", items=[item], extra=["护照丢了", "张*三"])
    ui.tap(order.part.ids.submit_btn)
    ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
    done = ui.screen
    ui.wait_until(lambda: done.print_text and done.print_text != "正在打印回执…", timeout=10)
    assert done.ids.headline.text in ("Sent. Staff will reply in time.",
                                      "Saved on this kiosk; it is sent once the network is back.")
    assert done.ids.code.text.startswith("Tracking code") and done.ids.deadline.text.startswith("Deadline: Reply within")
    assert done.ids.print_text.text == "Please take the receipt from the printer slot."
    check(f"{prefix}-order-receipt")
    code = done.session.data["order_done"][0].code
    assert _qr_on_screen(ui, f"{prefix}-order-receipt-qr").endswith(f"/orders/status?lang=en#{code}")   # the page in English
    ui.app.toggle_language()                                      # 中文 on the receipt screen: the QR follows
    ui.frames(2)
    assert _qr_on_screen(ui, f"{prefix}-order-receipt-qr-zh").endswith(f"/orders/status#{code}")
    assert done.ids.deadline.text.startswith("答复时限")
    ui.app.toggle_language()
    ui.frames(2)


def _qr_on_screen(ui, shot: str) -> str:
    from PIL import Image
    from pyzbar.pyzbar import decode
    [found] = decode(Image.open(ui.screenshot(shot)))
    return found.data.decode()


def test_the_work_order_form_in_english(make_ui, tmp_path, hub):
    """GIVEN English WHEN a visitor leaves a request from an item's guide THEN every step, the
    summary and the receipt screen are in English, nothing overflows and no word is cut; the
    order itself keeps the hall's Chinese category (the hub's staff read it)."""
    ui, printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        to_english(ui)
        _order_walk(ui, "en")
        [kept] = hub.orders.listing()
        assert kept["category"] == "求助"
        import sqlalchemy as sa
        from helpdesk.orders import orders
        with hub.orders.engine.connect() as db:                  # its SMS notices will be in English
            assert db.execute(sa.select(orders.c.lang).where(orders.c.id == kept["id"])).scalar() == "en"
        assert len(printer.jobs) == 1
        ui.tap(ui.screen.ids.finish_btn)
        assert ui.app.manager.current == "home"
    finally:
        _stop(ui)


def test_the_work_order_form_in_english_large_text(make_ui, tmp_path):
    """The same walk in large text, identified (the name step), with the hub away (saved)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, f"ws://127.0.0.1:{closed_port}")
    try:
        to_english(ui)
        ui.tap(ui.screen.ids.tile_large)
        assert ui.app.theme.large and ui.screen.ids.tile_lookup.text == "Track request"
        assert_english(ui, "en-large-home-with-lookup")
        ui.kiosk.session.set_identity(SimpleNamespace(masked_name="张*三", masked_number="3701**********123X",
                                                      wiped=False))
        _order_walk(ui, "en-large")
        assert ui.screen.ids.headline.text.startswith("Saved on this kiosk")
        [kept] = ui.kiosk.records.outbox.pending()
        assert kept.payload["category"] == "求助" and kept.payload["name_masked"] == "张*三"
        assert kept.payload["lang"] == "en"
    finally:
        _stop(ui)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_the_rating_screen_in_english(make_ui, tmp_path, hub, large):
    """GIVEN English WHEN a guide prints THEN the rating asks in English; Unhappy shows the reasons
    in English, Send rating without one asks for one, and the hub gets the reason in Chinese."""
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        to_english(ui)
        prefix = "en-large-rate" if large else "en-rate"
        if large:
            ui.tap(ui.screen.ids.tile_large)
        ui.kiosk.session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.screen.ids.print_btn)
        ui.wait_until(lambda: ui.app.manager.current == "rate", timeout=10)
        rate = ui.screen
        assert rate.ids.prompt.text.startswith("Were you happy with this service guide?")
        assert "printer slot" in rate.ids.notice.text
        assert_english(ui, f"{prefix}-ask")
        ui.tap(rate.ids.score2)
        assert rate.asking and rate.ids.prompt.text == "We are sorry. What went wrong?"
        ui.tap(rate.ids.submit_btn)
        assert rate.message == 'Please choose at least one, or tap "Skip".'
        assert_english(ui, f"{prefix}-reasons")
        bar = [w for w in rate.walk(restrict=True) if w.__class__.__name__ == "NavBar"][0]
        for shown in (rate.ids.prompt, rate.ids.message, rate.ids.skip_btn):      # nothing under the bar
            assert shown.top <= bar.y + 1 and shown.y >= -1, (shown, shown.pos, bar.y)
        reasons = {b.text: b for b in rate.ids.reasons.children}
        assert "Waited too long" in reasons, list(reasons)
        ui.tap(reasons["Waited too long"])
        ui.tap(rate.ids.submit_btn)
        assert ui.app.manager.current == "item"
        assert "Thank you for your rating!" in ui.app.root.notice
        _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
        import sqlalchemy as sa
        from helpdesk.orders import ratings
        with hub.orders.engine.connect() as db:
            rows = [(r.score, r.target_kind, r.target_id) for r in db.execute(sa.select(ratings))]
        assert rows == [(2, "guide", "SI-0049")]
    finally:
        _stop(ui)


def test_the_order_lookup_in_english(make_ui, tmp_path, hub):
    """GIVEN an answered order WHEN the visitor taps Track request and types the code THEN
    the hint, the result's frame and the buttons are English; the hub's status words are
    translated, the staff's reply is as they wrote it; a switch to 中文 makes the found status again in Chinese."""
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        records = ui.kiosk.records
        done = records.submit_order("投诉", "窗口排队太久", "13912345678")
        sent = records.wait_sent(done.record_id, 10)
        assert sent is not None and sent.taken
        [order] = hub.orders.listing()
        reply = "已约谈窗口负责人，下周起增设一个窗口。"
        hub.orders.act(order["id"], "王芳", "reply", reply)
        to_english(ui)
        ui.tap(ui.screen.ids.tile_lookup)
        look = ui.screen
        assert ui.app.manager.current == "order_lookup"
        ui.wait_until(lambda: ui.keyboard() is not None and ui.keyboard().parent is not None)
        vk = ui.keyboard()
        ui.wait_until(lambda: vk.composer.mode.value == "ABC")
        ui.frames(2)
        assert look.ids.status.text.startswith("Enter the tracking code")
        assert_english(ui, "en-lookup-empty")
        for ch in done.code.lower():
            ui.tap_key(ch)
        ui.tap(look.ids.query_btn)
        ui.wait_until(lambda: not look.busy, timeout=10)
        assert look.found and look.ids.status.text == f"Request {sent.number} (Complaint): Answered"
        assert "Deadline: " in look.result and f"Staff reply: {reply}" in look.result
        assert_english(ui, "en-lookup-found", extra=[reply])
        ui.tap(button(ui.app.root, SWITCH))                    # 中文: the found status, made again
        assert look.ids.status.text.startswith(f"工单编号 {sent.number}（投诉）") and "工作人员的答复" in look.result
        ui.tap(button(ui.app.root, "EN"))
        assert look.ids.status.text.startswith(f"Request {sent.number}")
        ui.tap(look.ids.again_btn)
        look.ids.field.text = "WRONGCODE0"
        ui.tap(look.ids.query_btn)
        ui.wait_until(lambda: not look.busy, timeout=10)
        assert look.ids.status.text.startswith("This tracking code was not found")
        assert_english(ui, "en-lookup-wrong")
    finally:
        _stop(ui)
