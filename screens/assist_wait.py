# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办, step 2: the place in the queue and an honest wait estimate."""
from __future__ import annotations

import math

from kivy.properties import StringProperty

from .widgets import KioskScreen


def wait_text(state: str, position: int | None, estimate_s: float | None) -> tuple[str, str]:
    """(headline, estimate) in plain words; position 1 means "you are next" (the hub's rule)."""
    if state == "ringing":
        return "正在为您接通帮办人员…", "请稍候，接通后会自动显示视频"
    if state != "queued" or position is None:
        return "正在呼叫帮办人员…", "请稍候"
    ahead = max(0, int(position) - 1)
    head = "您是下一位" if ahead == 0 else f"前面还有 {ahead} 位"
    if estimate_s is None:
        return head, "暂时无法估计等待时间"
    if estimate_s < 60:
        return head, "预计等待不到 1 分钟"
    return head, f"预计等待约 {math.ceil(estimate_s / 60)} 分钟"


def wait_line(state: str, position: int | None, estimate_s: float | None) -> str:
    head, estimate = wait_text(state, position, estimate_s)
    return f"{head}，{estimate}" if state == "queued" else head


class AssistWaitScreen(KioskScreen):
    headline = StringProperty("正在呼叫帮办人员…")
    estimate = StringProperty("")

    def show(self, **params) -> None:
        from .assist_flow import controller
        self.title = "呼叫帮办"
        self.refresh(controller(self.app))

    def refresh(self, ctl) -> None:
        svc = ctl.service
        if svc is not None:
            self.headline, self.estimate = wait_text(svc.state, svc.position, svc.estimate_s)

    def keep_browsing(self) -> None:
        from .assist_flow import controller
        controller(self.app).keep_browsing()

    def cancel(self) -> None:
        from .assist_flow import controller
        controller(self.app).cancel()

    def wipe(self) -> None:
        self.headline, self.estimate = "正在呼叫帮办人员…", ""
