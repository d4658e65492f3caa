# SPDX-License-Identifier: Apache-2.0
"""The "are you still there?" overlay shown while the session counts down."""
from __future__ import annotations

from kivy.app import App
from kivy.uix.floatlayout import FloatLayout


class CountdownOverlay(FloatLayout):
    """Covers the whole window and takes every touch; only its buttons act."""

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True

    @staticmethod
    def more_time() -> None:
        App.get_running_app().kiosk.session.more_time()

    @staticmethod
    def finish() -> None:
        App.get_running_app().kiosk.session.finish()
