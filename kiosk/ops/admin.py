# SPDX-License-Identifier: Apache-2.0
"""The admin screen's core (管理): devices, test pages, paper, content, network, logs, power.

One :class:`AdminService` per kiosk (:func:`admin_of`), made by the composition root before
the hub link starts, so its :attr:`AdminService.events` (every audited admin step, the PIN
lockout included) can be forwarded to the hub. The screen (screens/admin.py) shows
:meth:`AdminService.snapshot` through the bridge and calls the actions here; it never touches a
driver. Slow actions (self-test, printing, reloading) run on a worker thread and report through
:attr:`AdminService.changes`. Nothing here ever holds or shows a citizen's data: a login ends the
citizen's session first (the screen's flow does), and the log lines are masked again.

No Kivy here.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from ..i18n import N_, Text
from ..logfilter import mask
from ..observe import Observers
from .admin_access import AdminAccess, AdminAudit, Grant
from .admin_system import LOG_LINES, LogRing, Logind, Network, backlight, hub_line, volume_control
from .journal_log import JournalLog, LogView

log = logging.getLogger(__name__)

# The service's words are marked (kiosk/i18n.py) and translated where the screen shows them:
# a status line is N_(template, values), so the staff member's language is the screen's.
LABELS = {"id_reader": N_("身份证阅读器"), "smartcard": N_("读卡器（社保卡/工作证）"), "camera": N_("摄像头"),
          "document_camera": N_("高拍仪"), "receipt_printer": N_("小票打印机"), "a4_printer": N_("A4 打印机"),
          "audio": N_("音箱"), "browser": N_("浏览器（网上办）")}
STATES = {"absent": N_("未连接"), "connecting": N_("连接中"), "ready": N_("正常"), "busy": N_("忙"),
          "degraded": N_("可用（有提醒）"), "fault": N_("故障")}
ACTIONS = {"none": "", "retry": N_("重试即可"), "user": N_("提示市民操作"), "staff": N_("需要工作人员处理"),
           "maintenance": N_("需要维修"), "configuration": N_("需要修改配置")}
EXIT_RESTART = 0          # the unit restarts the kiosk (Restart=always)
EXIT_TO_DESKTOP = 75      # scripts/kiosk-session opens the desktop instead (docs/operations.md)


@dataclass
class DeviceRow:
    name: str
    label: str
    state: str                 # DeviceState value
    state_text: str
    error: str = ""            # "CODE: detail (需要工作人员处理)"
    test_ok: bool | None = None
    test_lines: list[str] = field(default_factory=list)


class Snapshot:
    """What the screen shows, each part read only when a section asks for it (then kept for
    this render): the network is not probed, nor the knowledge base read, to draw the devices."""

    def __init__(self, service: "AdminService"):
        self._s = service
        self.message, self.busy = service.message, service.busy

    @cached_property
    def devices(self) -> list[DeviceRow]:
        return self._s.device_rows()

    @cached_property
    def paper(self) -> str:
        return self._s.paper_text()

    @cached_property
    def catalogue(self) -> str:
        return self._s.catalogue_text()

    @cached_property
    def knowledge(self) -> str:
        return self._s.knowledge_text()

    @cached_property
    def hub(self) -> str:
        return hub_line(self._s.kiosk)

    @cached_property
    def network(self) -> list[str]:
        return self._s.network.lines()

    @cached_property
    def volume(self) -> str:
        return volume_control(self._s.kiosk.config).describe()

    @cached_property
    def brightness(self) -> str:
        return backlight(self._s.sysfs).describe()


class AdminService:
    def __init__(self, kiosk, clock: Callable[[], float] = time.monotonic, logind: Any = None,
                 sysfs: str = "/sys"):
        cfg = kiosk.config
        self.kiosk = kiosk
        self.audit = AdminAudit(cfg.get("admin.audit_log", "") or None, cfg.get("hall.terminal_id", ""))
        self.access = AdminAccess(cfg, self.audit, clock)
        self.events = self.audit.events              # every audited admin step, for the hub
        self.changes: Observers[AdminService] = Observers("admin screen")
        self.logs = LogRing.install()
        self.journal = JournalLog(self.logs, LOG_LINES)   # journald under systemd, else the ring (said)
        self.logind = logind or Logind()
        self.network = Network(sysfs)
        self.sysfs = sysfs
        self.grant: Grant | None = None
        self.tests: dict[str, tuple[bool, list[str]]] = {}
        self.message = ""
        self.busy = ""
        self.exit_code: int | None = None             # the app stops with this code when set
        self._kb_text: str | None = None
        self._lock = threading.Lock()

    # -- who is here ----------------------------------------------------------------
    def begin(self, grant: Grant) -> None:
        self.grant, self.message, self.tests = grant, "", {}
        self._changed()

    def end(self, reason: str = "exit") -> None:
        if self.grant is not None:
            self._audit("logout", reason=reason)
            self.grant = None
            self._changed()

    def may(self, action: str) -> bool:
        return self.grant is not None and self.grant.may(action)

    # -- what the screen shows ----------------------------------------------------------
    def snapshot(self) -> Snapshot:
        return Snapshot(self)

    def device_rows(self) -> list[DeviceRow]:
        rows = []
        for name, dev in (self.kiosk.devices or {}).items():
            err = dev.last_error
            why = ""
            if err is not None:
                why = mask(f"{err.code}: {err.detail or err.error.text}")
                action = ACTIONS.get(err.error.action.value)
                why = N_("{error}（{action}）", error=why, action=action) if action else why
            ok, lines = self.tests.get(name, (None, []))
            rows.append(DeviceRow(name, LABELS.get(name, name), dev.state.value,       # masked again:
                                  STATES.get(dev.state.value, dev.state.value), why, ok,   # never a
                                  [line if isinstance(line, Text) else mask(line) for line in lines]))                      # card's number

        return rows

    def paper_text(self) -> str:
        printer = self.kiosk.devices.get("receipt_printer")
        if printer is None or not hasattr(printer, "paper_left_mm"):
            return N_("没有小票打印机")
        roll = printer.profile.roll_length_mm
        return N_("小票纸预计剩余 {left:.1f} 米（整卷 {roll:.0f} 米）", left=printer.paper_left_mm() / 1000,
                  roll=roll / 1000)

    def catalogue_text(self) -> str:
        cat = self.kiosk.catalogue
        return N_("事项目录 版本 {version}，{n} 项", version=cat.digest[:12], n=len(cat))

    def knowledge_text(self, fresh: bool = False) -> str:
        """The knowledge base's version, read once (again with ``fresh``: 重新加载). 问一问 rebuilds
        its index by itself when the file changed (screens/ask.py keys it by the file's stat)."""
        from ..consult.faq import FaqError, load

        if self._kb_text is None or fresh:
            try:
                kb = load(self.kiosk.config.get("consult.faq_path") or None)
                self._kb_text = N_("知识库 版本 {version}，{n} 条", version=kb.digest[:12], n=len(kb.entries))
            except (FaqError, OSError) as exc:
                self._kb_text = N_("知识库 不能读取：{error}", error=str(exc)[:100])
        return self._kb_text

    # -- actions ----------------------------------------------------------------------
    def self_test(self, name: str) -> None:
        from drivers.base import DeviceError

        dev = self.kiosk.devices.get(name)
        if dev is None:
            return

        def work() -> None:
            try:
                ok, lines = True, list(dev.self_test())
            except DeviceError as exc:
                ok, lines = False, [f"{exc.code}: {exc.detail or exc.error.text}"[:300]]
            except Exception as exc:  # noqa: BLE001 - the admin reads a line, never a traceback
                log.exception("self-test of %s failed", name)
                ok, lines = False, [N_("自检出错：{error}", error=type(exc).__name__)]
            self.tests[name] = (ok, lines)
            self._audit("self_test", device=name, result="pass" if ok else "fail")
            label = LABELS.get(name, name)
            self._done(N_("{device} 自检通过", device=label) if ok else N_("{device} 自检未通过", device=label))

        self._work(N_("正在自检：{device}…", device=LABELS.get(name, name)), work)

    def print_test(self, kind: str) -> None:
        """打印测试页 on the receipt printer (``kind="receipt"``) or the A4 printer (``"a4"``)."""
        name = "a4_printer" if kind == "a4" else "receipt_printer"
        printer = self.kiosk.devices.get(name)
        if printer is None:
            self.message = N_("没有{device}", device=LABELS[name])
            self._changed()
            return

        def work() -> None:
            ok, code = self._print_a4(printer) if kind == "a4" else self._print_receipt(printer)
            self._audit("print_test", device=name, result="printed" if ok else "not_printed", code=code or "-")
            self._done(N_("{device}测试页已打印", device=LABELS[name]) if ok else
                       N_("{device}测试页没有打印出来（{code}）", device=LABELS[name], code=code))

        self._work(N_("正在打印测试页：{device}…", device=LABELS[name]), work)

    @staticmethod
    def _print_receipt(printer) -> tuple[bool, str]:
        from ..printing import ReceiptService
        from ..printing.templates import test_slip

        doc = test_slip(printer.profile)
        doc.job_id = f"admin-test-{uuid.uuid4().hex[:12]}"
        out = ReceiptService(printer).print_document(doc)
        return out.printed, out.code or ""

    @staticmethod
    def _print_a4(printer) -> tuple[bool, str]:
        from ..printing.a4 import a4_test_page, render_a4
        from ..printing.a4_service import A4Service

        pdf = render_a4(a4_test_page(), footer="A4 test page")
        out = A4Service(printer, budget=15.0).print_pdf(pdf.data, "A4 test page", f"admin-test-{uuid.uuid4().hex[:12]}")
        return out.printed, out.code or ""

    def paper_replaced(self) -> None:
        """已换纸: staff put in a new roll; the forecast starts again from a full roll."""
        printer = self.kiosk.devices.get("receipt_printer")
        if printer is None or not hasattr(printer, "roll_replaced"):
            self.message = N_("没有小票打印机")
        else:
            printer.roll_replaced()
            self._audit("paper_replaced", device="receipt_printer")
            self.message = N_("已记录换纸。{paper}", paper=self.paper_text())
        self._changed()

    def reload(self, what: str) -> None:
        """重新加载 the catalogue (``"catalogue"``) or the knowledge base (``"knowledge"``)."""
        def work() -> None:
            try:
                if what == "catalogue":
                    self.kiosk.reload_catalogue()
                    text = self.catalogue_text()
                else:
                    text = self.knowledge_text(fresh=True)
                ok = "不能读取" not in text
            except Exception as exc:  # noqa: BLE001 - what stays loaded stays; the admin reads why
                log.warning("admin reload of %s failed: %s", what, exc)
                ok, text = False, N_("没有加载：{error}", error=str(exc)[:150])
            self._audit("reload", kind=what, result="ok" if ok else "fail")
            self._done(N_("已重新加载：{what}", what=text) if ok else text)

        self._work(N_("正在重新加载…"), work)

    def set_volume(self, percent: int) -> None:
        ctl = volume_control(self.kiosk.config)
        self.message = ctl.set(percent)
        self._audit("volume", value=percent, result="ok" if ctl.available else "unavailable")
        self._changed()

    def set_brightness(self, percent: int) -> None:
        light = backlight(self.sysfs)
        self.message = light.set(percent)
        self._audit("brightness", value=percent, result="ok" if light.available else "unavailable")
        self._changed()

    def restart_app(self) -> None:
        self._audit("restart_app")
        self.exit_code = EXIT_RESTART
        self._changed()

    def exit_to_desktop(self) -> bool:
        if not self.may("exit_to_desktop"):
            self._audit("exit_to_desktop", result="refused")
            self.message = N_("只有管理员可以退出到桌面。")
            self._changed()
            return False
        self._audit("exit_to_desktop")
        self.exit_code = EXIT_TO_DESKTOP
        self._changed()
        return True

    def power(self, what: str) -> None:
        """关机 (``"poweroff"``) or 重启终端 (``"reboot"``) through logind, after the confirmation."""
        def work() -> None:
            self._audit(what)
            try:
                self.logind.power(what)
                text = N_("正在关机…") if what == "poweroff" else N_("正在重启终端…")
            except Exception as exc:  # noqa: BLE001 - D-Bus refused or absent: say so, stay up
                log.warning("logind %s failed: %s", what, exc)
                self._audit(what, result="fail")
                text = N_("系统没有执行（{error}）", error=str(exc)[:80])
            self._done(text)

        self._work(N_("正在请求系统…"), work)

    def log_view(self) -> LogView:
        """The 运行日志 section: the unit's journal lines, or this process's ring and why."""
        return self.journal.view()

    # -- plumbing -----------------------------------------------------------------------
    def _audit(self, action: str, **details: Any) -> None:
        role = self.grant.role.value if self.grant else "-"
        self.audit.write(action, self.grant.staff_id if self.grant else "", role=role, **details)

    def _work(self, busy: str, fn: Callable[[], None]) -> None:
        with self._lock:
            if self.busy:
                return
            self.busy, self.message = busy, ""
        self._changed()
        threading.Thread(target=fn, name="admin-action", daemon=True).start()

    def _done(self, message: str) -> None:
        with self._lock:
            self.busy, self.message = "", message
        self._changed()

    def _changed(self) -> None:
        self.changes.notify(self)


def admin_of(kiosk, **kwargs: Any) -> AdminService:
    """The kiosk's one admin service, made on first use."""
    service = getattr(kiosk, "admin", None)
    if service is None:
        service = AdminService(kiosk, clock=kiosk.session.clock, **kwargs)
        kiosk.admin = service
    return service


__all__ = ["AdminAccess", "AdminService", "admin_of", "EXIT_RESTART", "EXIT_TO_DESKTOP"]
