# SPDX-License-Identifier: Apache-2.0
"""While an identity is held: a strip on every screen with the masked identity and 结束办理,
and the 首页 question (继续办理 / 结束并清除) so an identity never waits for the next person.

While a web page's field has the kiosk keyboard (``app.banner_aside``) the strip steps aside: in
large text it would leave the page about 100 px between the bars and the keyboard. The web bar
keeps 结束办理, and 填入证件信息 shows the identity's fields masked.

Both are overlays on the app's root, driven by ``app.ui.identity_text`` / ``app.ui.confirm_home``.
"""
from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout


class IdentityBanner(BoxLayout):
    @staticmethod
    def finish() -> None:
        App.get_running_app().kiosk.session.finish()


class HomeConfirm(FloatLayout):
    """Covers the window and takes every touch; only its two buttons act."""

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True

    @staticmethod
    def keep() -> None:
        App.get_running_app().kiosk.session.keep_identity()

    @staticmethod
    def finish() -> None:
        App.get_running_app().kiosk.session.finish()


def attach(app) -> None:
    """Adds/removes the banner and the question as the bridge's properties change."""
    banner, confirm = IdentityBanner(), HomeConfirm()
    app.identity_banner, app.home_confirm = banner, confirm

    def sync(*_args) -> None:
        held = bool(app.ui.identity_text)
        _make_room(app, banner, held and not app.banner_aside)
        for widget, shown in ((banner, held and not app.banner_aside),
                              (confirm, bool(app.ui.identity_text) and app.ui.confirm_home)):
            if shown and widget.parent is None:
                app.root.add_widget(widget)
            elif not shown and widget.parent is not None:
                widget.parent.remove_widget(widget)
    app.ui.bind(identity_text=sync, confirm_home=sync)
    app.bind(banner_aside=sync)
    app.root.bind(size=sync)
    banner.bind(height=sync)
    sync()


def _make_room(app, banner, shown: bool) -> None:
    """The banner sits above the screens' title bar and the screens give it that room (their origin
    stays at 0, 0), so it never covers a screen's own buttons."""
    manager = app.manager
    if shown:
        manager.size_hint_y = None
        manager.height = max(0, app.root.height - banner.height)
    else:
        manager.size_hint_y = 1
