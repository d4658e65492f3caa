# SPDX-License-Identifier: Apache-2.0
"""The 模拟器 panel's core (training and demo mode, ``--simulate``): what staff can do to the
simulated devices so that every journey can be walked without hardware.

- **Cards** on the simulated ID reader: each fictitious card of drivers/id_reader/sim_cards.py.
  A card is *handed over* (放上): it lies on the reader from the moment the kiosk asks for a card
  (a citizen reached 请将身份证放在读卡区) until that citizen's session ends, as a citizen would
  place and take their own card; a card already lying there before the kiosk asked is one the
  reader never reads (请拿起证件重新放置), so it is not placed early. 取走 lifts it at once.
- **A staff badge** on the simulated smart-card reader, now or after a delay (time to leave the
  admin screen and reach the screen where the badge matters).
- **The receipt printer**: paper out, cover open, offline, and back to normal.
- **The ID reader's cable**: unplug and plug back (the admin device list shows it).

It exists only when :func:`simulating` (the kiosk was started with ``--simulate``): a real
terminal never has it. The screen (screens/admin_sim.py) shows :meth:`Simulator.lines` and
calls the actions here; it never touches a driver. No Kivy here.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from drivers.base import DeviceState

from ..observe import Observers

from ..i18n import N_

log = logging.getLogger(__name__)

CARDS = {"resident": N_("居民身份证"), "foreigner2017": N_("外国人永居证 2017 版"),
         "foreigner2023": N_("外国人永居证 2023 版"), "hmt": N_("港澳台居住证"),
         "expired": N_("过期的居民身份证")}
PRINTER_MODES = {"online": N_("正常"), "paper_out": N_("缺纸"), "cover_open": N_("纸仓盖打开"), "offline": N_("离线")}
BADGE = "badge"               # drivers/smartcard/simulator.py's fictitious staff badge
BADGE_UID = "04A1B2C3D4"
DEMO_STAFF = "DEMO"           # the staff id the demo badge gives (config.simulated())
WATCH_S = 0.05                # how often the card hand-over looks at the reader


def simulating(config) -> bool:
    """True when the kiosk was started with ``--simulate`` (``Config.simulated()``); a config file
    that puts devices on ``sim://`` (the defaults do) is not training mode."""
    return bool(getattr(config, "simulate", False))


class Simulator:
    """One per kiosk (:func:`simulator_of`); None outside simulate mode."""

    def __init__(self, kiosk, delay_wait: Callable[[float], bool] | None = None):
        self.kiosk = kiosk
        self.changes: Observers[Simulator] = Observers("simulator panel")
        self.card = ""                 # the card handed over (a CARDS key), "" when none
        self.placed = False            # it lies on the reader now
        self.message = ""
        self._stop = threading.Event()
        self._wait = delay_wait or self._stop.wait
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.faces: Any = None         # sim_faces.FaceActor when a demo face pair is configured
        self.faces_problem = ""

    # -- the demo face pair --------------------------------------------------------------
    def load_faces(self, folder: str) -> None:
        """The demo face pair in ``folder`` (``identity.demo_faces``; empty: the shipped public-domain
        pair) in front of the simulated camera; without a camera that can show it, the face check
        sees the camera's synthetic scene: no face."""
        from .sim_faces import FaceActor, load_pair

        from .sim_faces import SHIPPED

        camera = self._device("camera")
        if camera is None or not hasattr(camera, "show"):
            self.faces_problem = N_("没有配置演示人脸照片（identity.demo_faces）")
            return
        folder = folder or str(SHIPPED)          # the public-domain pair that ships (kiosk/data/demo_faces)
        try:
            self.faces = FaceActor(camera, load_pair(folder, camera.resolution or (640, 480)))
        except OSError as exc:
            log.warning("demo faces not loaded: %s", exc)
            self.faces_problem = N_("演示人脸照片不能读取：{error}", error=str(exc)[:100])

    def face_reference(self) -> str | None:
        """The chip photo the identity worker compares faces with (the pair's ``card``)."""
        return self.faces.pair.card_file if self.faces is not None else None

    def follow(self, identity) -> None:
        if self.faces is not None and identity is not None:
            self.faces.follow(identity)

    def same_person(self, same: bool) -> None:
        """人脸：本人 (the pair matches) or 换一个人 (it does not: the face check fails)."""
        if self.faces is None:
            return self._say(self.faces_problem)
        self.faces.set_same(same)
        self._say(N_("摄像头前：证件本人") if same else N_("摄像头前：另一个人（人脸核验会不通过）"))

    # -- the devices -------------------------------------------------------------------
    def _device(self, name: str) -> Any:
        return (self.kiosk.devices or {}).get(name)

    def _id_sim(self) -> Any:
        return getattr(self._device("id_reader"), "simulator", None)

    # -- ID cards ----------------------------------------------------------------------
    def hand_card(self, kind: str) -> None:
        """放上: the card lies on the reader whenever the kiosk asks for one (see the module doc)."""
        if kind not in CARDS:
            raise ValueError(f"no simulated card {kind!r}")
        if self._id_sim() is None:
            return self._say(N_("身份证阅读器还没有启动，稍后再试。"))
        with self._lock:
            if self.placed:
                self._id_sim().remove_card()
                self.placed = False
            self.card = kind
        self._start_watch()
        self._say(N_("已放上：{card}（读卡时读取）", card=CARDS[kind]))

    def take_card(self) -> None:
        """取走: the card is lifted now and not placed again."""
        sim = self._id_sim()
        with self._lock:
            self.card, was = "", self.placed
            self.placed = False
        if sim is not None and was:
            sim.remove_card()
        self._say(N_("已取走证件"))

    def _start_watch(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="simulator-card", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_S):
            self.step()

    def step(self) -> None:
        """One look at the reader: place the handed card once it asks for one (its first check for a
        card lying there is done), lift it when the session that read it is over."""
        reader, sim = self._device("id_reader"), self._id_sim()
        if reader is None or sim is None:
            return
        asking = bool(getattr(reader, "poll", False)) and bool(getattr(reader, "running", True))
        with self._lock:
            if self.card and not self.placed and asking and reader.wait_fresh_check(0):
                sim.place_card(self.card)
                self.placed = True
            elif self.placed and not getattr(reader, "running", True):
                sim.remove_card()            # the citizen took their card with them
                self.placed = False
            else:
                return
        self._changed()

    # -- the staff badge ---------------------------------------------------------------
    def badge(self, on: bool, delay: float = 0.0) -> None:
        """出示/收回工作证 on the simulated smart-card reader; with ``delay`` seconds, later (a thread)."""
        sim = getattr(self._device("smartcard"), "simulator", None)
        if sim is None:
            return self._say(N_("读卡器（工作证）还没有启动，稍后再试。"))
        if delay > 0:
            def later() -> None:
                if not self._wait(delay):
                    self.badge(on)
            threading.Thread(target=later, name="simulator-badge", daemon=True).start()
            return self._say(N_("{n} 秒后出示工作证：请先退出管理", n=round(delay)))
        if on:
            sim.remove_card()           # a fresh insertion each time (the badge watch reacts to insertions)
            sim.insert_card(BADGE)
        else:
            sim.remove_card()
        self._say(N_("已出示工作证") if on else N_("已收回工作证"))

    # -- the receipt printer -----------------------------------------------------------
    def printer(self, mode: str) -> None:
        printer = self._device("receipt_printer")
        if mode not in PRINTER_MODES:
            raise ValueError(f"no printer mode {mode!r}")
        if printer is None or not hasattr(printer, "set_mode"):
            return self._say(N_("没有模拟的小票打印机"))
        printer.set_mode(mode)
        if hasattr(printer, "refresh"):
            try:
                printer.refresh()        # its state follows (the admin list, the status to the hub)
            except Exception as exc:  # noqa: BLE001 - the new state says why
                log.debug("simulated printer: %s", exc)
        self._say(N_("小票打印机：{mode}", mode=PRINTER_MODES[mode]))

    # -- the ID reader's cable -----------------------------------------------------------
    def reader_cable(self, plugged: bool) -> None:
        reader, sim = self._device("id_reader"), self._id_sim()
        if sim is None:
            return self._say(N_("身份证阅读器还没有启动，稍后再试。"))
        if plugged:
            sim.replug()
        else:
            sim.unplug()
        if hasattr(reader, "refresh"):
            reader.refresh()
        self._say(N_("已插好身份证阅读器") if plugged else N_("已拔下身份证阅读器"))

    # -- what the panel shows ----------------------------------------------------------
    def lines(self) -> list[str]:
        reader, printer = self._device("id_reader"), self._device("receipt_printer")
        card = CARDS.get(self.card, "")
        if not card:
            out = [N_("读卡区：没有证件")]
        elif self.placed:
            out = [N_("读卡区：{card}（在读卡区上）", card=card)]
        else:
            out = [N_("读卡区：{card}（读卡时放上）", card=card)]
        if reader is not None:
            sim = self._id_sim()
            out.append(N_("身份证阅读器：已拔下") if sim is not None and reader.state is DeviceState.ABSENT
                       else N_("身份证阅读器：已连接"))
        if printer is not None and hasattr(printer, "mode"):
            out.append(N_("小票打印机：{mode}", mode=PRINTER_MODES.get(printer.mode, printer.mode)))
        if self.faces is None:
            out.append(N_("摄像头：{problem}", problem=self.faces_problem or N_("没有演示人脸")))
        else:
            out.append(N_("摄像头前：证件本人") if self.faces.same else N_("摄像头前：另一个人"))
        return out

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None

    def _say(self, text: str) -> None:
        self.message = text
        self._changed()

    def _changed(self) -> None:
        self.changes.notify(self)


def simulator_of(kiosk) -> Simulator | None:
    """The kiosk's simulator panel core, made on first use; None unless the kiosk simulates."""
    sim = getattr(kiosk, "simulator", None)
    if sim is None and simulating(kiosk.config):
        sim = Simulator(kiosk)
        kiosk.simulator = sim
    return sim


__all__ = ["CARDS", "PRINTER_MODES", "Simulator", "simulating", "simulator_of"]
