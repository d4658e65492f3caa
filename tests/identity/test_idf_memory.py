# SPDX-License-Identifier: Apache-2.0
"""The memory test of issue 16: after a session, no kiosk process holds the citizen's card in memory.

The kiosk's core runs as a process of its own (memscan_kiosk.py: session, identity service) and, as
the kiosk does, starts the identity worker process at consent, which owns the ``serial://`` reader,
the real face engine and, for the face check, the camera; the SAM simulator with a fictitious card
and the camera's frames (``file://``, made here from the fixture faces) come from HERE, as a real
reader and camera are outside the kiosk. The scan reads /proc/PID/maps + /proc/PID/mem of every
kiosk process (the core and all its descendants) for the card's name, number, address (UTF-8,
UTF-16LE, GB18030, UCS-4), a slice of its photo bytes, of the decoded chip photo, of a camera frame
and of the small preview the face screen shows:

* during the session (identified) it must find the card in the identity worker (the control, so the
  scan cannot pass by looking at the wrong process) and find NONE of it, nor any frame, in the core;
* during a face check the worker holds the camera's frames and the core only the preview (both
  controls), never a frame;
* 5 s after the session ended (by 结束办理, 首页 → 结束并清除, the idle timeout, taking the card, or
  结束办理 in the middle of the face check) the worker has exited and no kiosk process holds any of
  them. Run with ``-s`` to see the counts.
"""
from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from idf_helpers import fresh_card
from memscan import forms, scan

from drivers.id_reader.photo import make_test_wlt
from drivers.id_reader.simulator import SimulatedIdReader

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="reading a non-dumpable process's memory needs root")


class Kiosk:
    def __init__(self, port: str, frames: Path, still: Path, script: str = "memscan_kiosk.py"):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "EHALL_WORKER_LOG": "INFO"}   # masked lines, to stderr
        self.proc = subprocess.Popen([sys.executable, str(HERE / script), port, str(frames), str(still)],
                                     cwd=HERE.parents[1], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env)
        self.expect("ready")

    def expect(self, word: str) -> None:
        line = self.proc.stdout.readline().strip()    # blocks until the child answers (or dies)
        assert line == word, f"kiosk core said {line!r}, expected {word!r} (exit {self.proc.poll()})"

    def ask(self, cmd: str, word: str) -> str:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        assert line.split(" ")[0] == word, f"kiosk core said {line!r}, expected {word!r} (exit {self.proc.poll()})"
        return line

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def camera_frames(tmp_path_factory):
    """What the camera sees, as files the worker's ``file://`` camera opens: the liveness sequence, and a
    face that never turns (a check that keeps asking); with 64-byte needles of a frame and of its preview."""
    import importlib.util

    from PIL import Image

    from drivers.camera.file_backend import load_rgb
    from drivers.face import FaceConfig
    from drivers.face.dlib_backend import DlibFaceEngine
    from idf_helpers import FRONTAL, TURNED
    faces = HERE.parent / "fixtures" / "faces"
    if not faces.is_dir():
        pytest.fail("the face fixtures are needed (tests/fixtures/faces)")
    spec = importlib.util.spec_from_file_location("memscan_face", HERE.parent / "face" / "conftest.py")
    face = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(face)
    engine = DlibFaceEngine(FaceConfig())
    engine.load()
    frame = face.face_frame_maker(lambda n: load_rgb(faces / n), engine)
    front, right, left = frame(FRONTAL), frame(TURNED), frame(TURNED, mirror=True)
    root = tmp_path_factory.mktemp("camera")
    (root / "pass").mkdir()
    (root / "still").mkdir()
    for i, f in enumerate([front] * 3 + [left] * 4 + [front] * 2 + [right] * 4 + [front] * 4):
        Image.fromarray(f).save(root / "pass" / f"{i:03d}.png")
    Image.fromarray(front).save(root / "still" / "000.png")
    small = np.ascontiguousarray(front[::-2, ::-2])          # the preview: every 2nd pixel, mirrored, bottom-up
    needles = {"frame:raw": [bytes(front[240, 290:].tobytes()[:64])],
               "preview:raw": [bytes(small[120, 145:].tobytes()[:64])]}
    assert all(len(set(n[0])) > 8 for n in needles.values()), "needles from the face, not the background"
    return root / "pass", root / "still", needles


@pytest.fixture(scope="module")
def rig(camera_frames):
    frames, still, _ = camera_frames
    with SimulatedIdReader(baud=115200) as sim:
        kiosk = Kiosk(sim.path, frames, still)
        yield sim, kiosk
        kiosk.close()


@pytest.fixture(scope="module")
def app_rig(camera_frames):
    """The whole kiosk app (Kivy offscreen, memscan_app.py): the UI process itself is scanned."""
    frames, still, _ = camera_frames
    with SimulatedIdReader(baud=115200) as sim:
        kiosk = Kiosk(sim.path, frames, still, "memscan_app.py")
        yield sim, kiosk
        kiosk.close()


ENCODINGS = ("utf8", "utf16le", "gb18030", "ucs4")


def reference_needle() -> bytes:
    """64 bytes of the decoded "chip photo" (a fixture face the worker compares with): RGB rows from the
    middle of the face, as the worker's reference array holds them."""
    from drivers.camera.file_backend import load_rgb
    from idf_helpers import CARD_PHOTO
    img = load_rgb(HERE.parent / "fixtures" / "faces" / CARD_PHOTO)
    row = img[img.shape[0] // 2, img.shape[1] // 2 - 10:]
    return bytes(row.tobytes()[:64])


def card_needles(card) -> dict[str, list[bytes]]:
    """One needle per value and encoding ("number:utf16le"), so the counts say where copies are."""
    wlt = bytes(card.photo_wlt)
    out = {"photo:raw": [wlt[16:80]], "face:reference": [reference_needle()]}
    for field in ("name", "number", "address"):
        for enc, form in zip(ENCODINGS, forms(getattr(card, field))):
            out[f"{field}:{enc}"] = [form]
    return out


def kiosk_pids(root: int) -> list[int]:
    """The kiosk's processes: the core and every descendant (the identity worker while it runs)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def scan_all(pids: list[int], needles) -> dict[str, int]:
    total = {name: 0 for name in needles}
    for pid in pids:
        try:
            hits = scan(pid, needles)
        except FileNotFoundError:      # exited meanwhile: its memory went back to the kernel
            continue
        for name, n in hits.items():
            total[name] += n
    return total


def by_value(hits: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in hits.items():
        out[key.split(":")[0]] = out.get(key.split(":")[0], 0) + n
    return out


def session_card():
    card, _digests = fresh_card(seed=random.randrange(1 << 30))
    # an address and photo of this session only (fresh_card's are constants the child imports too)
    return dataclasses.replace(card, address="测试省" + "".join(random.choice("东南西北中") for _ in range(6)) + "路9号",
                               photo_wlt=make_test_wlt(random.randrange(1000, 1 << 30)))


def end_and_scan(sim, kiosk, ending: str, needles) -> tuple[list[int], dict[str, int], dict[str, int]]:
    if ending == "removed":
        sim.remove_card()
    kiosk.ask(ending, "ended")
    if ending != "removed":
        sim.remove_card()
    time.sleep(5)                    # the "5 s after the session ends", counted from its end
    pids = kiosk_pids(kiosk.proc.pid)
    detail = scan_all(pids, needles)
    return pids, detail, by_value(detail)


@pytest.mark.parametrize("ending", ["end", "home_clear", "timeout", "removed"])
def test_idf_memory_holds_the_card_during_the_session_and_nothing_5_s_after(rig, camera_frames, ending):
    sim, kiosk = rig
    card = session_card()
    needles = {**card_needles(card), **camera_frames[2]}
    worker = int(kiosk.ask("consent", "armed").split()[1])
    assert worker in kiosk_pids(kiosk.proc.pid) and worker != kiosk.proc.pid
    sim.place_card(card)
    kiosk.ask("wait_identified", "identified")
    core_during = by_value(scan(kiosk.proc.pid, needles))
    worker_during = by_value(scan(worker, needles))
    pids, after_detail, after = end_and_scan(sim, kiosk, ending, needles)
    print(f"\n{ending}: during: worker {worker_during} core {core_during}; after (pids {pids}) {after}\n"
          f"  after, by encoding: { {k: n for k, n in after_detail.items() if n} }")
    # the decoded chip photo is zeroed when the face try ends: only the check in progress (below) must show it
    assert all(worker_during[k] > 0 for k in ("name", "number", "address")), f"control: {worker_during}"
    assert sum(core_during.values()) == 0, f"the core held card data or a frame during the session: {core_during}"
    assert worker not in pids and not Path(f"/proc/{worker}").exists(), "the identity worker outlived the session"
    assert sum(after.values()) == 0, f"after the session ({ending}): {after}"


def test_idf_memory_camera_frames_stay_in_the_worker_and_end_with_the_session(rig, camera_frames):
    """结束办理 while the face check still asks to turn: until then the worker has the camera's frames and
    the core the preview it shows, never a frame; 5 s after, no kiosk process has either."""
    sim, kiosk = rig
    card = session_card()
    needles = {**card_needles(card), **camera_frames[2]}
    worker = int(kiosk.ask("consent_still", "armed").split()[1])
    sim.place_card(card)
    kiosk.ask("wait_face", "face")
    core_during = by_value(scan(kiosk.proc.pid, needles))
    worker_during = by_value(scan(worker, needles))
    pids, after_detail, after = end_and_scan(sim, kiosk, "end", needles)
    print(f"\nface check: during: worker {worker_during} core {core_during}; after (pids {pids}) {after}")
    assert worker_during["frame"] > 0 and worker_during["face"] > 0, f"control (worker): {worker_during}"
    assert core_during["preview"] > 0, f"control (the core shows the preview): {core_during}"
    assert core_during["frame"] == 0, f"a camera frame in the core: {core_during}"
    assert sum(v for k, v in core_during.items() if k != "preview") == 0, f"the core during the check: {core_during}"
    assert worker not in pids and sum(after.values()) == 0, f"after the session: {after}"


@pytest.mark.parametrize("start, wait", [("consent", "identified"), ("consent_still", "face")])
def test_idf_memory_the_kiosk_app_with_its_screens_holds_no_card_nor_frame(app_rig, camera_frames, start, wait):
    """The Kivy app's own process, with the identity flow drawn on its screens (the identified screen's
    masked identity, the face screen's preview): during the session it holds nothing of the card and
    no camera frame (the face screen's preview only while the check runs); 5 s after 结束办理 no kiosk
    process holds anything."""
    sim, kiosk = app_rig
    card = session_card()
    needles = {**card_needles(card), **camera_frames[2]}
    worker = int(kiosk.ask(start, "armed").split()[1])
    sim.place_card(card)
    kiosk.ask(f"wait_{wait}", wait)
    app_during = by_value(scan(kiosk.proc.pid, needles))
    worker_during = by_value(scan(worker, needles))
    pids, _detail, after = end_and_scan(sim, kiosk, "end", needles)
    print(f"\napp, {wait}: during: worker {worker_during} app {app_during}; after (pids {pids}) {after}")
    assert all(worker_during[k] > 0 for k in ("name", "number", "address")), f"control: {worker_during}"
    if wait == "face":
        assert worker_during["frame"] > 0 and worker_during["face"] > 0 and app_during["preview"] > 0, \
            f"controls: {worker_during} {app_during}"
    assert sum(v for k, v in app_during.items() if k != "preview") == 0, f"the app during the session: {app_during}"
    assert worker not in pids and sum(after.values()) == 0, f"after the session: {after}"
