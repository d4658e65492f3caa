# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办 with a fake AssistService: consent, queue, banner, fallback, the call."""
from aui_helpers import overflowing


def _to_item(ui):
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    assert ui.app.manager.current == "item"


def _call(ui):
    ui.tap(ui.screen.ids.nav.ids.help_btn)     # the one help button, in the top bar
    assert ui.app.manager.current == "assist_consent"


def test_decline_returns_where_they_were(assist_ui):
    """GIVEN an item's guide WHEN 呼叫帮办 then 不用了 THEN back on the same guide, nothing requested."""
    ui = assist_ui
    _to_item(ui)
    _call(ui)
    assert not overflowing(ui.screen)
    ui.screenshot("assist-consent")
    ui.tap(ui.screen.ids.decline_btn)
    assert ui.app.manager.current == "item" and ui.screen.item_id == "SI-0049"
    assert ui.service.calls == []


def test_queue_banner_and_cancel(assist_ui):
    """GIVEN consent WHEN queued THEN the wait screen shows place and estimate; 继续浏览 shows
    the banner on other screens; 取消 there cancels and removes it."""
    ui = assist_ui
    _to_item(ui)
    _call(ui)
    ui.tap(ui.screen.ids.accept_btn)
    ui.frames(2)
    assert ui.service.calls == [("request", False)]
    assert ui.app.manager.current == "assist_wait"
    ui.service.set(state="queued", position=3, estimate_s=150)
    ui.frames(2)
    assert ui.screen.ids.headline.text == "前面还有 2 位，预计等待约 3 分钟"
    assert not overflowing(ui.screen)
    ui.screenshot("assist-wait")
    ui.tap(ui.screen.ids.browse_btn)
    assert ui.app.manager.current == "item"
    banner = ui.ctl.banner
    assert banner.parent is ui.window and "前面还有 2 位" in banner.ids.label.text
    ui.kiosk.session.home()
    ui.frames(2)
    assert banner.parent is ui.window and ui.window.children[0] is banner
    ui.screenshot("assist-banner")
    ui.tap(banner.ids.stop_btn)
    ui.frames(2)
    assert ui.service.calls[-1] == ("cancel",) and banner.parent is None
    assert ui.app.manager.current == "home"


def test_cancel_on_wait_screen_returns(assist_ui):
    ui = assist_ui
    _to_item(ui)
    _call(ui)
    ui.tap(ui.screen.ids.accept_btn)
    ui.frames(2)
    ui.tap(ui.screen.ids.cancel_btn)
    ui.frames(2)
    assert ui.app.manager.current == "item" and ui.ctl.banner.parent is None


def test_no_helper_offers_callback_and_qr(assist_ui):
    """GIVEN waiting WHEN the hub says no_helper THEN plain words, a keypad for a call-back
    number (kept in session memory, wiped at the end) and a QR code."""
    ui = assist_ui
    _to_item(ui)
    _call(ui)
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="queued", position=1, estimate_s=None)
    ui.frames(2)
    ui.service.set(state="no_helper")
    ui.frames(3)
    scr = ui.screen
    assert ui.app.manager.current == "assist_fallback"
    assert "没有空闲的帮办人员" in scr.ids.reason.text and scr.qr is not None
    for key in "1380013":
        ui.tap(scr.ids.pad.keys[key])
    ui.tap(scr.ids.submit_btn)
    assert "11 位手机号" in scr.message
    for key in "8000":
        ui.tap(scr.ids.pad.keys[key])
    assert scr.ids.number.text == "138 0013 8000"
    assert not overflowing(scr)
    ui.screenshot("assist-no-helper")
    ui.tap(scr.ids.submit_btn)
    assert ui.kiosk.session.data["assist_callback"] == "13800138000"
    assert "暂存在本机" in scr.message and scr.ids.pad.text == ""
    ui.tap(ui.app.manager.current_screen.children[0].children[-1].children[-1])   # 返回
    assert ui.app.manager.current == "item"
    ui.kiosk.session.end("finished")
    ui.frames(2)
    assert "assist_callback" not in ui.kiosk.session.data and scr.message == ""


def test_timeout_while_browsing_opens_alternatives(assist_ui):
    ui = assist_ui
    _to_item(ui)
    _call(ui)
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="queued", position=2, estimate_s=30)
    ui.frames(2)
    ui.tap(ui.screen.ids.browse_btn)
    ui.service.set(state="timeout")
    ui.frames(3)
    assert ui.app.manager.current == "assist_fallback"
    assert "等候时间较长" in ui.screen.ids.reason.text and ui.ctl.banner.parent is None
    ui.kiosk.session.back()
    ui.frames(2)
    assert ui.app.manager.current == "item"


def test_the_place_in_the_queue_is_spoken_as_it_changes(assist_ui):
    """With voice on, the wait screen says the citizen's place when it changes (前面还有 2 位 →
    您是下一位), once per change, not on every update from the hub."""
    from drivers import registry
    from kiosk.voice import Voice, VoiceGuide

    ui = assist_ui
    audio = registry.create("audio", "audio", "sim://")
    registry.open_device(audio)
    ui.kiosk.devices["audio"] = audio
    ui.kiosk.voice = VoiceGuide(Voice(), audio, ui.kiosk.session, always=True)
    _to_item(ui)
    _call(ui)
    ui.tap(ui.screen.ids.accept_btn)
    ui.frames(2)
    assert audio.wait_played(1, 20)
    ui.service.set(state="queued", position=3, estimate_s=150)
    ui.frames(2)
    ui.wait_until(lambda: audio.played[-1][0] == "queue:place", timeout=20)
    heard = len(audio.played)
    ui.service.set(state="queued", position=3, estimate_s=140)        # the same place: nothing new
    ui.frames(2)
    ui.service.set(state="queued", position=1, estimate_s=30)
    ui.frames(2)
    assert audio.wait_played(heard + 1, 20) and audio.played[-1][0] == "queue:place"
    assert len(audio.played) == heard + 1 and audio.played[-1][2] > 2000
