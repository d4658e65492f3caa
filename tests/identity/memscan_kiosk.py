# SPDX-License-Identifier: Apache-2.0
"""The kiosk's core as a process of its own, for the memory scan (tests/identity/test_idf_memory.py).

It is what the kiosk process holds of a citizen: the session, the identity service on the kiosk's
reader, which is the identity worker's proxy (the worker process opens the ``serial://`` port; the
SAM simulator runs in the TEST process, as a real reader is outside the kiosk), the real face engine
in the worker and a real camera's stand-in: ``file://`` frames the TEST made, which the worker opens
itself (the kiosk lends it its camera), as it would a ``v4l2://`` one. This process never loads the
face engine nor reads a frame. Kivy is left out: the screens get masked strings only. Driven line by
line on stdin; answers one line on stdout:

    consent | consent_still -> "armed PID"   (consent given, the reader's fresh check done; PID: the
                                identity worker; _still: the camera sees a face that never turns)
    wait_identified    -> "identified"  (after the test placed the card)
    wait_face          -> "face"        (the face check runs and its preview is on the "screen")
    end | home_clear | timeout | removed -> "ended" (the session ended that way, the worker exited; gc ran)
    quit
"""
from __future__ import annotations

import datetime as dt
import gc
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS / "identity"), str(TESTS)]


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def main(port: str, frames: str, still: str) -> None:
    from idf_helpers import CARD_PHOTO, States

    from drivers.camera import make_camera
    from kiosk import config as config_mod
    from kiosk import devices
    from kiosk.identity import IdentityService
    from kiosk.identity_face import worker_opens
    from kiosk.identity_model import Step
    from kiosk.privacy import no_core_dumps
    from kiosk.session import Session

    no_core_dumps()                    # as the kiosk does (the scanning test runs as root)
    import logging

    from kiosk import logfilter
    logfilter.install()                # as the kiosk does: every line masked
    # the core's and the worker's lines go to stderr, which pytest shows when a test fails
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(relativeCreated)d core %(name)s: %(message)s")
    faces = TESTS / "fixtures" / "faces"
    clock = Clock()
    cfg = config_mod.load()
    session = Session(90, 20, clock=clock, identity_idle_seconds=cfg["identity.idle_seconds"])
    from drivers.registry import open_device
    # as the kiosk's devices thread: the kiosk's reader is the identity worker's proxy (kiosk/identity_proxy.py)
    reader = open_device(devices.create("id_reader", {"uri": f"serial://{port}"}))
    assert type(reader).__name__ == "WorkerIdReader", type(reader)
    cameras = {"consent": f"file://{frames}", "consent_still": f"file://{still}"}
    camera = make_camera("camera", cameras["consent"])
    worker_opens(camera)                 # as build_identity does: the worker opens it, the kiosk checks it
    camera = open_device(camera)         # open, as at the kiosk's start
    # the face engine runs in the identity worker too, as build_identity sets it up, with the camera it opens
    # itself; the "chip photo" is a fixture face there (the simulator's test photo is no face)
    verifier = reader.enable_face({"total_timeout_s": 40.0, "turn_timeout_s": 30.0,
                                   "reference_file": str(faces / CARD_PHOTO), "camera_uri": cameras["consent"]})
    svc = IdentityService(reader, camera, verifier, session, cfg, clock,
                          today=lambda: dt.date(2026, 11, 27), face_challenge=("left", "right"))
    states = States(svc)
    ended = []
    session.on_wipe(lambda: ended.append(1))

    def say(word):
        sys.stdout.write(word + "\n")
        sys.stdout.flush()

    mark = 0
    say("ready")
    for line in sys.stdin:
        cmd = line.strip()
        logging.getLogger("memscan").info("asked: %s", cmd)
        if cmd in cameras:
            verifier.camera_uri = verifier.setup["camera_uri"] = cameras[cmd]   # what the camera sees
            session.go("item", id="x")
            session.go("consent")
            mark = states.mark()
            svc.begin()
            svc.consent_card(True)
            svc.consent_face(True)
            assert reader.wait_fresh_check(5)
            states.wait("waiting_card", 5, since=mark)
            say(f"armed {reader.worker_pid}")
        elif cmd == "wait_face":
            import time
            states.wait(lambda s: s.step is Step.FACE and s.turn, 60, since=mark)   # asked to turn
            deadline = time.monotonic() + 10
            while svc.preview.serial < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert svc.preview.size is not None and not camera.is_open
            say("face")
        elif cmd == "wait_identified":
            states.wait(lambda s: s.step is Step.IDENTIFIED, 60, since=mark)
            import time
            deadline = time.monotonic() + 5
            while session.identity is None and time.monotonic() < deadline:   # set just after the step
                time.sleep(0.01)
            assert session.identity is not None
            say("identified")
        elif cmd in ("end", "home_clear", "timeout", "removed"):
            before = len(ended)
            if cmd == "end":
                session.end("finished")                 # 结束办理
            elif cmd == "home_clear":
                session.home()                          # 首页 → the question → 结束并清除
                assert session.confirm_home and session.identity is not None
                session.end("finished")
            elif cmd == "timeout":
                for _ in range(3):                      # the short identity idle time, then its countdown
                    clock.now += cfg["identity.idle_seconds"]
                    session.tick()
            # "removed": the test took the card off its reader; the service ends the session itself, on the
            # proxy's event thread here (the kiosk posts it to its UI thread): the wipers run before the
            # session lets go of the identity, so wait for both, not for the first
            import time
            deadline = time.monotonic() + 10
            while (len(ended) == before or session.identity is not None) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(ended) > before and session.identity is None, (
                f"{cmd}: sessions ended {len(ended) - before}, identity {'held' if session.identity else 'none'}, "
                f"step {svc.state.step.value}, card on {svc._card_on}, polling {reader.poll}, worker {reader.running}")
            import time
            deadline = time.monotonic() + 10
            while not camera.is_open and time.monotonic() < deadline:   # back from the worker
                time.sleep(0.02)
            assert reader.wait_ended(10), "the identity worker did not exit"
            gc.collect()
            say("ended")
        elif cmd == "quit":
            break
    svc.close()
    camera.close()
    reader.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
