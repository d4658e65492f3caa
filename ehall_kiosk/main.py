# SPDX-License-Identifier: Apache-2.0
"""The composition root: config → core (``kiosk.wiring``) → Kivy app.

The one module that may import every layer (docs/architecture.md). ``ehall-kiosk`` and
``python -m ehall_kiosk`` come here; the admin subcommands are ``kiosk.cli``'s.
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
import threading

from kiosk import cli
from kiosk.config import Config

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """``ehall-kiosk``: the admin subcommands, or (with none) the kiosk itself."""
    return cli.main(argv, app=run)


# Kivy's image providers: SDL2_image reads every image the screens show (PNG and JPEG files, the
# web preview's PNG from memory); Kivy's PIL provider, only registered as a fallback behind it,
# imported PIL at start (2.9 MB resident, docs/memory.md), which now loads only where the kiosk
# itself needs PIL (a QR code, a receipt, a photo)
KIVY_IMAGE_PROVIDERS = "tex,dds,sdl2"


def kivy_environment(kivy_home: str | None = None) -> None:
    """Settings Kivy reads at import: no CLI parsing, no writes into $HOME, quiet logs, the image
    providers the screens need."""
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_IMAGE", KIVY_IMAGE_PROVIDERS)
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
    if "KIVY_HOME" not in os.environ:
        home = kivy_home or tempfile.mkdtemp(prefix="ehall-kivy-")
        if kivy_home is None:
            atexit.register(shutil.rmtree, home, ignore_errors=True)
        os.environ["KIVY_HOME"] = home


def configure_kivy(config: Config, windowed: bool) -> None:
    """Window and input settings; must run before kivy.core.window is imported."""
    from kivy.config import Config as KivyConfig

    width, height = config["ui.width"], config["ui.height"]
    full = config["ui.fullscreen"] and not windowed
    settings = {
        ("graphics", "width"): width, ("graphics", "height"): height,
        ("graphics", "fullscreen"): "auto" if full else "0",
        ("graphics", "borderless"): 1 if full else 0,
        ("graphics", "resizable"): 0 if full else 1,
        ("graphics", "show_cursor"): 0 if full else 1,
        ("graphics", "multisamples"): config["ui.multisamples"],
        ("kivy", "exit_on_escape"): 0,
        ("kivy", "keyboard_mode"): "systemanddock",   # on-screen keys + a physical keyboard/IME
        ("input", "mouse"): "mouse,disable_multitouch",
    }
    for (section, key), value in settings.items():
        KivyConfig.set(section, key, str(value))


def run(config: Config, windowed: bool = False) -> int:
    # until the main loop takes over (_stop_on_signals), a stop request is noted (_asked_early) and
    # the start stops at the next step: after the core is wired, its devices are closed (simulators
    # remove their temp folders) and the kiosk exits 0. Raising SystemExit from the handler instead
    # could land in an import lock's weakref callback (only printed, a traceback in the log) or
    # leave a device opening on its thread with nobody to close it.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _asked_early)
    from kiosk.privacy import no_core_dumps
    no_core_dumps()                      # before any card is read: a crash writes no core file
    root = logging.getLogger()
    root.setLevel(config["logging.level"])
    for handler in root.handlers:       # Kivy and escpos set their own loggers to DEBUG
        handler.setLevel(config["logging.level"])
    from kiosk import logfilter
    logfilter.install()                 # ID numbers, phones, the session's names: masked in every line
    from kiosk import wiring

    if _STOP_ASKED.is_set():
        return 0
    kiosk, watch = wiring.start(config)        # CatalogueError propagates to the CLI's message
    if _STOP_ASKED.is_set():                   # stopped while starting: close what was opened
        wiring.stop(kiosk, watch)
        return 0
    kivy_environment()
    configure_kivy(config, windowed)
    from screens.app import KioskApp

    app = KioskApp(kiosk, kiosk_mode=not windowed)
    if os.environ.get(READY_ENV):
        _exit_after_first_frame(app)
    _freeze_startup_when_ready()
    _watchdog(app)
    _stop_on_signals(app)
    try:
        app.run()
    finally:                                    # shutdown: simulators remove their temp folders
        wiring.stop(kiosk, watch)
    return int(getattr(app, "exit_code", 0))    # 退出到桌面: scripts/kiosk-session opens the desktop


_STOP_ASKED = threading.Event()     # a stop request (SIGTERM, SIGINT): the start and the main loop check it


def _asked_early(signum, _frame) -> None:
    """A stop request before the main loop: kept for the start's next step (see :func:`run`)."""
    _STOP_ASKED.set()


def _stop_on_signals(app) -> None:
    """SIGTERM (systemd's stop) and SIGINT end the main loop, so ``run`` closes the devices.

    Left alone, SDL turns SIGTERM into a window close request, which kiosk mode refuses
    (systemd then kills the kiosk, nothing cleaned up), and Ctrl-C is a UI error the app
    recovers from. The handler only sets a flag; a Clock poll on the UI thread stops the app.
    """
    from kivy.clock import Clock

    asked = _STOP_ASKED
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: asked.set())

    def poll(_dt):
        if asked.is_set():
            app.stop()
            return False
        return True

    Clock.schedule_interval(poll, 0.2)


def _watchdog(app) -> None:
    """systemd ``Type=notify`` with ``WatchdogSec``: READY=1 once the home screen's first frame is
    drawn, then WATCHDOG=1 from the Kivy main loop at half the watchdog interval, so a frozen UI
    (the process alive, the screen stuck) stops pinging and systemd restarts it. Nothing happens
    without ``NOTIFY_SOCKET`` (not under systemd). The unit sets NotifyAccess=all: the kiosk runs
    under xinit, not as the unit's main process.
    """
    if not os.environ.get("NOTIFY_SOCKET"):
        return
    import sdnotify
    from kivy.clock import Clock
    from kivy.core.window import Window

    notifier = sdnotify.SystemdNotifier()
    usec = int(os.environ.get("WATCHDOG_USEC", "0") or 0)

    def on_flip(*_args):
        Window.unbind(on_flip=on_flip)
        notifier.notify("READY=1")
        if usec > 0:
            Clock.schedule_interval(lambda _dt: notifier.notify("WATCHDOG=1"), usec / 2e6)

    Window.bind(on_flip=on_flip)
    app.bind(on_stop=lambda *_a: notifier.notify(stop_notice(getattr(app, "exit_code", 0))))


def stop_notice(exit_code: int) -> str:
    """What systemd hears as the app stops. Usually STOPPING=1. After 退出到桌面 (status 75) the
    unit stays up while the desktop runs in the X session (scripts/kiosk-session): STOPPING=1 would
    start the unit's stop timeout, and the watchdog would kill the desktop, so the watchdog is
    switched off instead (WATCHDOG_USEC=0); the next start of the unit brings it back."""
    from kiosk.ops.admin import EXIT_TO_DESKTOP

    return "STATUS=desktop (退出到桌面)\nWATCHDOG_USEC=0" if exit_code == EXIT_TO_DESKTOP else "STOPPING=1"


def _freeze_startup_when_ready() -> None:
    """At the home screen's first frame, start-up's objects are frozen for the collector, so the
    collection at each session's end is cheap (kiosk/memory.py, docs/memory.md)."""
    from kivy.core.window import Window

    from kiosk import memory

    def on_flip(*_args):
        Window.unbind(on_flip=on_flip)
        memory.freeze_startup()

    Window.bind(on_flip=on_flip)


READY_ENV = "EHALL_KIOSK_EXIT_WHEN_READY"   # bench/bench_startup.py: report, then stop


def _exit_after_first_frame(app) -> None:
    """Prints ``ready rss_kb=N`` once the home screen's first frame is drawn, then stops."""
    from kivy.core.window import Window

    def on_flip(*_args):
        Window.unbind(on_flip=on_flip)
        rss = next((line.split()[1] for line in open("/proc/self/status", encoding="ascii")
                    if line.startswith("VmRSS:")), "0")
        print(f"ready rss_kb={rss}", flush=True)
        app.stop()

    Window.bind(on_flip=on_flip)


__all__ = ["main", "run", "kivy_environment", "configure_kivy", "KIVY_IMAGE_PROVIDERS"]
