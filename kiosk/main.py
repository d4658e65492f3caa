# SPDX-License-Identifier: Apache-2.0
"""The composition root: config → core → Kivy app. Only ``ehall-kiosk`` runs this."""
from __future__ import annotations

import logging
import os
import sys
import tempfile

from .catalogue import CatalogueError
from .config import Config

log = logging.getLogger(__name__)


def kivy_environment(kivy_home: str | None = None) -> None:
    """Settings Kivy reads at import: no CLI parsing, no writes into $HOME, quiet logs."""
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
    os.environ.setdefault("KIVY_HOME", kivy_home or tempfile.mkdtemp(prefix="ehall-kivy-"))


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
        ("kivy", "exit_on_escape"): 0,
        ("kivy", "keyboard_mode"): "systemanddock",   # on-screen keys + a physical keyboard/IME
        ("input", "mouse"): "mouse,disable_multitouch",
    }
    for (section, key), value in settings.items():
        KivyConfig.set(section, key, str(value))


def run(config: Config, windowed: bool = False) -> int:
    logging.getLogger().setLevel(config["logging.level"])
    from .core import Kiosk

    kiosk = Kiosk.build(config)  # CatalogueError propagates to the CLI's message
    kivy_environment()
    configure_kivy(config, windowed)
    from screens.app import KioskApp

    KioskApp(kiosk, kiosk_mode=not windowed).run()
    return 0


__all__ = ["run", "kivy_environment", "configure_kivy", "CatalogueError"]
