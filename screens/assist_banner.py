# SPDX-License-Identifier: Apache-2.0
"""The small strip at the bottom while the citizen browses during a call request
("正在等待帮办…" with 查看/取消) or during a call (返回通话/挂断).

The controller adds it to the app's root (an overlay, not part of any screen).
"""
from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from .assist_wait import wait_line


class AssistBanner(BoxLayout):
    ctl = ObjectProperty(None)
    text = StringProperty("正在等待帮办…")
    calling = BooleanProperty(False)

    def refresh(self, ctl) -> None:
        svc = ctl.service
        if svc is None:
            return
        if self.calling:
            self.text = "正在与帮办人员通话，对方可以看到您的屏幕"
        else:
            self.text = "正在等待帮办…" + wait_line(svc.state, svc.position, svc.estimate_s)

    def open(self) -> None:
        if self.calling:
            self.ctl.return_to_call()
        else:
            self.ctl.show_wait()

    def stop(self) -> None:
        if self.calling:
            self.ctl.hangup()
        else:
            self.ctl.cancel()
