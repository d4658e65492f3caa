# SPDX-License-Identifier: Apache-2.0
"""The 模拟器 section of the admin screen (training and demo mode, ``--simulate`` only).

Staff hand the simulated ID reader each fictitious card, present the staff badge, set the
receipt printer to 缺纸/纸仓盖打开/离线 and back, and unplug and plug back the ID reader. The
section exists only when the admin flow has a simulator bridge (kiosk/ops/simulator.py makes a
simulator only in simulate mode); it calls the simulator's actions and never touches a driver.
"""
from __future__ import annotations

from kivy.factory import Factory

from kiosk.i18n import _
from kiosk.ops.simulator import CARDS, PRINTER_MODES

BADGE_DELAY_S = 10.0


def attach(screen, sim_bridge) -> None:
    """Adds the 模拟器 section button (once) and redraws on the simulator's changes."""
    if sim_bridge is None or "sec_sim" in screen.ids:
        return
    btn = Factory.AdminSection(text=_("模拟器"))
    btn.bind(on_release=lambda _b: screen.select("sim"))
    screen.ids.sections.add_widget(btn)
    screen.ids["sec_sim"] = btn
    sim_bridge.bind(revision=lambda *_a: screen._on_revision())


def relabel(screen) -> None:
    """The section button (made in Python) in the screen's language."""
    if "sec_sim" in screen.ids:
        screen.ids.sec_sim.text = _("模拟器")


def section(screen) -> tuple[str, ...]:
    return ("sim",) if "sec_sim" in screen.ids else ()


def act(screen, key: str) -> None:
    bridge = screen.flow.sim_bridge
    if bridge is None:
        return
    sim = bridge.simulator
    what, _, arg = key.partition(":")
    if what == "card":
        sim.hand_card(arg)
    elif what == "take":
        sim.take_card()
    elif what == "badge":
        sim.badge(arg != "off", delay=BADGE_DELAY_S if arg == "later" else 0.0)
    elif what == "printer":
        sim.printer(arg)
    elif what == "cable":
        sim.reader_cable(arg == "in")
    elif what == "face":
        sim.same_person(arg == "same")


def draw(screen, body) -> None:
    """Compact: the whole panel fits the screen without scrolling (buttons say what they do)."""
    sim = screen.flow.sim_bridge.simulator
    screen._line(body, _("培训演示：只作用于模拟设备，真实终端上没有这一页。证件放上后，在“请将身份证放在读卡区”时读取。"),
                 muted=True, small=True)
    lines = [_(line) for line in sim.lines()]          # the simulator's words, translated here
    screen._line(body, _("；").join(lines[:2]) + "\n" + _("；").join(lines[2:]))
    # English names are longer: the panel's buttons take the small size there, two lines each
    size = screen.app.theme.small if screen.app.ui.language != "zh" else 0
    keys = [(f"sim:card:{k}", _(text)) for k, text in CARDS.items()] + [("sim:take", _("取走证件"))]
    for start in range(0, len(keys), 3):
        screen._buttons(body, *keys[start:start + 3], font_size=size)
    screen._buttons(body, ("sim:badge:on", _("出示工作证")),
                    ("sim:badge:later", _("{n} 秒后出示工作证").format(n=f"{BADGE_DELAY_S:.0f}")),
                    ("sim:badge:off", _("收回工作证")), font_size=size)
    screen._buttons(body, *[(f"sim:printer:{m}", _("打印机{mode}").format(mode=_(text)))
                            for m, text in PRINTER_MODES.items()], font_size=size)
    screen._buttons(body, ("sim:cable:out", _("拔下阅读器")), ("sim:cable:in", _("插回阅读器")),
                    ("sim:face:same", _("摄像头前：本人")), ("sim:face:other", _("摄像头前：另一人")), font_size=size)
