# SPDX-License-Identifier: Apache-2.0
"""The identity worker (issue 16): a process per session owns the reader; the core gets masked fields.

Service level, on the kiosk's own reader (``kiosk.devices`` builds the worker's proxy) with the
byte-exact simulator on its pty. The UI flow with the worker is in test_idf_ui.py, the memory scan of
every kiosk process in test_idf_memory.py.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import fields

import pytest
from idf_helpers import States, fresh_card
from waiting import wait_for

from drivers.base import DeviceState
from kiosk import config as config_mod
from kiosk.identity import IdentityService
from kiosk.identity_model import ID_LIFT_AND_PLACE, ID_READER_UNAVAILABLE, Step
from kiosk.session import Session


@pytest.fixture
def flow(worker_reader, camera):
    made = []

    def make():
        session = Session(90, 20)
        svc = IdentityService(worker_reader, camera, None, session, config_mod.load(),
                              today=lambda: dt.date(2026, 11, 27))
        made.append(svc)
        session.go("item", id="x")
        session.go("consent")
        return svc, session, States(svc)
    yield make
    for svc in made:
        svc.close()


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def consent(svc, states):
    mark = states.mark()
    svc.begin()
    svc.consent_card(True)
    svc.consent_face(True)
    states.wait("waiting_card", 5, since=mark)
    assert svc.reader.wait_fresh_check(10)
    if svc.verifier is not None:         # a citizen reads the consent text while the engine loads
        wait_for(lambda: svc.verifier.state is not DeviceState.CONNECTING, 40, "the worker's face engine")
    return mark



def test_idf_worker_reads_the_card_and_the_core_gets_masked_fields_only(flow):
    """GIVEN consent WHEN a card is placed THEN the screens get the masked name and number, and the
    card object the core holds has no clear field; the card lives in another process."""
    svc, session, states = flow()
    assert not svc.reader.running                     # no worker before the consent screen
    mark = consent(svc, states)
    worker = svc.reader.worker_pid
    assert worker != os.getpid() and alive(worker)
    card, _ = fresh_card(seed=1616)
    held, got_it = [], threading.Event()
    svc.reader.subscribe(lambda e: e.kind == "card_inserted" and (held.append(e.data["card"]), got_it.set()))
    svc.reader.simulator.place_card(card)
    state = states.wait("card_read", 10, since=mark)
    assert state.masked_name == card.masked_name() and state.masked_number == card.masked_number()
    assert state.card_type_text == "居民身份证"
    assert got_it.wait(5)
    got = held[0]
    clear = [card.name, card.number, card.address, card.authority] + [     # and every longer text field
        getattr(card, f.name) for f in fields(card) if isinstance(getattr(card, f.name), str)
        and len(getattr(card, f.name)) >= 6]
    core_side = " ".join(str(v) for v in vars(got).values()) + repr(got) + got.name
    assert not [v for v in clear if v in core_side], "a clear field reached the core"
    assert card.name not in repr(svc.state) and card.number not in repr(svc.state)
    session.end("finished")
    assert svc.reader.wait_ended() and not alive(worker)


def test_idf_worker_lives_for_one_session_and_a_new_one_starts_fresh(flow):
    """GIVEN a worker started at the consent screen WHEN the citizen leaves the flow (Back) THEN it ends;
    the next consent starts another process."""
    svc, session, states = flow()
    consent(svc, states)
    first = svc.reader.worker_pid
    svc.cancel()                                     # Back / another screen, no identity held
    assert svc.reader.wait_ended() and not alive(first) and not svc.reader.running
    consent(svc, states)
    second = svc.reader.worker_pid
    assert second != first and alive(second)
    svc.begin()                                      # the consent screen again: yet another
    assert svc.reader.wait_ready() and not alive(second) and svc.reader.worker_pid not in (first, second)


def test_idf_worker_sees_a_card_lying_there_before_consent_and_never_reads_it(flow):
    svc, session, states = flow()
    svc.reader.simulator.place_card("resident")
    mark = consent(svc, states)
    states.wait(lambda s: s.step is Step.WAITING_CARD and s.code == ID_LIFT_AND_PLACE, 10, since=mark)
    assert "card_read" not in states.steps()[mark:] and "reading" not in states.steps()[mark:]


def test_idf_worker_that_dies_is_a_reader_fault_the_citizen_is_told(flow):
    """GIVEN a worker waiting for the card WHEN it dies THEN the reader is FAULT and the screen says the
    reader is unavailable (no exception); the next consent starts a worker that works."""
    svc, session, states = flow()
    mark = consent(svc, states)
    os.kill(svc.reader.worker_pid, 9)
    states.wait(lambda s: s.step is Step.CARD_ERROR and s.code == ID_READER_UNAVAILABLE, 10, since=mark)
    assert svc.reader.state is DeviceState.FAULT and svc.reader.last_error.code == "IDR_BACKEND_START"
    mark = consent(svc, states)
    svc.reader.simulator.place_card("resident")
    states.wait("card_read", 10, since=mark)


def test_idf_worker_that_cannot_start_is_a_fault_not_an_exception(flow, monkeypatch):
    from kiosk import identity_process
    svc, session, states = flow()
    monkeypatch.setattr(identity_process.sys, "executable", "/nonexistent/python")
    mark = states.mark()
    svc.begin()
    svc.consent_card(True)
    svc.consent_face(True)
    states.wait(lambda s: s.step is Step.CARD_ERROR and s.code == ID_READER_UNAVAILABLE, 5, since=mark)
    assert svc.reader.state is DeviceState.FAULT and "identity worker" in svc.reader.last_error.detail


def test_idf_worker_factory_keeps_the_contract():
    """A bad URI gives the FAULT reader with the reason (never an exception); serial:// with no port is
    ABSENT after open, and no worker runs before a citizen consents."""
    from drivers.registry import open_device
    from kiosk import devices
    bad = devices.create("id_reader", {"uri": "nope://"})
    assert bad.state is DeviceState.FAULT and bad.last_error.code == "IDR_UNKNOWN_SCHEME"
    absent = open_device(devices.create("id_reader", {"uri": "serial:///dev/ttyNOPE9"}))
    assert absent.state is DeviceState.ABSENT and not absent.running


@pytest.fixture
def face_flow(worker_reader, camera, faces_dir):
    """The kiosk's set-up: reader AND face engine in the worker (build_identity's), frames from the core's camera."""
    from idf_helpers import CARD_PHOTO
    made = []

    def make(reference=None, camera_uri=None, cam=None):
        """``camera_uri``: a camera the worker opens itself; ``cam``: the kiosk's camera (default the sim)."""
        setup = {"total_timeout_s": 30.0, "reference_file": str(reference or faces_dir / CARD_PHOTO)}
        verifier = worker_reader.enable_face({**setup, "camera_uri": camera_uri} if camera_uri else setup)
        session = Session(90, 20)
        svc = IdentityService(worker_reader, cam or camera, verifier, session, config_mod.load(),
                              today=lambda: dt.date(2026, 11, 27), face_challenge=("left", "right"))
        made.append(svc)
        session.go("item", id="x")
        session.go("consent")
        return svc, session, States(svc)
    yield make
    for svc in made:
        svc.close()


def test_idf_worker_face_identifies_and_the_core_never_asks_for_the_photo(face_flow, camera, turn_frames,
                                                                          monkeypatch):
    svc, session, states = face_flow()
    monkeypatch.setattr(svc.reader, "decode_photo", lambda _card: pytest.fail("the photo came to the core"))
    camera.set_frames(turn_frames(("left", "right")))
    mark = consent(svc, states)
    svc.reader.simulator.place_card("resident")
    states.wait("identified", 60, since=mark)
    assert session.identity.masked_name == "测**例" and session.identity.face_verified
    assert type(session.identity._photo).__name__ == "WorkerPhoto" and not vars(session.identity._photo).keys() - {
        "handle"}


def test_idf_worker_face_verdicts_reach_the_core_a_photo_without_a_face_is_the_helper_route(face_flow, tmp_path,
                                                                                          camera, turn_frames):
    from PIL import Image

    from kiosk.identity_model import HELP_FACE_UNAVAILABLE
    blank = tmp_path / "blank.png"
    Image.new("RGB", (102, 126), (200, 200, 200)).save(blank)
    svc, session, states = face_flow(reference=blank)
    camera.set_frames(turn_frames())
    mark = consent(svc, states)
    svc.reader.simulator.place_card("resident")
    state = states.wait("helper", 60, since=mark)
    assert state.reason == HELP_FACE_UNAVAILABLE and session.identity is None


def test_idf_worker_dying_during_the_face_check_is_the_helper_route(face_flow, camera, turn_frames):
    from kiosk.identity_model import HELP_FACE_UNAVAILABLE
    svc, session, states = face_flow()
    seq = turn_frames(("left", "right"))
    camera.set_frames(seq[:3] + [seq[0].copy() for _ in range(200)])     # matched, then waits for the turn
    mark = consent(svc, states)
    svc.reader.simulator.place_card("resident")
    states.wait(lambda s: s.step is Step.FACE and s.hint, 60, since=mark)
    os.kill(svc.reader.worker_pid, 9)
    state = states.wait("helper", 20, since=mark)
    assert state.reason == HELP_FACE_UNAVAILABLE and session.identity is None


CORE = """
import sys, time
from drivers.registry import open_device
from kiosk import devices
r = open_device(devices.create("id_reader", {"uri": "sim://?baud=115200"}))
r.start_session()
assert r.wait_ready(30)
print(r.worker_pid, flush=True)
time.sleep(600)
"""


def test_idf_worker_dies_with_the_kiosk(tmp_path):
    """GIVEN a kiosk process with a running worker WHEN the kiosk is killed (no clean-up runs) THEN the
    worker goes too (its input closes; PR_SET_PDEATHSIG), so nothing of a citizen outlives the kiosk.
    (Checked to fail with a worker that ignores both.)"""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    scratch = tmp_path / "core"          # the killed core cannot remove its simulator's folder: this is it
    scratch.mkdir()
    core = subprocess.Popen([sys.executable, "-c", CORE], cwd=root, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(scratch)})
    try:
        worker = int(core.stdout.readline())
        assert alive(worker)
        core.kill()
        core.wait(10)
        wait_for(lambda: not alive(worker), 10, "the worker outliving its kiosk")
    finally:
        core.kill()
        import shutil
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def frames_dir(tmp_path, turn_frames):
    """A real camera's frames as the worker reads them (``file://``): the liveness sequence, one still each."""
    from PIL import Image
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, frame in enumerate(turn_frames(("left", "right"))):
        Image.fromarray(frame).save(folder / f"{i:03d}.png")
    return folder


def test_idf_worker_opens_the_camera_itself_and_the_kiosk_gets_only_the_preview(face_flow, frames_dir):
    """A real camera (here ``file://`` stills): the kiosk lends it to the worker for the try (closed here,
    no frame read here), gets the small preview to show, and opens it again when the worker is done."""
    from drivers.camera import make_camera
    from drivers.registry import open_device
    from kiosk.identity_face import worker_opens
    uri = f"file://{frames_dir}"
    camera = make_camera("camera", uri)
    worker_opens(camera)                 # as build_identity does: checked here, opened by the worker
    camera = open_device(camera)
    assert camera.is_open
    reads = []
    real_read = camera.read
    camera.read = lambda: reads.append(1) or real_read()
    svc, session, states = face_flow(camera_uri=uri, cam=camera)
    seen = []
    svc.subscribe(lambda s: seen.append((s.step, camera.is_open, svc.camera_share.lent_to, svc.preview.size)))
    try:
        mark = consent(svc, states)
        svc.reader.simulator.place_card("resident")
        states.wait("identified", 60, since=mark)
        assert session.identity.face_verified
        during = [s for s in seen if s[0] is Step.FACE]
        assert during and all(not is_open and lent == "the identity worker" for _, is_open, lent, _ in during)
        # the face screen had the worker's previews: half the frame's size, never a full frame here
        assert any(size == (320, 240) for *_, size in during[1:]) and not reads
        assert svc.preview.size is None                      # gone with the try
        wait_for(lambda: camera.is_open and svc.camera_share.lent_to is None, 10, "the camera back in the kiosk")
        assert camera.state is DeviceState.READY and not reads
    finally:
        camera.close()


def test_idf_worker_camera_held_by_a_call_is_fed_by_the_kiosk(face_flow, frames_dir, camera, turn_frames):
    """While a video call in the kiosk holds the camera, the worker cannot open it: the kiosk reads the
    frames and passes them on, as with the simulator; the call keeps its camera."""
    svc, session, states = face_flow(camera_uri=f"file://{frames_dir}")
    assert svc.camera_share.take("the video call") is camera
    camera.set_frames(turn_frames(("left", "right")))
    mark = consent(svc, states)
    svc.reader.simulator.place_card("resident")
    states.wait("identified", 60, since=mark)
    assert camera.is_open and svc.camera_share.holder == "the video call" and svc.camera_share.lent_to is None
