# SPDX-License-Identifier: Apache-2.0
"""Every terminal's latest status, and the alerts staff must act on (docs/operations.md, *终端*).

Kiosks send ``status`` over their authenticated socket (docs/assist-protocol.md, *Terminal
status*); :func:`parse_status` checks and bounds it. :class:`TerminalBoard` keeps the latest one
per terminal in memory with when it was last heard from (any message counts), and turns a device
that needs a person (action ``staff`` or ``maintenance`` in a state that stops or warns) into an
alert: raised once, acknowledged by staff (确认), cleared by itself when the device recovers.
Each status is answered with ``status_ack``: the alerts of that terminal that staff have in front
of them (a console is open), which is when the kiosk may say 已通知工作人员.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Callable

from helpdesk.admin_audit import parse_admin_event
from helpdesk.model import RoutingError

STATES = ("absent", "connecting", "ready", "busy", "degraded", "fault")
ACTIONS = ("none", "retry", "user", "staff", "maintenance", "configuration")
SEVERITIES = ("info", "warning", "error", "fatal")
PERSON = ("staff", "maintenance")           # a person must go to the terminal
ALERTING = ("fault", "absent", "degraded")
MAX_DEVICES = 16
MAX_VERSIONS = 8
HISTORY = 50                                # cleared alerts kept for the console
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,39}")
_VERSION_KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")

DEVICE_WORDS = {"receipt_printer": "凭条打印机", "a4_printer": "A4 打印机", "id_reader": "身份证读卡器",
                "smartcard": "读卡器（社保卡/工作证）", "camera": "摄像头", "document_camera": "高拍仪",
                "audio": "音箱", "browser": "网上办浏览器", "admin": "管理界面", "link": "终端连接"}
TODO_BY_CODE = {
    "PRN_NO_PAPER": "装纸", "A4_NO_PAPER": "装纸",
    "PRN_PAPER_NEAR_END": "备纸（纸快用完了）", "PRN_PAPER_LOW_FORECAST": "备纸（纸快用完了）",
    "A4_PAPER_LOW": "备纸（纸快用完了）",
    "PRN_COVER_OPEN": "合上打印机盖", "A4_COVER_OPEN": "合上打印机盖", "A4_PAPER_JAM": "清除卡纸",
    "A4_TONER_EMPTY": "换墨粉", "A4_TONER_LOW": "备墨粉",
    "PRN_OFFLINE": "检查打印机电源和连线", "PRN_NOT_FOUND": "检查打印机电源和连线",
    "PRN_NO_RESPONSE": "检查打印机电源和连线", "A4_OFFLINE": "检查打印机电源和连线",
    "IDR_UNPLUGGED": "插好读卡器", "IDR_NOT_RESPONDING": "插好读卡器", "SC_READER_ABSENT": "插好读卡器",
    "CAM_NOT_FOUND": "插好摄像头",
}
TODO_BY_ACTION = {"maintenance": "联系维护", "configuration": "联系管理员（配置）", "staff": "到终端查看",
                  "retry": "自动重试中，持续不好请联系维护"}


def todo(device: dict[str, Any]) -> str:
    """What a person should do for one reported device ("" when nothing)."""
    if device["state"] not in ALERTING or not device.get("code"):
        return ""
    return TODO_BY_CODE.get(device["code"], TODO_BY_ACTION.get(device.get("action", ""), ""))


def _bad(what: str) -> RoutingError:
    return RoutingError("bad_message", f"status: {what}")


def _number(val: Any, what: str, hi: float = 1e9) -> float:
    if isinstance(val, bool) or not isinstance(val, (int, float)) or not 0 <= val <= hi:
        raise _bad(f"{what} must be a number from 0 to {hi:.0f}")
    return val


def _device(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad("each device is an object")
    name, kind, state = raw.get("name"), raw.get("kind", raw.get("name")), raw.get("state")
    if not isinstance(name, str) or not _NAME.fullmatch(name) or \
            not isinstance(kind, str) or not _NAME.fullmatch(kind):
        raise _bad("device name and kind: 1-32 of a-z 0-9 _")
    if state not in STATES:
        raise _bad(f"device state: one of {', '.join(STATES)}")
    out = {"name": name, "kind": kind, "state": state}
    code = raw.get("code")
    if code is not None:
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise _bad("device code: 2-40 of A-Z 0-9 _")
        action, severity, text = raw.get("action"), raw.get("severity", "error"), raw.get("text", "")
        if action not in ACTIONS or severity not in SEVERITIES:
            raise _bad(f"device action: one of {', '.join(ACTIONS)}; severity: one of {', '.join(SEVERITIES)}")
        if not isinstance(text, str) or len(text) > 200:
            raise _bad("device text: at most 200 characters")
        out.update(code=code, action=action, severity=severity, text=text)
    return out


def parse_status(data: dict) -> dict[str, Any]:
    """The checked, bounded status (only the documented fields are kept)."""
    devices = data.get("devices", [])
    if not isinstance(devices, list) or len(devices) > MAX_DEVICES:
        raise _bad(f"devices: a list of at most {MAX_DEVICES}")
    parsed = [_device(d) for d in devices]
    if len({d["name"] for d in parsed}) != len(parsed):
        raise _bad("devices: each name once")
    versions = data.get("versions", {})
    if not isinstance(versions, dict) or len(versions) > MAX_VERSIONS or not all(
            isinstance(k, str) and _VERSION_KEY.fullmatch(k) and isinstance(v, str) and len(v) <= 64
            for k, v in versions.items()):
        raise _bad(f"versions: at most {MAX_VERSIONS} names (a-z 0-9 _) to strings of at most 64")
    in_session = data.get("in_session", False)
    if not isinstance(in_session, bool):
        raise _bad("in_session must be true or false")
    out: dict[str, Any] = {"devices": parsed, "versions": dict(versions), "in_session": in_session,
           "uptime_s": _number(data.get("uptime_s", 0), "uptime_s", 10 ** 10),
           "seq": int(_number(data.get("seq", 0), "seq", 10 ** 15))}
    paper = data.get("paper")
    if paper is not None:
        if not isinstance(paper, dict):
            raise _bad("paper must be an object")
        out["paper"] = {k: _number(paper.get(k, 0), f"paper.{k}", 10 ** 7)
                        for k in ("left_mm", "roll_mm", "warn_mm")}
        out["paper"]["sensor"] = bool(paper.get("sensor", False))
    return out


@dataclass
class Alert:
    id: str
    terminal: str
    device: str
    code: str
    action: str
    todo: str
    raised_at: float
    acked_by: str | None = None
    acked_at: float | None = None
    cleared_at: float | None = None

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "terminal": self.terminal, "device": self.device,
                "device_words": DEVICE_WORDS.get(self.device, self.device), "code": self.code,
                "action": self.action, "todo": self.todo, "raised_at": self.raised_at,
                "acked_by": self.acked_by, "acked_at": self.acked_at, "cleared_at": self.cleared_at}


class TerminalBoard:
    """``watched()``: whether staff have a console open now (the hub knows its sockets)."""

    def __init__(self, clock: Callable[[], float], silent_s: float = 90.0,
                 watched: Callable[[], bool] = lambda: False, log: Any = None, admin_log: Any = None) -> None:
        self.clock, self.silent_s, self.watched = clock, silent_s, watched
        self.log = log                                  # helpdesk.alert_log.AlertLog, or None
        self.admin_log = admin_log                      # helpdesk.admin_audit.AdminAuditLog, or None
        self.admin_recent: dict[str, list[dict[str, Any]]] = {}
        self.latest: dict[str, dict[str, Any]] = {}
        self.last_seen: dict[str, float] = {}
        self.connected: set[str] = set()
        self.alerts: dict[str, Alert] = {}          # open ones (acknowledged or not)
        self.cleared: list[Alert] = []
        self.revision = 0                             # bumped when the alert list changes
        self._ids = itertools.count(1)

    def restore(self) -> int:
        """Open alerts (and recently cleared ones) from the log, after a restart; how many are open."""
        if self.log is None:
            return 0
        for row in self.log.rows(open_=True):
            alert = Alert(**{**row, "id": f"a{row['id']}"})
            self.alerts[alert.id] = alert
        self.cleared = [Alert(**{**row, "id": f"a{row['id']}"}) for row in self.log.rows(open_=False)]
        self.revision += 1
        return len(self.alerts)

    def _row(self, alert: Alert) -> int | None:
        return int(alert.id[1:]) if self.log is not None and alert.id.startswith("a") else None

    def seen(self, terminal: str) -> None:
        self.last_seen[terminal] = self.clock()

    def link(self, terminal: str, up: bool) -> None:
        (self.connected.add if up else self.connected.discard)(terminal)
        if up:
            self.seen(terminal)

    def report(self, terminal: str, data: dict) -> dict[str, Any]:
        """Takes one ``status``; returns the ``status_ack`` for the kiosk."""
        status = parse_status(data)
        now = self.clock()
        self.latest[terminal] = {**status, "at": now}
        self.seen(terminal)
        needs = {(d["name"], d["code"]): d for d in status["devices"]
                 if d["state"] in ALERTING and d.get("action") in PERSON and d.get("code")}
        for alert in [a for a in self.alerts.values() if a.terminal == terminal and a.device not in ("admin", "link")]:
            if (alert.device, alert.code) not in needs:
                self._clear(alert, now)
        held = {(a.device, a.code) for a in self.alerts.values() if a.terminal == terminal}
        for (name, code), dev in needs.items():
            if (name, code) not in held:
                self._raise(Alert("", terminal, name, code, dev["action"], todo(dev), now))
        return self.ack(terminal, status["seq"])

    def _raise(self, alert: Alert) -> None:
        row = self.log.raised(alert) if self.log is not None else None
        alert.id = f"a{row}" if row is not None else f"m{next(self._ids)}"
        self.alerts[alert.id] = alert
        self.revision += 1

    def _clear(self, alert: Alert, now: float) -> None:
        alert.cleared_at = now
        if self._row(alert) is not None:
            self.log.cleared(self._row(alert), now)
        del self.alerts[alert.id]
        self.cleared = [alert, *self.cleared][:HISTORY]
        self.revision += 1

    def sweep(self) -> bool:
        """A terminal heard from since the hub started and silent for ``silent_s`` gets an alert
        (终端失联, with its tone on the consoles); heard again, the alert clears. True when the
        alert list changed."""
        now, before = self.clock(), self.revision
        lost = {a.terminal: a for a in self.alerts.values() if a.device == "link"}
        for terminal, seen in list(self.last_seen.items()):
            silent = now - seen > self.silent_s
            if silent and terminal not in lost:
                self._raise(Alert("", terminal, "link", "TERMINAL_LOST", "maintenance",
                                  "终端失联：检查终端电源和网络", now))
            elif not silent and terminal in lost:
                self._clear(lost[terminal], now)
        return self.revision != before

    def admin_event(self, terminal: str, data: dict) -> None:
        """One step on the terminal's admin screen: recorded; a PIN lockout raises an alert
        (管理密码连续输错), which clears when staff acknowledge it (确认)."""
        event = parse_admin_event(data)
        now = self.clock()
        self.seen(terminal)
        if self.admin_log is not None:
            self.admin_log.add(terminal, event, now)
        self.admin_recent[terminal] = [{**event, "received_at": now}, *self.admin_recent.get(terminal, [])][:10]
        if event["action"] == "pin_locked" and not any(
                a.terminal == terminal and a.device == "admin" for a in self.alerts.values()):
            self._raise(Alert("", terminal, "admin", "ADMIN_PIN_LOCKED", "staff",
                              "管理密码连续输错已锁定：请到终端查看", now))

    def ack(self, terminal: str, seq: int = 0) -> dict[str, Any]:
        shown = [{"device": a.device, "code": a.code} for a in self.alerts.values()
                 if a.terminal == terminal] if self.watched() else []
        return {"type": "status_ack", "seq": seq, "notified": shown}

    def acknowledge(self, alert_id: str, who: str) -> Alert | None:
        alert = self.alerts.get(alert_id)
        if alert is not None and alert.acked_by is None:
            alert.acked_by, alert.acked_at = who, self.clock()
            if self._row(alert) is not None:
                self.log.acked(self._row(alert), who, alert.acked_at)
            self.revision += 1
            if alert.device == "admin":             # nothing recovers by itself: seen is done
                self._clear(alert, alert.acked_at)
        return alert

    def alerts_message(self) -> dict[str, Any]:
        """``terminal_alerts`` for the helpers' consoles: the open alerts, oldest first."""
        return {"type": "terminal_alerts",
                "alerts": [a.view() for a in sorted(self.alerts.values(), key=lambda a: a.raised_at)]}

    def _admin_lines(self, terminal: str) -> list[dict[str, Any]]:
        """The terminal's latest admin steps, newest first (from the db: they survive a restart)."""
        if self.admin_log is not None:
            return self.admin_log.latest(terminal, 5)
        return self.admin_recent.get(terminal, [])[:5]

    def view(self, registered: list[Any]) -> dict[str, Any]:
        """The console's 终端 page: every registered terminal (``helpdesk.kiosks.Terminal``)."""
        now = self.clock()
        cards = []
        for t in registered:
            seen = self.last_seen.get(t.terminal_id, t.last_seen)
            status = self.latest.get(t.terminal_id)
            lost = seen is None or now - seen > self.silent_s or status is None
            todos = [{"device": d["name"], "device_words": DEVICE_WORDS.get(d["name"], d["name"]),
                      "todo": todo(d), "state": d["state"], "code": d.get("code"), "action": d.get("action")}
                     for d in (status or {}).get("devices", []) if todo(d)]
            stopped = any(x["state"] in ("fault", "absent") and x["action"] != "retry" for x in todos)
            level = "lost" if lost else "fault" if stopped else "warn" if todos else "ok"
            cards.append({"terminal": t.terminal_id, "disabled": t.disabled, "level": level,
                          "last_seen": seen, "silent_s": None if seen is None else max(0, now - seen),
                          "todo": todos, "versions": (status or {}).get("versions", {}),
                          "paper": (status or {}).get("paper"),
                          "in_session": bool((status or {}).get("in_session")),
                          "uptime_s": (status or {}).get("uptime_s"),
                          "admin": self._admin_lines(t.terminal_id),
                          "connected": t.terminal_id in self.connected})
        return {"now": now, "silent_s": self.silent_s, "terminals": cards,
                "alerts": self.alerts_message()["alerts"],
                "cleared": [a.view() for a in self.cleared[:20]]}
