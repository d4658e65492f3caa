# SPDX-License-Identifier: Apache-2.0
"""The admin screen's 运行日志 from journald: the kiosk unit's last lines read by python-systemd
from a real journal file (written by systemd-journal-remote from export-format entries the test
makes: no journald runs here), masked by kiosk/logfilter.py; without journald the view says it
shows the in-process ring, and why."""
from __future__ import annotations

from journal_kit import export_entry, journal_file

from kiosk import logfilter
from kiosk.ops.journal_log import JournalLog, format_entry, own_unit

ID, PHONE = "370102199001011234", "13812345678"


class Ring:
    def __init__(self, lines):
        self._lines = lines

    def lines(self):
        return list(self._lines)


def test_the_units_last_lines_come_from_the_journal_masked(tmp_path):
    entries = [export_entry(i, f"line {i}") for i in range(250)]
    entries.append(export_entry(250, f"reader saw {ID} and {PHONE}", priority=4))
    entries.append(export_entry(251, "Xorg: another unit", unit="getty@tty2.service"))
    entries.append(export_entry(252, "from a user unit", user_unit=True))
    entries.append(export_entry(253, "multi\nline", priority=3, ident="xinit"))
    path = journal_file(tmp_path / "kiosk.journal", entries)

    view = JournalLog(Ring(["ring line"]), limit=200, files=[str(path)], env={}).view()
    assert view.source == "journal"
    assert "系统日志（journald，ehall-kiosk.service）最近 200 行" in view.note
    assert len(view.lines) == 200
    assert view.lines[-1].endswith("E xinit: multi | line")
    assert view.lines[-2].endswith("I ehall-kiosk: from a user unit")
    assert view.lines[-3].endswith(" W ehall-kiosk: reader saw 3701**********1234 and 138****5678")
    assert view.lines[0].endswith(": line 53")      # the last 200 of 253, oldest first
    text = "\n".join(view.lines)
    assert ID not in text and PHONE not in text and "another unit" not in text and "ring line" not in text


def test_a_live_sessions_name_is_masked_in_journal_lines(tmp_path):
    path = journal_file(tmp_path / "k.journal", [export_entry(1, "card holder 张三丰 read")])
    logfilter.hold("张三丰")
    try:
        [line] = JournalLog(Ring([]), files=[str(path)], env={}).view().lines
    finally:
        logfilter.release("张三丰")
    assert "张三丰" not in line and "card holder 张*丰 read" in line


def test_without_systemd_the_ring_is_shown_and_the_screen_says_so():
    view = JournalLog(Ring(["a", "b"]), env={}).view()          # no INVOCATION_ID: not a unit
    assert view.source == "process" and view.lines == ["a", "b"]
    assert view.note.startswith("程序不是由 systemd 启动的，没有系统日志。下面是本程序内存里最近 2 行日志")


def test_a_journal_without_the_units_lines_falls_back_and_says_why(tmp_path):
    """Under systemd, but nothing of the unit is readable (the kiosk user not in the
    systemd-journal group reads an empty journal): the ring, with the reason on screen."""
    path = journal_file(tmp_path / "o.journal", [export_entry(1, "x", unit="other.service")])
    view = JournalLog(Ring(["ring"]), files=[str(path)], env={"INVOCATION_ID": "x"}).view()
    assert view.source == "process" and view.lines == ["ring"]
    assert "系统日志里没有 ehall-kiosk.service 的记录（程序用户需要 systemd-journal 组才能读）" in view.note


def test_format_entry_and_own_unit(tmp_path):
    assert format_entry({"MESSAGE": b"bad \xff bytes", "PRIORITY": "x"}) == "-- I -: bad \ufffd bytes"
    cg = tmp_path / "cgroup"
    cg.write_text("0::/system.slice/ehall-kiosk-2.service\n")
    assert own_unit(str(cg)) == "ehall-kiosk-2.service"
    cg.write_text("0::/user.slice/user-1000.slice/session-3.scope\n")
    assert own_unit(str(cg)) == "ehall-kiosk.service"
    assert own_unit(str(tmp_path / "none")) == "ehall-kiosk.service"
