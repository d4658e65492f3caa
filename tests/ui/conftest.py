# SPDX-License-Identifier: Apache-2.0
"""Real-rendering UI tests: one Kivy window per pytest process, a fresh app per test.

The harness: offscreen
SDL, maxfps 0, taps through UnitTestTouch (the real input path), frames
pumped with EventLoop.idle(). Kept in tests/ui so other test folders never
start Kivy.
"""
import os
import sys
import time
from pathlib import Path

import pytest

# Kivy reads these at import time: set them before anything imports kivy. Its home
# (KIVY_HOME) is a temp folder per pytest process that tests/conftest.py makes and removes.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
os.environ.setdefault("KIVY_METRICS_DENSITY", "1")
os.environ.setdefault("KIVY_DPI", "96")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
from ehall_kiosk.main import KIVY_IMAGE_PROVIDERS  # noqa: E402  (no Kivy import)

os.environ.setdefault("KIVY_IMAGE", KIVY_IMAGE_PROVIDERS)     # the image providers a kiosk has

ROOT = Path(__file__).resolve().parents[2]

if str(Path(__file__).parent) not in sys.path:     # ui_kit lives beside this file (also when
    sys.path.insert(0, str(Path(__file__).parent))  # tests/identity loads this conftest by path)
from ui_kit import WIN_H, WIN_W, button, overflowing, visible_labels  # noqa: E402,F401

def production_config():
    """The kiosk's default config: the tests draw with the same GL settings as a hall's kiosk."""
    from kiosk import config as config_mod
    return config_mod.load()



def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.ui)


@pytest.fixture(scope="session")
def kivy_window():
    from kivy.config import Config
    for k, v in {"width": WIN_W, "height": WIN_H, "borderless": 1, "position": "custom",
                 "left": 0, "top": 0, "maxfps": 0,
                 "multisamples": production_config()["ui.multisamples"]}.items():
        Config.set("graphics", k, str(v))
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "systemanddock")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.base import EventLoop
    from kivy.core.window import Window
    EventLoop.ensure_window()
    Window.close = lambda *a, **k: None      # never destroy the shared window
    return Window


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class UIDriver:
    def __init__(self, app, window, kiosk, clock):
        self.app, self.window, self.kiosk, self.clock = app, window, kiosk, clock

    @property
    def screen(self):
        return self.app.manager.current_screen

    def frames(self, n=2):
        from kivy.base import EventLoop
        for _ in range(n):
            EventLoop.idle()

    def wait_until(self, pred, timeout=5.0):
        end = time.monotonic() + timeout
        while not pred():
            assert time.monotonic() < end, "condition not met"
            self.frames(1)

    def tap_xy(self, x, y):
        from kivy.tests.common import UnitTestTouch
        t = UnitTestTouch(x, y)
        t.touch_down()
        self.frames(1)
        t.touch_up()
        self.frames(2)

    def tap(self, widget):
        assert widget.get_root_window() is not None, f"{widget} is not on the window"
        self.tap_xy(*widget.to_window(*widget.center))

    def keyboard(self):
        from screens.widgets import KioskKeyboard
        kbs = [w for w in self.window.children if isinstance(w, KioskKeyboard)]
        return kbs[0] if kbs else None

    def tap_key(self, caption):
        """Taps a key of the docked keyboard by its caption (keys are in the
        Scatter's local coordinates: convert with to_parent)."""
        vk = self.keyboard()
        assert vk is not None, "the on-screen keyboard is not shown"
        layout = vk.available_layouts[vk.layout]
        for line in range(1, layout["rows"] + 1):
            keys = layout[f"{vk.layout_mode}_{line}"]
            for key, (pos, size) in zip(keys, vk.layout_geometry[f"LINE_{line}"]):
                if key[0] == caption:
                    self.tap_xy(*vk.to_parent(pos[0] + size[0] / 2, pos[1] + size[1] / 2))
                    return
        raise AssertionError(f"no key {caption!r}")

    def idle_for(self, seconds):
        """Advances the session's clock and lets the app's tick run."""
        self.clock.advance(seconds)
        self.app._tick(0)
        self.frames(2)

    def screenshot(self, name):
        folder = Path(os.environ.get("KIOSK_SHOT_DIR") or ROOT / "test-output" / "screenshots")
        folder.mkdir(parents=True, exist_ok=True)
        self.frames(2)
        made = self.window.screenshot(name=str(folder / f"{name}-.png"))  # Kivy adds a counter
        final = folder / f"{name}.png"
        os.replace(made, final)
        return str(final)


@pytest.fixture(scope="session")
def kiosk_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("pinyin-cache")


def _forget_kv_app():
    """Kivy's kv name ``app`` is a proxy that keeps the first app it resolves until that app's
    on_stop. A kv rule that reads ``app`` while an app stops (after on_stop ran: a screen's wipe
    flips a condition) would keep the stopped app for the next test's kv rules: its buttons would
    act on the old kiosk. One app per process in production; a fresh app per test here."""
    from kivy.lang import global_idmap
    object.__setattr__(global_idmap["app"], "_obj", None)


@pytest.fixture
def make_ui(kivy_window, kiosk_cache):
    from kivy.app import App
    from kivy.base import EventLoop, stopTouchApp

    from kiosk import config as config_mod
    from kiosk.core import Kiosk
    from screens.app import KioskApp

    made = []

    def make(simulate=False, **overrides):
        cfg = config_mod.load().with_overrides(**{"catalogue.cache_dir": str(kiosk_cache), **overrides})
        if simulate:            # as `ehall-kiosk --simulate` (training and demo mode)
            cfg = cfg.simulated()
        clock = FakeClock()
        kiosk = Kiosk.build(cfg, clock=clock)
        app = KioskApp(kiosk, kiosk_mode=True)
        app._run_prepare()
        EventLoop.start()
        drv = UIDriver(app, kivy_window, kiosk, clock)
        made.append(drv)
        drv.frames(2)
        return drv

    yield make
    from kiosk.devices import close_all

    for drv in made:
        drv.app._stop()
        if EventLoop.status == "started":
            stopTouchApp()
        close_all(drv.kiosk.devices)          # devices a test gave the kiosk (simulators' temp folders)
    _forget_kv_app()
    from screens.widgets import KioskKeyboard
    assert App.get_running_app() is None
    assert not [w for w in kivy_window.children if not isinstance(w, KioskKeyboard)]


@pytest.fixture
def ui(make_ui):
    return make_ui()
