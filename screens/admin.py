# SPDX-License-Identifier: Apache-2.0
"""The admin screen (管理): devices and 自检, test pages and 已换纸, content versions and 重新加载,
hub and network, the last 200 log lines (masked), volume and brightness, 重启程序, 关机/重启终端
(confirmed first) and, for the admin role only, 退出到桌面.

It shows the admin service's snapshot (kiosk/ops/admin.py) through the bridge and calls its
actions; it never touches a driver and never shows a citizen's data (none is left: entering ends
the citizen's session, screens/admin_flow.py)."""
from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.i18n import N_, _

from . import admin_sim, theme
from .widgets import BodyLabel, KioskButton, KioskScreen

SECTIONS = ("devices", "print", "content", "logs", "settings", "power")
ROLE_WORDS = {"admin": N_("管理员"), "helper": N_("帮办人员")}
CONFIRM = {"poweroff": (N_("确定要关闭这台终端吗？关机后需要有人到现场开机。"), N_("确定关机")),
           "reboot": (N_("确定要重启这台终端吗？大约一分钟后回到首页。"), N_("确定重启"))}
LOG_CHUNK = 40          # log lines per label (one texture each)


class AdminScreen(KioskScreen):
    status = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.section = "devices"
        self.confirming = ""
        self.buttons: dict[str, KioskButton] = {}     # by action key, for the section on show
        self._bound = None

    @property
    def flow(self):
        from .admin_flow import controller
        return controller(self.app)

    @property
    def service(self):
        return self.flow.service

    def show(self, **params) -> None:
        bridge = self.flow.bridge
        if self._bound is not bridge:
            if self._bound is not None:
                self._bound.unbind(revision=self._on_revision)
            bridge.bind(revision=self._on_revision)
            self._bound = bridge
            admin_sim.attach(self, self.flow.sim_bridge)      # 模拟器: --simulate only
        self.section, self.confirming = "devices", ""
        self.render()

    def _on_revision(self, *_args) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.render()

    # -- what the staff member does ------------------------------------------------------
    def select(self, section: str) -> None:
        self.section, self.confirming = section, ""
        self.ids.scroll.scroll_y = 1          # a section starts at its top
        self.render()

    def leave(self) -> None:
        self.flow.leave()

    def act(self, key: str) -> None:
        s = self.service
        if key.startswith("test:"):
            s.self_test(key[5:])
        elif key in ("print:receipt", "print:a4"):
            s.print_test(key[6:])
        elif key == "paper":
            s.paper_replaced()
        elif key in ("reload:catalogue", "reload:knowledge"):
            s.reload(key[7:])
        elif key in ("volume:-", "volume:+", "light:-", "light:+"):
            self._step(key)
        elif key in ("poweroff", "reboot"):
            self.confirming = key
            self.render()
        elif key == "confirm":
            what, self.confirming = self.confirming, ""
            s.power(what)
        elif key == "cancel":
            self.confirming = ""
            self.render()
        elif key == "restart_app":
            s.restart_app()
        elif key == "desktop":
            s.exit_to_desktop()
        elif key.startswith("sim:"):
            admin_sim.act(self, key[4:])

    def _step(self, key: str) -> None:
        import re

        which, sign = key.split(":")
        snap = self.service.snapshot()
        now = re.search(r"(\d+)%", snap.volume if which == "volume" else snap.brightness)
        value = max(0, min(100, (int(now.group(1)) if now else 50) + (10 if sign == "+" else -10)))
        (self.service.set_volume if which == "volume" else self.service.set_brightness)(value)

    # -- drawing -------------------------------------------------------------------------
    def render(self) -> None:
        s, bridge = self.service, self.flow.bridge
        role = ROLE_WORDS.get(bridge.role, "")
        staff = s.grant.staff_id if s.grant is not None else ""
        self.title = _("终端管理　{staff}（{role}）").format(staff=staff, role=_(role)) if role else N_("终端管理")
        self.status = _(bridge.busy or bridge.message)       # the service's words, translated here
        if self.section == "sim":
            self.status = _(self.flow.sim_bridge.message)
        admin_sim.relabel(self)
        for name in SECTIONS + admin_sim.section(self):
            btn = self.ids[f"sec_{name}"]
            btn.background_color = theme.PRIMARY if name == self.section else theme.SURFACE
            btn.color = theme.ON_PRIMARY if name == self.section else theme.TEXT
        body = self.ids.body
        body.clear_widgets()
        self.buttons = {}
        snap = s.snapshot()
        if self.section == "sim":
            admin_sim.draw(self, body)
        else:
            getattr(self, f"_{self.section}")(body, snap)

    def _line(self, body, text: str, muted: bool = False, small: bool = False) -> BodyLabel:
        label = BodyLabel(text=text, color=theme.TEXT_MUTED if muted else theme.TEXT)
        if small:
            label.font_size = self.app.theme.small
        body.add_widget(label)
        return label

    def _buttons(self, body, *pairs: tuple[str, str], font_size: float = 0) -> None:
        row = BoxLayout(size_hint_y=None, height=self.app.theme.button_h, spacing=self.app.theme.gap)
        for key, text in pairs:
            btn = KioskButton(text=text, disabled=bool(self.service.busy))
            if font_size:
                btn.font_size = font_size          # after the kv rule, which binds the body size
            btn.bind(on_release=lambda _b, k=key: self.act(k))
            self.buttons[key] = btn
            row.add_widget(btn)
        body.add_widget(row)

    def _devices(self, body, snap) -> None:
        if not snap.devices:
            self._line(body, _("本机没有配置设备。"))
        for dev in snap.devices:
            row = BoxLayout(size_hint_y=None, height=self.app.theme.button_h, spacing=self.app.theme.gap)
            label = Label(text=_("{device}：{state}").format(device=_(dev.label), state=_(dev.state_text)), bold=True,
                          font_size=self.app.theme.body, halign="left", valign="middle",
                          color=theme.ACCENT if dev.state == "fault" else theme.TEXT)
            label.bind(size=lambda w, size: setattr(w, "text_size", size))
            row.add_widget(label)
            btn = KioskButton(text=_("自检"), size_hint_x=None, width=dp(140), font_size=self.app.theme.body,
                              disabled=bool(self.service.busy))
            btn.bind(on_release=lambda _b, k=f"test:{dev.name}": self.act(k))
            self.buttons[f"test:{dev.name}"] = btn
            row.add_widget(btn)
            body.add_widget(row)
            if dev.error:
                self._line(body, _("最近的错误：{error}").format(error=_(dev.error)), muted=True, small=True)
            if dev.test_ok is not None:
                result = self._line(body, _("自检通过") if dev.test_ok else _("自检未通过"))
                result.color = theme.PRIMARY if dev.test_ok else theme.ACCENT
                self._line(body, "\n".join(_(line) for line in dev.test_lines[:8]), muted=True, small=True)

    def _print(self, body, snap) -> None:
        self._line(body, _(snap.paper))
        self._buttons(body, ("paper", _("已换纸")))
        self._line(body, _("打印测试页："), muted=True)
        self._buttons(body, ("print:receipt", _("打印测试页（小票）")), ("print:a4", _("打印测试页（A4）")))

    def _content(self, body, snap) -> None:
        self._line(body, _(snap.catalogue))
        self._buttons(body, ("reload:catalogue", _("重新加载事项目录")))
        self._line(body, _(snap.knowledge))
        self._buttons(body, ("reload:knowledge", _("重新加载知识库")))
        self._line(body, _(snap.hub))
        for line in snap.network:
            self._line(body, _(line))

    def _logs(self, body, _snap) -> None:
        view = self.service.log_view()
        lines = view.lines[::-1]
        self._line(body, _(view.note), muted=view.source == "journal")   # the ring: said plainly
        for start in range(0, len(lines), LOG_CHUNK):
            self._line(body, "\n".join(lines[start:start + LOG_CHUNK]), small=True)

    def _settings(self, body, snap) -> None:
        self._line(body, _(snap.volume))
        if not snap.volume.startswith(N_("音量：")) and N_("不能") not in snap.volume:     # the admin service's words
            self._buttons(body, ("volume:-", _("音量 −")), ("volume:+", _("音量 +")))
        self._line(body, _(snap.brightness))
        if snap.brightness.startswith(N_("亮度 ")):
            self._buttons(body, ("light:-", _("亮度 −")), ("light:+", _("亮度 +")))

    def _power(self, body, _snap) -> None:
        if self.confirming:
            question, yes = CONFIRM[self.confirming]
            self._line(body, _(question))
            self._buttons(body, ("confirm", _(yes)), ("cancel", _("取消")))
            return
        self._buttons(body, ("restart_app", _("重启程序")))
        self._buttons(body, ("reboot", _("重启终端")), ("poweroff", _("关机")))
        if self.service.may("exit_to_desktop"):
            self._buttons(body, ("desktop", _("退出到桌面")))
        else:
            self._line(body, _("退出到桌面：只有管理员可以使用。"), muted=True)

    def relabel(self) -> None:
        self.render()

    def wipe(self) -> None:
        self.confirming = ""
        self.status = ""
