# SPDX-License-Identifier: Apache-2.0
"""好差评 of a finished work order at the kiosk (GB/T 39734), through Kivy's input path: the
citizen looks up an answered order with its 查询码 and the lookup offers 评价本次办理 once; the
rating screen asks about 这张工单的办理, a bad rating asks why, and the hub gets one rating of
the order, opens its follow-up and queues the follow-up SMS. Back on the lookup, and on a new
lookup of the same order, no second rating is offered."""
import sqlalchemy as sa

from ui_kit import overflowing, visible_labels

from test_ui_order import _kiosk_with_records, _stop, _until, hub  # noqa: F401 - hub: the fixture


def _texts(ui):
    return " ".join(w.text for w in visible_labels(ui.app.root))


def _look_up(ui, look, code):
    look.ids.field.text = ""
    for ch in code.lower():                         # the ABC keys; lower case is fine
        ui.tap_key(ch)
    ui.tap(look.ids.query_btn)
    ui.wait_until(lambda: not look.busy, timeout=10)
    ui.frames(2)
    assert look.found, look.status


def test_a_finished_order_is_rated_once_from_the_lookup_and_the_bad_rating_is_followed_up(make_ui, tmp_path, hub):
    from helpdesk.orders import ratings, sms_queue
    from helpdesk.sms import SmsConfig

    hub.orders.notices = SmsConfig(enabled=True, url="http://127.0.0.1:9/sms", status_url="https://hall.example/s")
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        records = ui.kiosk.records
        done = records.submit_order("投诉", "窗口排队太久", "13912345678")
        sent = records.wait_sent(done.record_id, 10)
        assert sent is not None and sent.taken
        [order] = hub.orders.listing()
        ui.tap(ui.screen.ids.tile_lookup)
        look = ui.screen
        ui.wait_until(lambda: ui.keyboard() is not None and ui.keyboard().parent is not None)
        ui.wait_until(lambda: ui.keyboard().composer.mode.value == "ABC")
        _look_up(ui, look, done.code)
        assert "已受理" in look.status and "评价本次办理" not in _texts(ui)        # not finished: no rating
        hub.orders.act(order["id"], "王芳", "reply", "已约谈窗口负责人，下周起增设一个窗口。")
        hub.orders.act(order["id"], "王芳", "close")
        ui.tap(look.ids.again_btn)
        _look_up(ui, look, done.code)
        assert "已办结" in look.status and "评价本次办理" in _texts(ui) and not overflowing(look)
        ui.screenshot("order-lookup-rate")
        ui.tap(look.ids.rate_btn)
        ui.wait_until(lambda: ui.app.manager.current == "rate")
        ui.frames(2)
        rate = ui.screen
        assert "您对这张工单的办理满意吗？" in _texts(ui) and not overflowing(rate)
        ui.tap(rate.ids.score1)
        ui.tap(next(b for b in rate.ids.reasons.children if b.reason == "办理时间超时"))
        ui.screenshot("order-rating-reasons")
        ui.tap(rate.ids.submit_btn)
        ui.wait_until(lambda: ui.app.manager.current == "order_lookup")
        ui.frames(2)
        shown = _texts(ui)
        assert "谢谢您的评价！" in shown and "已办结" in shown and "评价本次办理" not in shown
        _until(lambda: len(records.outbox) == 0, "the hub took the rating")
        with hub.orders.engine.connect() as db:
            rows = [dict(r._mapping) for r in db.execute(sa.select(ratings))]
            events = [r.event for r in db.execute(sa.select(sms_queue.c.event).order_by(sms_queue.c.seq))]
        assert [(r["score"], r["target_kind"], r["target_id"], r["reasons"]) for r in rows] == [
            (1, "order", sent.number, '["办理时间超时"]')]
        assert rows[0]["follow_up_due"] is not None and events[-1] == "follow_up"
        ui.tap(look.ids.again_btn)                          # the hub says it was rated: not offered again
        session_marks = ui.kiosk.session.data.pop("rated_orders")
        assert session_marks == {sent.number}
        _look_up(ui, look, done.code)
        assert "已办结" in look.status and "评价本次办理" not in _texts(ui) and not look.can_rate
    finally:
        _stop(ui)
