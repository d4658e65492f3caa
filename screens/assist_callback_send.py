# SPDX-License-Identifier: Apache-2.0
"""留电回拨 from the call screens (screens/assist_fallback.py through the controller): the
citizen's number goes to the hub when the assist service can send it, else it stays in the
session's memory (wiped at its end) and the citizen is sent to the service desk."""
from __future__ import annotations

import logging

from kivy.clock import Clock

from kiosk.i18n import N_

log = logging.getLogger(__name__)

CALLBACK_SENDING = N_("正在登记，请稍候…")    # a msgid: the screen shows it with app._
KEPT_HERE = N_("号码已暂存在本机，办理结束后自动清除。现在还不能自动转给帮办人员，请到服务台告知工作人员。")


def can_send_callback(service) -> bool:
    """The service sends call-back numbers to the hub (else they stay in session memory)."""
    return callable(getattr(service, "request_callback", None))


def leave_callback(service, session, number: str, done=None, reason: str = "") -> str:
    """With a service that can send it (``request_callback``), the number goes to the hub and
    ``done(ok)`` is called later on the main thread (not if the session ended meanwhile); the
    answer is the text to show now. Without one, the number stays in session memory."""
    if not can_send_callback(service):
        session.data["assist_callback"] = number
        return KEPT_HERE
    token = session.token

    def finished(fut) -> None:         # the service's thread: only hop to the main thread
        ok = not fut.cancelled() and fut.exception() is None
        if not ok:
            log.info("assist: call-back not registered (%s)",
                     getattr(fut.exception(), "reason", "cancelled") if not fut.cancelled() else "cancelled")
        if done is not None:
            Clock.schedule_once(lambda _dt: done(ok) if session.token == token else None)

    try:
        future = service.request_callback(number, large_text=session.large_text, reason=reason)
    except Exception:
        log.exception("assist: request_callback failed")
        if done is not None:
            Clock.schedule_once(lambda _dt: done(False))
    else:
        future.add_done_callback(finished)
    return CALLBACK_SENDING
