# SPDX-License-Identifier: Apache-2.0
"""留电回拨 on the fallback screen with a service that sends the number to the hub
(the fake below answers the Future the way the real AssistService would)."""
import concurrent.futures

import pytest

from aui_helpers import overflowing
from fake_assist import FakeAssistService


class CallbackService(FakeAssistService):
    """The fake plus ``request_callback``: the test settles each Future itself."""

    def __init__(self):
        super().__init__()
        self.pending: list[concurrent.futures.Future] = []

    def request_callback(self, phone, large_text=False, reason=""):
        self.calls.append(("request_callback", phone, large_text, reason))
        fut = concurrent.futures.Future()
        self.pending.append(fut)
        return fut


class Refused(Exception):
    reason = "hub_unreachable"


@pytest.fixture
def cb_ui(make_ui):
    from screens import assist_flow

    drv = make_ui()
    drv.service = CallbackService()
    drv.ctl = assist_flow.attach(drv.app, service=drv.service)
    drv.kiosk.session.home()
    drv.frames(2)
    return drv


def _fallback(ui, reason="no_helper"):
    ui.tap(ui.screen.ids.tile_assist)
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="queued", position=1, estimate_s=None)
    ui.frames(2)
    ui.service.set(state=reason)
    ui.frames(3)
    assert ui.app.manager.current == "assist_fallback"
    return ui.screen


def _type(ui, scr, digits):
    for key in digits:
        ui.tap(scr.ids.pad.keys[key])


def test_number_is_sent_and_confirmed(cb_ui):
    """GIVEN no helper WHEN the citizen types a mobile number and presses 提交号码 THEN the
    service gets it once (with the reason), the button waits, and on the hub's answer the
    screen says 已登记…回电; nothing of the number stays on the kiosk."""
    ui = cb_ui
    scr = _fallback(ui)
    _type(ui, scr, "12912345678")
    ui.tap(scr.ids.submit_btn)
    assert "11 位手机号" in scr.message and ui.service.pending == []
    ui.tap(scr.ids.pad.keys["清空"])
    _type(ui, scr, "13812345678")
    assert scr.ids.number.text == "138 1234 5678"
    ui.tap(scr.ids.submit_btn)
    assert ui.service.calls[-1] == ("request_callback", "13812345678", False, "no_helper")
    assert scr.sending and scr.ids.submit_btn.disabled and "正在登记" in scr.message
    assert scr.ids.pad.text == ""
    ui.tap(scr.ids.submit_btn)                          # disabled: no second request
    assert len(ui.service.pending) == 1
    ui.service.pending[0].set_result(17)                # the service thread settles it
    ui.frames(3)
    assert scr.message == "已登记，工作人员会尽快给您回电。" and not scr.sending
    assert not scr.ids.submit_btn.disabled and not overflowing(scr)
    ui.screenshot("assist-callback-saved")
    assert "assist_callback" not in ui.kiosk.session.data and scr.ids.pad.text == ""


def test_failure_tells_the_hall_phone_and_keeps_the_number_until_session_end(cb_ui):
    """GIVEN the hub unreachable WHEN the number is submitted THEN 暂时无法登记，请拨打 <hall
    phone> 或到服务台咨询; the number is back on the keypad for another try, and the session's
    end wipes it."""
    ui = cb_ui
    ui.kiosk.session.set_large_text(True)               # elder mode: the longest text must fit
    scr = _fallback(ui, "timeout")
    _type(ui, scr, "01012345678")
    ui.tap(scr.ids.submit_btn)
    assert ui.service.calls[-1] == ("request_callback", "01012345678", True, "timeout")
    ui.service.pending[0].set_exception(Refused())
    ui.frames(3)
    phone = ui.kiosk.config["hall.phone"]
    assert scr.ids.message.text == f"暂时无法登记，请拨打 {phone} 或到服务台咨询。"
    assert scr.warn and not scr.sending and scr.ids.pad.text == "01012345678"
    assert not overflowing(scr)
    ui.screenshot("assist-callback-failed")
    ui.tap(scr.ids.submit_btn)                          # another try, this time it works
    ui.service.pending[1].set_result(18)
    ui.frames(3)
    assert scr.message.startswith("已登记") and scr.ids.pad.text == ""
    # a failure, then the session ends: the number is wiped
    _type(ui, scr, "13812345678")
    ui.tap(scr.ids.submit_btn)
    ui.service.pending[2].set_exception(Refused())
    ui.frames(3)
    assert scr.ids.pad.text == "13812345678"
    ui.kiosk.session.end("finished")
    ui.frames(2)
    assert scr.ids.pad.text == "" and scr.message == ""


def test_late_answer_after_session_end_is_dropped(cb_ui):
    """GIVEN a number on its way WHEN the session ends before the hub answers THEN the answer
    does not reach the next citizen's screen (and does not put the number back)."""
    ui = cb_ui
    scr = _fallback(ui)
    _type(ui, scr, "13812345678")
    ui.tap(scr.ids.submit_btn)
    ui.kiosk.session.end("timeout")
    ui.frames(2)
    ui.service.pending[0].set_exception(Refused())
    ui.frames(3)
    assert scr.ids.pad.text == "" and scr.message == "" and not scr.sending
