# SPDX-License-Identifier: Apache-2.0
"""The whole kiosk app (Kivy, offscreen) as a process of its own, for the memory scan
(tests/identity/test_idf_memory.py): the screens draw the identity flow, the masked identity and the
face preview, so the scan covers the UI process itself, not only the core.

The identity service runs on the kiosk's reader (the identity worker's proxy for ``serial://`` on the
TEST's simulator pty) with the face engine and the camera in the worker (``file://`` frames the TEST
made). Driven line by line on stdin, between commands Kivy does not run; answers one line on stdout:

    consent | consent_still -> "armed PID"   (PID: the identity worker; _still: a face that never turns)
    wait_identified    -> "identified"  (the identified screen shows the masked identity)
    wait_face          -> "face"        (the face screen shows the worker's preview)
    end                -> "ended"       (结束办理: the session ended, the worker exited, home is drawn)
    quit
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS / "identity"), str(TESTS / "ui"), str(TESTS)]
for key, value in {"KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
                   "KIVY_USE_DEFAULTCONFIG": "1", "KIVY_METRICS_DENSITY": "1", "KIVY_DPI": "96",
                   "SDL_VIDEODRIVER": "offscreen"}.items():
    os.environ.setdefault(key, value)


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def frames(n: int = 1) -> None:
    from kivy.base import EventLoop
    for _ in range(n):
        EventLoop.idle()


def wait(pred, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError(f"timed out: {what}")
        frames(1)


def window():
    from kivy.config import Config
    from ui_kit import WIN_H, WIN_W

    from kiosk import config as config_mod
    for k, v in {"width": WIN_W, "height": WIN_H, "borderless": 1, "maxfps": 0,
                 "multisamples": config_mod.load()["ui.multisamples"]}.items():
        Config.set("graphics", k, str(v))
    Config.set("kivy", "keyboard_mode", "systemanddock")
    from kivy.base import EventLoop
    EventLoop.ensure_window()


def main(port: str, frames_dir: str, still: str) -> None:
    from idf_helpers import CARD_PHOTO

    from drivers.camera import make_camera
    from drivers.registry import open_device
    from kiosk import config as config_mod
    from kiosk import devices
    from kiosk.core import Kiosk
    from kiosk.identity import IdentityService
    from kiosk.identity_model import Step
    from kiosk.privacy import no_core_dumps

    no_core_dumps()
    window()
    from kivy.base import EventLoop

    from screens.app import KioskApp
    clock = Clock()
    kiosk = Kiosk.build(config_mod.load(), clock=clock)
    app = KioskApp(kiosk, kiosk_mode=True)
    app._run_prepare()
    EventLoop.start()
    frames(2)
    reader = open_device(devices.create("id_reader", {"uri": f"serial://{port}"}))
    cameras = {"consent": f"file://{frames_dir}", "consent_still": f"file://{still}"}
    camera = open_device(make_camera("camera", cameras["consent"]))
    verifier = reader.enable_face({"total_timeout_s": 40.0, "turn_timeout_s": 30.0, "camera_uri": cameras["consent"],
                                   "reference_file": str(TESTS / "fixtures" / "faces" / CARD_PHOTO)})
    svc = IdentityService(reader, camera, verifier, kiosk.session, kiosk.config, clock,
                          today=lambda: dt.date(2026, 11, 27), face_challenge=("left", "right"))
    kiosk.identity = svc
    session = kiosk.session

    def say(word: str) -> None:
        sys.stdout.write(word + "\n")
        sys.stdout.flush()

    say("ready")
    for line in sys.stdin:
        cmd = line.strip()
        if cmd in cameras:
            verifier.camera_uri = verifier.setup["camera_uri"] = cameras[cmd]
            session.go("item", id=next(iter(kiosk.catalogue.by_id)))
            frames(2)
            session.go("consent")
            frames(2)
            svc.begin()
            svc.consent_card(True)
            svc.consent_face(True)
            wait(lambda: reader.wait_fresh_check(0.01) and svc.state.step is Step.WAITING_CARD, 20, "waiting")
            wait(lambda: verifier.state.value == "ready", 60, "the worker's face engine")
            say(f"armed {reader.worker_pid}")
        elif cmd == "wait_identified":
            wait(lambda: session.identity is not None and app.manager.current == "identified"
                 and not app.manager.transition.is_active, 60, "identified")
            frames(3)
            say("identified")
        elif cmd == "wait_face":
            wait(lambda: app.manager.current == "face" and svc.state.turn
                 and app.manager.current_screen.texture is not None, 60, "the face screen's preview")
            frames(3)
            say("face")
        elif cmd == "end":
            session.end("finished")                         # 结束办理
            wait(lambda: session.identity is None and app.manager.current == "home"
                 and not app.manager.transition.is_active, 20, "home")
            assert reader.wait_ended(10), "the identity worker did not exit"
            wait(lambda: camera.is_open, 10, "the camera back in the kiosk")
            frames(5)
            gc.collect()
            say("ended")
        elif cmd == "quit":
            break
    svc.close()
    camera.close()
    reader.close()
    app._stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
