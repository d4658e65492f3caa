# SPDX-License-Identifier: Apache-2.0
"""The terminal around the kiosk, for the admin screen: log lines, network, hub, volume,
brightness, and power through systemd-logind on the system D-Bus (jeepney).

Each part says plainly when this terminal does not allow it (no backlight, a simulated
speaker). No Kivy here, nothing at import.
"""
from __future__ import annotations

import collections
import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

from .. import logfilter
from ..i18n import N_

LOG_LINES = 200
LINK_WORDS = {"up": N_("已连接"), "down": N_("未连接"), "dormant": N_("等待中")}


class LogRing(logging.Handler):
    """The last :data:`LOG_LINES` log lines of this process, masked (the record factory of
    kiosk/logfilter.py masks them when made; the line is masked again here, so a handler added
    before the factory still shows nothing in clear)."""

    _installed: "LogRing | None" = None
    _lock = threading.Lock()

    def __init__(self, size: int = LOG_LINES):
        super().__init__(logging.INFO)
        self.ring: collections.deque[str] = collections.deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname).1s %(name)s: %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.ring.append(logfilter.mask(self.format(record)).replace("\n", " | ")[:400])
        except Exception:  # noqa: BLE001 - a log line must never break the logger
            pass

    def lines(self) -> list[str]:
        return list(self.ring)

    @classmethod
    def install(cls) -> "LogRing":
        """The one ring on the root logger (installed once per process)."""
        with cls._lock:
            if cls._installed is None:
                cls._installed = cls()
                logging.getLogger().addHandler(cls._installed)
            return cls._installed


class Network:
    """Interfaces (operstate, IPv4 addresses) from /sys and ``ip``; loopback left out."""

    def __init__(self, sysfs: str = "/sys"):
        self.net = Path(sysfs) / "class" / "net"

    def lines(self) -> list[str]:
        try:
            names = sorted(p.name for p in self.net.iterdir() if p.name != "lo")
        except OSError:
            return [N_("网络：读不到网卡信息")]
        if not names:
            return [N_("网络：没有网卡")]
        addrs = _ipv4_addresses()
        out = []
        for name in names:
            state = _read(self.net / name / "operstate") or "unknown"
            words = LINK_WORDS.get(state, state)
            out.append(N_("{name}：{state}{addresses}", name=name, state=words,
                          addresses=("  " + ", ".join(addrs[name])) if addrs.get(name) else ""))
        return out


def _ipv4_addresses() -> dict[str, list[str]]:
    ip = shutil.which("ip")
    if ip is None:
        return {}
    try:
        text = subprocess.run([ip, "-o", "-4", "addr", "show"], capture_output=True, text=True,
                              timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"^\d+:\s+(\S+)\s+inet\s+(\S+)", text, re.M):
        out.setdefault(m.group(1), []).append(m.group(2))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def hub_line(kiosk) -> str:
    """The hub connection in words: host only (never the token)."""
    url = kiosk.config.get("assist.hub_url", "") or ""
    if not url:
        return N_("服务台连接：未配置（assist.hub_url 为空）")
    host = urlsplit(url).netloc
    service = getattr(kiosk, "assist", None)
    if service is None:
        return N_("服务台连接：{host}，服务未启动", host=host)
    status = service.status
    if status.state == "unavailable":
        return N_("服务台连接：{host}，服务台拒绝了本机（请核对令牌）", host=host)
    if status.linked:
        return N_("服务台连接：{host}，已连接", host=host)
    return N_("服务台连接：{host}，未连接，正在重试", host=host)


class _Unavailable:
    available = False

    def __init__(self, why: str):
        self.why = why

    def describe(self) -> str:
        return self.why

    def set(self, _percent: int) -> str:
        return self.why


class Backlight:
    """/sys/class/backlight/NAME: brightness against max_brightness."""
    available = True

    def __init__(self, folder: Path):
        self.folder = folder
        self.max = int(_read(folder / "max_brightness") or 0) or 1

    def percent(self) -> int:
        return round(100 * int(_read(self.folder / "brightness") or 0) / self.max)

    def describe(self) -> str:
        return N_("亮度 {percent}%", percent=self.percent())

    def set(self, percent: int) -> str:
        value = max(1, round(self.max * max(5, min(100, percent)) / 100))
        try:
            (self.folder / "brightness").write_text(str(value), encoding="ascii")
        except OSError as exc:
            return N_("亮度没有改变：{error}", error=exc.strerror or "")
        return N_("亮度已调到 {percent}%", percent=self.percent())


def backlight(sysfs: str = "/sys"):
    """This screen's backlight, or why there is none to set."""
    folder = Path(sysfs) / "class" / "backlight"
    try:
        found = sorted(folder.iterdir())
    except OSError:
        found = []
    if not found:
        return _Unavailable(N_("这台终端的屏幕不能由本机调节亮度（没有背光接口），请用显示器自己的按键。"))
    if not os.access(found[0] / "brightness", os.W_OK):
        return _Unavailable(N_("亮度：本机账户没有调节权限（{name}），请联系维护人员。", name=found[0].name))
    return Backlight(found[0])


class AlsaVolume:
    """The speaker's mixer through ``amixer`` (alsa-utils): control Master, mapped volume."""
    available = True

    def __init__(self, device: str, control: str = "Master"):
        self.device, self.control = device, control

    def _amixer(self, *args: str) -> str:
        return subprocess.run(["amixer", "-D", self.device, "-M", *args], capture_output=True, text=True,
                              timeout=3, check=True).stdout

    def describe(self) -> str:
        try:
            found = re.search(r"\[(\d+)%\]", self._amixer("sget", self.control))
        except (OSError, subprocess.SubprocessError):
            return N_("音量：读不到 {device} 的音量", device=self.device)
        if found:
            return N_("音量 {percent}%", percent=found.group(1))
        return N_("音量：{device} 没有 {control} 调节", device=self.device, control=self.control)

    def set(self, percent: int) -> str:
        try:
            self._amixer("sset", self.control, f"{max(0, min(100, percent))}%")
        except (OSError, subprocess.SubprocessError):
            return N_("音量没有改变：{device} 不能调节", device=self.device)
        return N_("已调节。{volume}", volume=self.describe())


def volume_control(config):
    uri = config.get("devices.audio.uri", "") or ""
    if not uri.startswith("alsa://"):
        return _Unavailable(N_("音量：本机没有配置真实的音箱（devices.audio.uri 是模拟设备），不能调节。"))
    if shutil.which("amixer") is None:
        return _Unavailable(N_("音量：没有安装 amixer（alsa-utils），不能调节。"))
    return AlsaVolume(uri[len("alsa://"):] or "default")


class Logind:
    """关机 / 重启终端 through org.freedesktop.login1 on the system bus (``bus`` may be another
    bus's address, e.g. a test's own). ``interactive`` is false: the kiosk user's polkit rule
    (docs/operations.md) must allow it, else logind refuses and the admin reads why."""

    DEST, PATH, IFACE = "org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager"
    METHODS = {"poweroff": "PowerOff", "reboot": "Reboot"}

    def __init__(self, bus: str = "SYSTEM", timeout: float = 10.0):
        self.bus, self.timeout = bus, timeout

    def power(self, what: str) -> None:
        """Raises ValueError for an unknown ``what``, jeepney's DBusErrorResponse when logind
        refuses, OSError when there is no bus."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        method = self.METHODS[what] if what in self.METHODS else None
        if method is None:
            raise ValueError(f"unknown power action {what!r}")
        address = DBusAddress(self.PATH, bus_name=self.DEST, interface=self.IFACE)
        with open_dbus_connection(bus=self.bus) as conn:
            unwrap_msg(conn.send_and_get_reply(new_method_call(address, method, "b", (False,)),
                                               timeout=self.timeout))
