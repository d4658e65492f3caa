# SPDX-License-Identifier: Apache-2.0
"""The home/attract screen: hall name, terminal id and the big tiles."""
from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import N_

from .widgets import KioskScreen


class HomeScreen(KioskScreen):
    hall_name = StringProperty("")
    terminal_id = StringProperty("")
    hours = StringProperty("")
    assist_available = BooleanProperty(False)
    web_portal = BooleanProperty(False)       # 网上办事: the browser runs here and web.portal_url is set
    web_account = BooleanProperty(False)      # 注册账号: likewise with web.account_url
    records = BooleanProperty(False)          # 留言查询: the kiosk has the hub's records (an outbox)
    sub_size = NumericProperty(24)            # the tiles' second line (home.kv: smaller in English)

    def show(self, **params) -> None:
        cfg = self.kiosk.config
        hall = self.kiosk.hall()                   # in the session's language
        self.hall_name = hall["name"]
        self.terminal_id = cfg["hall.terminal_id"]
        self.hours = hall["hours"]
        from .assist_flow import controller
        self.assist_available = controller(self.app).available   # the service, not just the config
        web = self.kiosk.web
        self.web_portal = web is not None and web.can_open(web.portal_url)
        self.web_account = web is not None and web.can_open(web.account_url)
        self.records = getattr(self.kiosk, "records", None) is not None

    def relabel(self) -> None:
        self.show()                               # the hall's name and hours in the other language

    def open_staff_pin(self) -> None:
        """A 3 s press on the terminal id: the helpers' PIN pad for assist mode (协助模式)."""
        from .assist_flow import controller
        controller(self.app).open_staff_pin()

    def open_admin(self) -> None:
        """A 3 s press on the hall name: 管理登录, the admin screen's PIN or badge."""
        from .admin_flow import controller
        controller(self.app).open_login()

    # -- the tiles -----------------------------------------------------------
    def open_search(self) -> None:
        self.session.go("search")

    def open_audience(self, audience: str) -> None:
        self.session.go("list", by="audience", value=audience, page=0)

    def open_browse(self, by: str, group: str = "个人") -> None:
        self.session.go("browse", by=by, group=group)

    def open_web(self, which: str) -> None:
        web = self.kiosk.web
        if which == "account":
            self.session.go("web", url=web.account_url, title=N_("注册账号"), origin="home")
        else:
            self.session.go("web", url=web.portal_url, title=N_("网上办事"), origin="home")

    def toggle_large_text(self) -> None:
        self.session.set_large_text(not self.session.large_text)
