# SPDX-License-Identifier: Apache-2.0
"""The admin screen's 运行日志: the kiosk unit's last lines from journald when the kiosk runs
under systemd (python-systemd's ``systemd.journal.Reader``), masked again by kiosk/logfilter.py.

Under systemd the journal holds more than this process's own logging: the lines of the run
before a restart (a crash, the watchdog), xinit's and the X server's, what a library printed.
Without journald (not started by systemd, the binding missing, nothing readable for the kiosk
user), the view falls back to the in-process ring (:class:`~kiosk.ops.admin_system.LogRing`)
and says so, with the reason, above the lines: never a silent fallback.
No Kivy here, nothing at import (the binding is imported when the screen asks).
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import logfilter
from ..i18n import N_

DEFAULT_UNIT = "ehall-kiosk.service"
LINE_CHARS = 400
_LEVEL = "EEEEWNID"          # syslog priority 0..7 -> one letter, as the ring shows levels


@dataclass(frozen=True)
class LogView:
    """What the 运行日志 section shows: where the lines come from, in words, and the lines
    (oldest first, masked)."""
    source: str                      # "journal" or "process"
    note: str                        # N_ text for the screen (the source; why not the journal)
    lines: list[str] = field(default_factory=list)


def own_unit(cgroup: str = "/proc/self/cgroup") -> str:
    """The systemd unit this process runs in (``…/ehall-kiosk.service`` in its cgroup), else
    the packaged unit's name."""
    try:
        text = Path(cgroup).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return DEFAULT_UNIT
    for line in text.splitlines():
        for part in reversed(line.rpartition(":")[2].split("/")):
            if part.endswith(".service"):
                return part
    return DEFAULT_UNIT


def _text(value: Any) -> str:
    if isinstance(value, bytes):                 # the binding leaves non-UTF-8 messages as bytes
        return value.decode("utf-8", "replace")
    return str(value)


def format_entry(entry: Mapping[str, Any]) -> str:
    """One journal entry as one masked line: local time, level letter, who, the message."""
    when = entry.get("__REALTIME_TIMESTAMP")
    stamp = when.astimezone().strftime("%m-%d %H:%M:%S") if isinstance(when, dt.datetime) else "--"
    try:
        level = _LEVEL[int(entry.get("PRIORITY", 6))]
    except (ValueError, TypeError, IndexError):
        level = "I"
    who = _text(entry.get("SYSLOG_IDENTIFIER") or entry.get("_COMM") or "-")
    line = f"{stamp} {level} {who}: {_text(entry.get('MESSAGE', ''))}"
    return logfilter.mask(line).replace("\n", " | ")[:LINE_CHARS]


class JournalLog:
    """The last ``limit`` lines of the kiosk's unit from journald, or the ring, saying which.

    ``files``: journal files to read instead of the system journal (tests, or a copied
    journal); then the systemd check is skipped. ``env``: the process environment (systemd sets
    ``INVOCATION_ID`` for every unit it starts)."""

    def __init__(self, ring: Any, limit: int = 200, unit: str | None = None,
                 files: Sequence[str] | None = None, env: Mapping[str, str] | None = None):
        self.ring, self.limit, self.files = ring, limit, list(files or [])
        self.env = os.environ if env is None else env
        self.unit = unit or (own_unit() if "INVOCATION_ID" in self.env else DEFAULT_UNIT)

    def view(self) -> LogView:
        if not self.files and "INVOCATION_ID" not in self.env:
            return self._fallback(N_("程序不是由 systemd 启动的，没有系统日志"))
        try:
            journal = importlib.import_module("systemd.journal")     # only when the screen asks
        except ImportError:
            return self._fallback(N_("没有安装 python-systemd，读不到系统日志"))
        try:
            lines = self._read(journal)
        except OSError as exc:
            return self._fallback(N_("读不到系统日志（{error}）", error=str(exc)[:80]))
        if not lines:
            return self._fallback(N_("系统日志里没有 {unit} 的记录（程序用户需要 systemd-journal 组才能读）",
                                     unit=self.unit))
        return LogView("journal", N_("系统日志（journald，{unit}）最近 {n} 行，最新的在最上面"
                                     "（身份证号、电话、姓名已遮挡）：", unit=self.unit, n=len(lines)), lines)

    def _read(self, journal: Any) -> list[str]:
        reader = journal.Reader(files=self.files) if self.files else journal.Reader()
        try:
            reader.add_match(_SYSTEMD_UNIT=self.unit)
            reader.add_disjunction()
            reader.add_match(_SYSTEMD_USER_UNIT=self.unit)
            reader.seek_tail()
            newest_first: list[str] = []
            while len(newest_first) < self.limit:
                entry = reader.get_previous()
                if not entry:
                    break
                newest_first.append(format_entry(entry))
            return newest_first[::-1]
        finally:
            reader.close()

    def _fallback(self, why: str) -> LogView:
        lines = self.ring.lines()[-self.limit:]
        return LogView("process", N_("{why}。下面是本程序内存里最近 {n} 行日志，最新的在最上面"
                                     "（身份证号、电话、姓名已遮挡）：", why=why, n=len(lines)), lines)
