# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办, step 2: the place in the queue and an honest wait estimate."""
from __future__ import annotations

import math

from kivy.properties import StringProperty

from kiosk.i18n import N_, _

from .widgets import KioskScreen


CALLING = N_("正在呼叫帮办人员…")


def wait_text(state: str, position: int | None, estimate_s: float | None) -> tuple[str, str]:
    """(headline, estimate) in plain words; position 1 means "you are next" (the hub's rule)."""
    if state == "ringing":
        return _("正在为您接通帮办人员…"), _("请稍候，接通后会自动显示视频")
    if state != "queued" or position is None:
        return _(CALLING), _("请稍候")
    ahead = max(0, int(position) - 1)
    head = _("您是下一位") if ahead == 0 else _("前面还有 {n} 位").format(n=ahead)
    if estimate_s is None:
        return head, _("暂时无法估计等待时间")
    if estimate_s < 60:
        return head, _("预计等待不到 1 分钟")
    return head, _("预计等待约 {n} 分钟").format(n=math.ceil(estimate_s / 60))


def wait_line(state: str, position: int | None, estimate_s: float | None) -> str:
    head, estimate = wait_text(state, position, estimate_s)
    return head + _("，") + estimate if state == "queued" else head


class AssistWaitScreen(KioskScreen):
    headline = StringProperty(CALLING)
    estimate = StringProperty("")

    def show(self, **params) -> None:
        from .assist_flow import controller
        self.title = N_("呼叫帮办")
        self.refresh(controller(self.app))

    def refresh(self, ctl) -> None:
        svc = ctl.service
        if svc is not None:
            headline, self.estimate = wait_text(svc.state, svc.position, svc.estimate_s)
            moved = headline != self.headline
            self.headline = headline
            if moved and svc.state == "queued" and self.manager is not None and self.manager.current == self.name:
                self.app.speak("queue:place", headline)      # 前面还有 2 位 … spoken as it changes

    def relabel(self) -> None:
        from .assist_flow import controller
        self.refresh(controller(self.app))

    def keep_browsing(self) -> None:
        from .assist_flow import controller
        controller(self.app).keep_browsing()

    def cancel(self) -> None:
        from .assist_flow import controller
        controller(self.app).cancel()

    def wipe(self) -> None:
        self.headline, self.estimate = _(CALLING), ""
