# SPDX-License-Identifier: Apache-2.0
"""留言（工单） at the kiosk, end to end: taps through Kivy's input path on the form (category,
description typed in pinyin, phone on the 123 keys, the summary), 确认提交 into the real outbox,
sent to the real hub (aiohttp, the kiosk's token, the SQLAlchemy store); the receipt on screen
and on the receipt printer; the hub's status page answers the printed 查询码. With the hub
unreachable the receipt still prints and the screen says only what is true."""
import re
import sys
import urllib.request
from pathlib import Path

import pytest

from ui_kit import enter_key_text, overflowing, ready_keyboard
from drivers.receipt_printer import create_printer
from kiosk.records import new_key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assist"))
from assist_testkit import KIOSKS, TEST_TOKEN, HubThread  # noqa: E402

from test_ui_ime import candidate  # noqa: E402


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


def _kiosk_with_records(make_ui, tmp_path, hub_url, **more):
    from kiosk.records.service import build_records

    ui = make_ui(**{"assist.hub_url": hub_url, "assist.hub_token": TEST_TOKEN, "hall.terminal_id": KIOSKS[0],
                    "records.folder": str(tmp_path / "records"), "records.outbox_key": new_key(), **more})
    ui.kiosk.records = build_records(ui.kiosk.config)
    ui.kiosk.records.sender.first_pause = 0.05
    printer = create_printer("sim://", name="receipt_printer")
    printer.open()
    ui.kiosk.devices = {"receipt_printer": printer}
    ui.app.screens["home"].show()             # wiring builds the records before the app: as if so
    ui.frames(2)
    return ui, printer


def _stop(ui):
    ui.kiosk.records.stop()


def _fill_form(ui, phone_keys="13912345678"):
    """From the item page: 留言/提交诉求, 求助, 护照丢了 in pinyin, a wrong then a right phone."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    item = ui.screen
    assert item.ids.order_btn.parent is not None
    ui.tap(item.ids.order_btn)
    order = ui.screen
    assert ui.app.manager.current == "order" and order.step == "category"
    assert "普通护照签发" in order.part.children[-2].text            # 关于事项：the item
    ui.screenshot("order-category")
    ui.tap(order.part.ids.cat_help)
    assert order.step == "describe"
    vk = ready_keyboard(ui)
    ui.tap(order.part.ids.next_btn)                                     # empty: a message, no step
    assert order.step == "describe" and "请先写下" in order.message
    for letters, word in (("huzhao", "护照"), ("diule", "丢了")):
        for key in letters:
            ui.tap_key(key)
        ui.tap(candidate(vk, word))
    assert order.part.ids.field.text == "护照丢了" and order.count == 4
    assert "4/500" in order.part.ids.top.ids.counter.text
    assert enter_key_text(vk) == "换行"                                  # the description takes new lines
    ui.screenshot("order-describe")
    assert not overflowing(order)
    ui.tap(order.part.ids.next_btn)
    assert order.step == "phone"
    ui.wait_until(lambda: vk.composer.mode.value == "123")             # the field asks for digits
    ui.frames(2)
    assert enter_key_text(vk) == "下一步"
    for key in "12345":
        ui.tap_key(key)
    ui.tap(order.part.ids.next_btn)
    assert order.step == "phone" and "电话号码不对" in order.message
    ui.screenshot("order-phone-wrong")
    order.part.ids.field.text = ""
    for key in phone_keys:
        ui.tap_key(key)
    ui.tap(order.part.ids.next_btn)
    assert order.step == "confirm"                                      # not identified: no name step
    shown = [w.text for w in order.part.ids.rows.walk() if hasattr(w, "text")]
    from kiosk.records import normalise_phone
    for expected in ("求助", "普通护照签发", "护照丢了", normalise_phone(phone_keys), "不留姓名"):
        assert any(expected in t for t in shown), expected
    ui.screenshot("order-confirm")
    return order


def test_an_order_from_an_item_reaches_the_hub_and_the_receipt_prints(make_ui, tmp_path, hub):
    """GIVEN a kiosk wired to the real hub WHEN the citizen fills the form and taps 确认提交
    THEN nothing was sent before, the hub has the order once, the screen says 已提交 with the
    number and the 查询码, the receipt prints them, and the status page answers that code."""
    ui, printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        order = _fill_form(ui)
        assert hub.orders.listing() == [] and len(ui.kiosk.records.outbox) == 0    # nothing before 确认提交
        ui.tap(order.part.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
        done = ui.screen
        assert done.headline.startswith("已提交")
        [kept] = hub.orders.listing()
        assert done.number == kept["number"] and done.ids.number.text == "工单编号：" + kept["number"]
        code = done.code.replace(" ", "")
        assert re.fullmatch(r"[A-Z2-9]{10}", code)
        ui.wait_until(lambda: done.print_text == "请在出纸口取走回执。", timeout=10)
        assert len(printer.jobs) == 1
        out = printer.output
        assert done.code.encode("gb18030") in out and kept["number"].encode() in out
        assert "13912345678".encode() not in out and "护照丢了".encode("gb18030") not in out
        ui.screenshot("order-receipt")
        assert not overflowing(done)
        page = urllib.request.urlopen(f"{hub.http}/orders/status?code={code}").read().decode()
        assert "已受理，等待分派" in page and "13912345678" not in page
        with hub.orders.engine.connect() as db:
            import sqlalchemy as sa
            from helpdesk.orders import orders
            row = db.execute(sa.select(orders)).one()
        assert row.phone == "13912345678" and row.description == "护照丢了" and row.item_id == "SI-0049"
        assert code not in str(tuple(row))                                  # only the code's hash
        ui.tap(done.ids.finish_btn)
        assert ui.app.manager.current == "home"
    finally:
        _stop(ui)


def test_with_the_hub_unreachable_the_receipt_prints_and_says_saved(make_ui, tmp_path):
    """GIVEN the hub cannot be reached WHEN the citizen submits THEN the screen says 已保存，
    联网后自动提交 (never 已提交), the receipt prints with the 查询码, and the outbox keeps the
    order with the phone number encrypted."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ui, printer = _kiosk_with_records(make_ui, tmp_path, f"ws://127.0.0.1:{closed_port}")
    try:
        order = _fill_form(ui, "063152012345")
        ui.tap(order.part.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
        done = ui.screen
        assert done.headline == "已保存在本机，联网后自动提交。" and "已提交" not in done.headline
        assert done.number == "" and "凭查询码" in done.ids.number.text
        ui.wait_until(lambda: done.print_text == "请在出纸口取走回执。", timeout=10)
        assert done.code.encode("gb18030") in printer.output
        ui.screenshot("order-receipt-offline")
        assert len(ui.kiosk.records.outbox) == 1
        raw = b"".join(p.read_bytes() for p in (tmp_path / "records").iterdir())
        assert b"5201234" not in raw and "护照丢了".encode() not in raw           # sealed at rest
        printed_code = done.code.replace(" ", "")
        ui.kiosk.session.end("test")
        ui.frames(2)
        assert done.code == "" and ui.kiosk.session.data == {}
        # the hub comes up on that address: the kept order goes, and the printed code shows it
        from helpdesk.orders import OrderStore, upgrade
        url = f"sqlite:///{tmp_path / 'orders.db'}"
        upgrade(url)
        hub = HubThread(tmp_path)
        hub.orders, hub.port = OrderStore(url), closed_port
        ui.kiosk.records.sender.max_pause = 0.5
        hub.start()
        try:
            _until(lambda: len(ui.kiosk.records.outbox) == 0, "the outbox delivered after the hub came up")
            page = urllib.request.urlopen(f"{hub.http}/orders/status?code={printed_code}").read().decode()
            assert "已受理，等待分派" in page
        finally:
            hub.close()
    finally:
        _stop(ui)


def _until(pred, what, limit=30.0):
    import time
    end = time.monotonic() + limit
    while not pred():
        assert time.monotonic() < end, f"never: {what}"
        time.sleep(0.05)


def test_large_text_from_a_missed_call_with_the_name_offered(make_ui, tmp_path):
    """GIVEN large-text mode, an identified citizen and a helper call that did not connect WHEN
    留言（工单） is tapped THEN every step fits in large print, the name is offered masked (张*三)
    and only with 写上姓名 does it go on the summary; nothing is kept before 确认提交."""
    import socket
    from types import SimpleNamespace

    from kivy.metrics import dp
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, f"ws://127.0.0.1:{closed_port}")
    try:
        ui.tap(ui.screen.ids.tile_large)
        assert ui.screen.ids.tile_lookup.opacity == 1 and not overflowing(ui.screen)
        ui.screenshot("large-home-with-lookup")
        ui.kiosk.session.set_identity(SimpleNamespace(masked_name="张*三", masked_number="3701**********123X",
                                                      wiped=False))
        ui.kiosk.session.go("assist_fallback", reason="no_helper")
        ui.frames(3)
        fallback = ui.screen
        assert fallback.ids.order_btn.opacity == 1
        ui.tap(fallback.ids.order_btn)
        order = ui.screen
        assert order.step == "category" and not overflowing(order)
        for name in ("cat_consult", "cat_help", "cat_complaint", "cat_suggestion"):
            assert order.part.ids[name].height >= dp(60)
        ui.screenshot("large-order-category")
        ui.tap(order.part.ids.cat_consult)
        vk = ready_keyboard(ui)
        for key in "shebaoka":
            ui.tap_key(key)
        ui.tap(candidate(vk, "社保卡"))
        assert order.part.ids.field.text == "社保卡"
        ui.frames(2)
        assert not overflowing(order) and order.part.ids.next_btn.height >= dp(60)
        nx, ny = order.part.ids.next_btn.to_window(*order.part.ids.next_btn.pos)
        assert ny >= vk.top - 1                                     # 下一步 sits above the keyboard
        ui.screenshot("large-order-describe")
        ui.tap(order.part.ids.next_btn)
        ui.wait_until(lambda: vk.composer.mode.value == "123")
        ui.frames(2)
        for key in "13800138000":
            ui.tap_key(key)
        ui.tap(order.part.ids.next_btn)
        assert order.step == "name"
        ui.screenshot("large-order-name")
        assert not overflowing(order)
        ui.tap(order.part.ids.name_yes)
        assert order.step == "confirm"
        shown = [w.text for w in order.part.ids.rows.walk() if hasattr(w, "text")]
        assert "张*三" in shown and "咨询" in shown and "社保卡" in shown
        assert len(ui.kiosk.records.outbox) == 0                     # nothing kept before 确认提交
        ui.screenshot("large-order-confirm")
        assert not overflowing(order)
        ui.tap(order.part.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_done", timeout=10)
        [kept] = ui.kiosk.records.outbox.pending()
        assert kept.payload["name_masked"] == "张*三" and kept.payload["category"] == "咨询"
        assert kept.phone == "13800138000" and kept.payload["item_id"] is None
        ui.screenshot("large-order-receipt")
        assert not overflowing(ui.screen)
        ui.tap(ui.screen.ids.nav_back if "nav_back" in ui.screen.ids else ui.screen.ids.finish_btn)
    finally:
        _stop(ui)


def test_a_printed_guide_can_be_rated_once(make_ui, tmp_path, hub):
    """GIVEN the hub WHEN an item's guide prints THEN 服务评价 asks once (the notice says where
    the paper is), 满意 is one tap back to the item, and the hub has the rating of that guide."""
    ui, printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        ui.kiosk.session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.screen.ids.print_btn)
        ui.wait_until(lambda: ui.app.manager.current == "rate", timeout=10)
        rate = ui.screen
        assert "办事指南" in rate.ids.prompt.text and rate.notice == "请在出纸口取走您的办事指南。"
        assert len(printer.jobs) == 1
        ui.screenshot("rating-after-guide")
        assert not overflowing(rate)
        ui.tap(rate.ids.score4)
        assert ui.app.manager.current == "item"
        _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
        import sqlalchemy as sa
        from helpdesk.orders import ratings
        with hub.orders.engine.connect() as db:
            rows = [(r.score, r.target_kind, r.target_id) for r in db.execute(sa.select(ratings))]
        assert rows == [(4, "guide", "SI-0049")]
        ui.tap(ui.screen.ids.print_btn)                         # printed already: no second rating
        ui.wait_until(lambda: "已经打印好了" in ui.app.root.notice, timeout=10)
        assert ui.app.manager.current == "item"
    finally:
        _stop(ui)


def test_the_citizen_checks_an_order_at_the_kiosk_with_the_code(make_ui, tmp_path, hub):
    """GIVEN an order the hub has and the staff answered WHEN the citizen taps 留言查询 on home and
    types the 查询码 on the ABC keys (lower case is fine) THEN the status and the staff's reply
    show, never the phone or the description; five wrong codes from this terminal ask for a pause."""
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        records = ui.kiosk.records
        done = records.submit_order("投诉", "窗口排队太久", "13912345678")
        sent = records.wait_sent(done.record_id, 10)
        assert sent is not None and sent.taken
        [order] = hub.orders.listing()
        hub.orders.act(order["id"], "王芳", "reply", "已约谈窗口负责人，下周起增设一个窗口。")
        assert ui.screen.ids.tile_lookup.opacity == 1 and not overflowing(ui.screen)
        ui.screenshot("home-with-lookup")
        ui.tap(ui.screen.ids.tile_lookup)
        look = ui.screen
        assert ui.app.manager.current == "order_lookup"
        ui.wait_until(lambda: ui.keyboard() is not None and ui.keyboard().parent is not None)
        vk = ui.keyboard()
        ui.wait_until(lambda: vk.composer.mode.value == "ABC")
        ui.frames(2)
        for ch in done.code.lower():
            ui.tap_key(ch)
        assert look.ids.field.text == done.code.lower()
        ui.tap(look.ids.query_btn)
        ui.wait_until(lambda: not look.busy, timeout=10)
        assert look.found and sent.number in look.status and "已答复" in look.status
        assert "已约谈窗口负责人" in look.result and "13912345678" not in look.result + look.status
        assert "窗口排队太久" not in look.result + look.status
        ui.screenshot("order-lookup")
        assert not overflowing(look)
        ui.tap(look.ids.again_btn)
        for n in range(6):
            look.ids.field.text = f"WRONGCODE{n}"
            ui.tap(look.ids.query_btn)
            ui.wait_until(lambda: not look.busy, timeout=10)
        assert look.status == "输错次数较多，请过几分钟再试，或到服务台咨询。" and not look.found
        look.ids.field.text = done.code                         # even the right code waits now
        ui.tap(look.ids.query_btn)
        ui.wait_until(lambda: not look.busy, timeout=10)
        assert not look.found
    finally:
        _stop(ui)
