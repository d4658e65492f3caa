# SPDX-License-Identifier: Apache-2.0
"""结束办理 offers the rating first (GB/T 39734 5.1.3), through Kivy's input path: the identity
banner's 结束办理, 首页's 结束并清除 and the countdown's 结束办理 show the rating screen when the
session did business; a bad rating asks why; 跳过 and the rating's idle timeout wipe all the same;
the hub (or the outbox, with the hub down) gets exactly one rating, naming the item, never the
citizen. A session that did nothing ends at once."""
from types import SimpleNamespace

from pixels import frame, text_contrast, window_rect
from ui_kit import overflowing, visible_labels

from test_ui_order import _kiosk_with_records, _stop, _until, hub  # noqa: F401 - hub: the fixture

NAME, NUMBER = "张*三", "3701**********123X"


def _identify(ui):
    ident = SimpleNamespace(masked_name=NAME, masked_number=NUMBER, wiped=False)
    ident.wipe = lambda: setattr(ident, "wiped", True)
    ui.kiosk.session.set_identity(ident)
    ui.wait_until(lambda: ui.app.identity_banner.parent is not None)
    return ident


def _texts(ui):
    return " ".join(w.text for w in visible_labels(ui.app.root))


def _on_rating(ui):
    ui.wait_until(lambda: ui.app.manager.current == "rate")
    ui.frames(2)
    shown = _texts(ui)
    assert "您对本次办理的服务满意吗？" in shown and "评价或跳过后，本次办理结束" in shown, shown
    assert not overflowing(ui.screen)
    return ui.screen


def _wiped(ui, ident):
    ui.wait_until(lambda: ui.app.manager.current == "home")
    assert ui.kiosk.session.identity is None and ident.wiped and ui.kiosk.session.ended_count == 1
    assert ui.app.identity_banner.parent is None and ui.app.home_confirm.parent is None
    shown = _texts(ui)
    assert NAME not in shown and NUMBER not in shown and "已核验身份" not in shown


def test_end_with_a_bad_rating_reaches_the_hub_once_then_wipes(make_ui, tmp_path, hub, monkeypatch):
    """GIVEN an identified citizen who opened an item WHEN they tap the banner's 结束办理 THEN the
    rating asks about 本次办理 (the banner still offers 结束办理); 不满意 asks for reasons and 提交评价
    sends one rating (the item, no identity) to the hub, then the session is wiped and the home
    screen thanks them."""
    import screens.app
    # the notice's 8 s are real time: on a loaded machine they could run out before it is read
    monkeypatch.setattr(screens.app, "NOTICE_SECONDS", 600)
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url)
    try:
        ident = _identify(ui)
        ui.kiosk.session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.app.identity_banner.ids.end_btn)
        rate = _on_rating(ui)
        assert ui.kiosk.session.ended_count == 0 and ui.app.identity_banner.parent is not None
        img = frame(ui.window)
        ratio, _bg, _fg = text_contrast(img, window_rect(rate.ids.notice), inset=2)
        assert ratio >= 4.5                                   # the hint is drawn, and readable
        ui.screenshot("rating-at-end")
        ui.tap(rate.ids.score2)
        assert rate.asking and ui.app.manager.current == "rate"
        ui.tap(rate.ids.submit_btn)                           # no reason yet: it asks again
        assert "请至少选择一个原因" in _texts(ui) and len(ui.kiosk.records.outbox) == 0
        reason = next(b for b in rate.ids.reasons.children if b.reason == "设备不好用")
        ui.tap(reason)
        ui.screenshot("rating-at-end-reasons")
        ui.tap(rate.ids.submit_btn)
        _wiped(ui, ident)
        assert ui.app.root.notice == "谢谢您的评价！" and "谢谢您的评价！" in _texts(ui)
        _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
        import sqlalchemy as sa
        from helpdesk.orders import ratings
        with hub.orders.engine.connect() as db:
            rows = [dict(r._mapping) for r in db.execute(sa.select(ratings))]
        assert [(r["score"], r["target_kind"], r["target_id"], r["reasons"], r["helper"], r["text"])
                for r in rows] == [(2, "session", "SI-0049", '["设备不好用"]', None, None)]
        assert rows[0]["follow_up_due"] is not None                 # a 差评: followed up
    finally:
        _stop(ui)


def test_skip_and_timeout_wipe_and_keep_no_rating_and_idle_sessions_end_at_once(make_ui, tmp_path):
    """GIVEN the hub unreachable (ratings would wait in the outbox) WHEN 首页's 结束并清除 leads to
    the rating and 跳过 is tapped, or the countdown's 结束办理 leads to it and nobody touches it for
    ui.rating_seconds, or the web bar's 结束办理 leads to it and 跳过 THEN the session is wiped and
    no rating is kept; a session that only looked
    around ends at once from the countdown; a citizen who rated once is not asked again."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, f"ws://127.0.0.1:{closed}")
    session, outbox = ui.kiosk.session, ui.kiosk.records.outbox
    try:
        ident = _identify(ui)
        session.set_large_text(True)                          # 适老化: the rating fits in large text
        session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.screen.ids.nav_home if "nav_home" in ui.screen.ids else _home_button(ui))
        ui.wait_until(lambda: ui.app.home_confirm.parent is not None)
        ui.tap(ui.app.home_confirm.ids.clear_btn)             # 结束并清除
        rate = _on_rating(ui)
        assert ui.app.home_confirm.parent is None
        assert rate.ids.skip_btn.y >= 0 and rate.ids.scores.y >= rate.ids.skip_btn.top      # nothing overlaps
        ui.screenshot("rating-at-end-large")
        ui.tap(rate.ids.skip_btn)
        _wiped(ui, ident)
        assert len(outbox) == 0

        # the timeout: the countdown's 结束办理, then nobody touches the rating
        session.go("item", id="SI-0001")
        ui.frames(2)
        ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
        ui.wait_until(lambda: ui.app.overlay.parent is not None)
        ui.tap(ui.app.overlay.ids.end_btn)
        rate = _on_rating(ui)
        assert ui.app.overlay.parent is None
        seconds = ui.kiosk.config["ui.rating_seconds"]
        ui.idle_for(seconds - 1)
        assert ui.app.manager.current == "rate" and session.ended_count == 1 and ui.app.overlay.parent is None
        ui.idle_for(1)
        ui.wait_until(lambda: ui.app.manager.current == "home")
        assert session.ended_count == 2 and session.visited == set() and len(outbox) == 0

        # the web bar's 结束办理 (this kiosk has no browser: the bar is there all the same)
        session.go("web")
        ui.wait_until(lambda: ui.app.manager.current == "web")
        ui.frames(2)                                          # laid out
        ui.tap(ui.screen.ids.end_btn)
        rate = _on_rating(ui)
        ui.tap(rate.ids.skip_btn)
        ui.wait_until(lambda: ui.app.manager.current == "home")
        assert session.ended_count == 3 and len(outbox) == 0

        # nothing done: 结束办理 on the countdown ends at once
        session.go("browse", by="department")
        ui.frames(2)
        ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
        ui.wait_until(lambda: ui.app.overlay.parent is not None)
        ui.tap(ui.app.overlay.ids.end_btn)
        assert session.ended_count == 4 and ui.app.manager.current == "home"

        # rated once (a guide): 结束办理 asks no more
        session.go("item", id="SI-0049")
        session.go("rate", target="guide", target_id="SI-0049")
        ui.frames(2)
        ui.tap(ui.screen.ids.score5)
        assert ui.app.manager.current == "item" and len(outbox) == 1
        ui.idle_for(ui.kiosk.config["ui.idle_seconds"])
        ui.wait_until(lambda: ui.app.overlay.parent is not None)
        ui.tap(ui.app.overlay.ids.end_btn)
        assert session.ended_count == 5 and ui.app.manager.current == "home" and len(outbox) == 1
    finally:
        _stop(ui)


def _home_button(ui):
    from ui_kit import button
    return button(ui.screen, "首页")


def test_the_hall_s_own_reasons_are_offered_and_reach_the_hub(make_ui, tmp_path, hub, monkeypatch):
    """GIVEN a hall whose copy of GB/T 39735 words the reasons its own way (records.bad_reasons)
    WHEN a citizen rates 非常不满意 THEN exactly those reasons are offered, and the one tapped is
    what the hub keeps."""
    import screens.app
    monkeypatch.setattr(screens.app, "NOTICE_SECONDS", 600)
    ui, _printer = _kiosk_with_records(make_ui, tmp_path, hub.url,
                                       **{"records.bad_reasons": ["窗口排队时间长", "材料要求说不清", "其他"]})
    try:
        ident = _identify(ui)
        ui.kiosk.session.go("item", id="SI-0049")
        ui.frames(2)
        ui.tap(ui.app.identity_banner.ids.end_btn)
        rate = _on_rating(ui)
        ui.tap(rate.ids.score1)
        ui.frames(2)
        offered = [b.text for b in reversed(rate.ids.reasons.children)]
        assert offered == ["窗口排队时间长", "材料要求说不清", "其他"]
        assert all(t in _texts(ui) for t in offered)                    # on the screen
        ui.tap(next(b for b in rate.ids.reasons.children if b.reason == "材料要求说不清"))
        ui.tap(rate.ids.submit_btn)
        _wiped(ui, ident)
        _until(lambda: len(ui.kiosk.records.outbox) == 0, "the hub took the rating")
        import sqlalchemy as sa
        from helpdesk.orders import ratings
        with hub.orders.engine.connect() as db:
            assert db.execute(sa.select(ratings.c.reasons)).scalar() == '["材料要求说不清"]'
    finally:
        _stop(ui)
