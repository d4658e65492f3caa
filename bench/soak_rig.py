# SPDX-License-Identifier: Apache-2.0
"""The soak's devices (bench/bench_soak.py --identity-every / --print-every): the identity flow on the
kiosk's own set-up and a receipt printer on TCP, each of their processes outside the measured one."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soak_driver import Driver

ROOT = Path(__file__).resolve().parents[1]


FRAMES_SCRIPT = """
import sys
from pathlib import Path
sys.path[:0] = [{root!r}, {tests!r}]
import importlib.util
from PIL import Image
from drivers.camera.file_backend import load_rgb
from drivers.face import FaceConfig
from drivers.face.dlib_backend import DlibFaceEngine
spec = importlib.util.spec_from_file_location("soak_face", {tests!r} + "/face/conftest.py")
face = importlib.util.module_from_spec(spec); spec.loader.exec_module(face)
engine = DlibFaceEngine(FaceConfig()); engine.load()
faces = Path({tests!r}) / "fixtures" / "faces"
frame = face.face_frame_maker(lambda n: load_rgb(faces / n), engine)
front, right, left = frame("obama_2010_blue_room.jpg"), frame("obama_2009_joint_session.jpg"), \
    frame("obama_2009_joint_session.jpg", mirror=True)
for i, f in enumerate([front] * 3 + [left] * 4 + [front] * 2 + [right] * 4 + [front] * 4):
    Image.fromarray(f).save(Path({out!r}) / f"{{i:03d}}.png")
"""


class Devices:
    """--identity-every / --print-every: the identity flow on the kiosk's own set-up (the identity
    worker with the reader, the face engine and a camera it opens itself; the camera's frames made by
    a separate process from the fixture faces, so this process never loads the face engine) and a
    receipt printer on TCP (a capture printer in a process of its own, so its bytes are not counted)."""

    def __init__(self, d: Driver, tmp: str, identity: bool, printing: bool, web: "Web | None" = None,
                 assist: "Assist | None" = None):
        import subprocess
        self.web, self.assist = web, assist
        self.procs: list = [x.proc for x in (web, assist) if x is not None]
        if printing:
            from drivers.receipt_printer import create_printer
            server = subprocess.Popen([sys.executable, "-c", PRINTER_SCRIPT.format(tests=str(ROOT / "tests"))],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
            self.procs.append(server)
            port = int(server.stdout.readline())
            printer = create_printer(f"tcp://127.0.0.1:{port}", name="receipt_printer")
            printer.open()
            d.kiosk.devices["receipt_printer"] = printer
        if identity:
            import datetime as dt

            from drivers.camera import make_camera
            from drivers.registry import open_device
            from kiosk import devices
            from kiosk.identity import IdentityService
            from kiosk.identity_face import worker_opens
            frames = Path(tmp) / "frames"
            frames.mkdir()
            subprocess.run([sys.executable, "-c", FRAMES_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"),
                                                                        out=str(frames))], check=True, cwd=ROOT)
            uri = f"file://{frames}"
            self.reader = open_device(devices.create("id_reader", {"uri": "sim://?baud=115200"}))
            camera = make_camera("camera", uri)
            worker_opens(camera)             # as kiosk.identity.build_identity does: the worker opens it
            self.camera = open_device(camera)
            verifier = self.reader.enable_face({
                "total_timeout_s": 40.0, "camera_uri": uri,
                "reference_file": str(ROOT / "tests" / "fixtures" / "faces" / "obama_2012_portrait_small.jpg")})
            d.kiosk.identity = IdentityService(self.reader, self.camera, verifier, d.kiosk.session, d.kiosk.config,
                                               d.clock, today=lambda: dt.date(2026, 11, 27),
                                               face_challenge=("left", "right"))
            d.kiosk.devices.update(id_reader=self.reader, camera=self.camera)

    def identify(self, d: Driver) -> None:
        """身份核验 from home: 同意 twice, the card placed, the face check, 继续办理 (the last citizen's
        card was taken off the reader between the sessions)."""
        self.reader.simulator.remove_card()
        d.tap(d.screen.ids.tile_identity)
        d.until(lambda: d.current() == "consent" and not d.app.manager.transition.is_active, 10)
        d.tap(d.screen.ids.agree_btn)
        d.tap(d.screen.ids.agree_btn)
        d.until(lambda: d.current() == "idcard", 10)
        assert self.reader.wait_fresh_check(10)
        d.until(lambda: d.kiosk.identity.verifier.state.value == "ready", 60)
        self.reader.simulator.place_card("resident")
        d.until(lambda: d.current() == "identified" and not d.app.manager.transition.is_active, 60)
        d.frames(3)
        d.tap(d.screen.ids.continue_btn)
        d.until(lambda: d.current() != "identified", 10)

    def close(self) -> None:
        for proc in self.procs:
            proc.kill()
        if self.web is not None:
            self.web.close()


PORTAL_SCRIPT = """
import sys, time
sys.path[:0] = [{web!r}]
from portal import Portal
portal = Portal().start()
print(portal.url, flush=True)
while True:
    time.sleep(60)
"""


class Web:
    """--web-every: 网上办事 with the kiosk's browser (Debian's chromium over its DevTools pipe,
    helper processes under the kiosk's) on the local test portal (tests/web/portal.py, in a process of
    its own so its server is not counted). The core is the terminal's wiring (kiosk.wiring.start, as
    bench/bench_web_total.py builds it), on the soak's clock."""

    def __init__(self, root: Path):
        import subprocess
        import tempfile
        self.proc = subprocess.Popen([sys.executable, "-c", PORTAL_SCRIPT.format(web=str(root / "tests" / "web"))],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
        url = self.proc.stdout.readline().strip()
        fd, self.admin = tempfile.mkstemp(prefix="ehall-soak-web-", suffix=".toml")
        with os.fdopen(fd, "w") as fh:
            fh.write(f'[web]\nallowed_hosts = ["http://127.0.0.1"]\nportal_url = "{url}"\n')
        self.visits = 0
        self.open_helpers: list[tuple[int, float]] = []

    def make_core(self, cfg, clock):
        from kiosk import config as config_mod
        from kiosk import wiring
        mine = config_mod.load(self.admin).with_overrides(**{"catalogue.cache_dir": cfg["catalogue.cache_dir"]})
        kiosk = wiring.start(mine)[0]
        kiosk.session.clock = clock          # the soak's idle timeouts run on its clock
        kiosk.session.last_touch = clock()
        return kiosk

    def ready(self, d: Driver) -> None:
        browser = d.kiosk.devices.get("browser")
        if d.kiosk.web is None or browser is None:
            raise SystemExit("soak: no web service (is Debian's chromium installed?)")
        d.until(lambda: browser.state.value in ("ready", "fault"), 60)   # opened on the devices' thread
        if browser.state.value != "ready":
            raise SystemExit(f"soak: the browser is not ready: {browser.state} {browser.last_error}")
        d.app._on_route(d.app.ui, d.app.ui.route)        # home again, now offering 网上办事
        d.frames(4)

    def visit(self, d: Driver) -> None:
        """网上办事 on the home screen → the portal's page drawn on the kiosk, a second of its frames."""
        import time
        web = d.kiosk.web
        d.tap(d.screen.ids.tile_portal)
        d.until(lambda: web.state.value == "open" and d.current() == "web"
                and d.screen.ids.page.texture is not None, 60)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            d.frames(1)
            time.sleep(0.02)
        self.visits += 1
        self.open_helpers.append(self.helpers())   # Chromium runs while a page is open
    def helpers(self, exclude=()) -> tuple[int, float]:
        """The kiosk's helper processes (Chromium's): how many, their PSS in MB."""
        skip = {getattr(p, "pid", p) for p in exclude} | {self.proc.pid, os.getpid()}
        pids = [p for p in _descendants(os.getpid()) if p not in skip]
        return len(pids), sum(_pss_mb(p) for p in pids)

    def close(self) -> None:
        self.proc.kill()
        try:
            os.unlink(self.admin)
        except OSError:
            pass


def _descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration):
        return 0.0


PRINTER_SCRIPT = """
import sys, time
sys.path[:0] = [{tests!r} + "/printing", {tests!r}]
from prn_capture_printer import CapturePrinter
server = CapturePrinter()
server.start() if hasattr(server, "start") else None
print(server.port, flush=True)
while True:
    time.sleep(5)
    server.captures.clear()
"""


def rss_of(pid: int | None) -> float:
    """VmRSS of a process in MB (the media child: kiosk/assist/media_process.py); 0 without it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return 0.0


def children(exclude=()) -> int:
    """This process's live children (zombies count: nobody reaped them), the rig's own left out."""
    skip = {p.pid for p in exclude}
    me, n = os.getpid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in skip:
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                n += 1
    return n


HUB_SCRIPT = """
import sys, time
from pathlib import Path
sys.path[:0] = [{root!r}, {assist!r}]
from browser_rig import Rig
sys.path.insert(0, {bench!r})
from bench_assist import AUTO_ACCEPT
from assist_testkit import TEST_TOKEN, KIOSKS
rig = Rig(Path({tmp!r}), kiosk=False)
rig.login_available()
rig.page.evaluate(AUTO_ACCEPT, 0)
print(rig.hub.url, KIOSKS[0], TEST_TOKEN, flush=True)
while True:
    time.sleep(60)
"""


class Assist:
    """--call-every: 呼叫帮办 → 同意呼叫 → the helper's video on the kiosk → 挂断. The hub and the
    helper's console (headless Debian chromium, a fake camera, answering every ring at once) run in a
    process of their own (tests/assist/browser_rig.py), so neither is counted; the kiosk's
    AssistService (aiortc, the simulated camera) is the one a kiosk with a hub builds."""

    def __init__(self, d: Driver, tmp: str):
        import subprocess
        folder = Path(tmp) / "assist"
        folder.mkdir()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HUB_SCRIPT.format(root=str(ROOT), assist=str(ROOT / "tests" / "assist"),
                                                     bench=str(ROOT / "bench"), tmp=str(folder))],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        words = self.proc.stdout.readline().split()
        if len(words) != 3:
            raise SystemExit("soak: the hub and helper console did not start")
        url, terminal, token = words                     # the test hub's registered terminal (TEST ONLY)
        from drivers.camera import make_camera
        from kiosk.assist import AssistService
        from screens import assist_flow
        cfg = d.kiosk.config.with_overrides(**{"assist.hub_url": url, "hall.terminal_id": terminal,
                                               "assist.hub_token": token})
        # as kiosk/wiring.py builds it, with the simulated camera of its own (no identity camera here)
        self.service = AssistService(cfg, d.kiosk.session, camera_factory=lambda: make_camera("assist", "sim://"),
                                     clock=d.kiosk.session.clock)
        self.ctl = assist_flow.attach(d.app, service=self.service)
        d.until(lambda: self.service.status.linked, 30)
        d.app._on_route(d.app.ui, d.app.ui.route)        # home again, now offering 呼叫帮办
        d.frames(4)
        self.calls = 0
        self.in_call: list[float] = []     # the media child's RSS (MB) near the end of each call

    def call(self, d: Driver) -> None:
        import time
        d.tap(d.screen.ids.tile_assist)
        d.until(lambda: "accept_btn" in d.screen.ids, 10)
        d.tap(d.screen.ids.accept_btn)
        scr = d.app.screens["assist_call"]
        d.until(lambda: d.current() == "assist_call" and scr.remote is not None, 60)   # the helper's video
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            d.frames(1)
            time.sleep(0.02)
        self.in_call.append(rss_of(self.service._media.child_pid))   # the call's media child
        d.tap(scr.ids.hangup_btn)                           # 挂断
        d.until(lambda: self.service.state in ("ended", "idle"), 15)
        self.calls += 1

    def close(self) -> None:
        self.proc.kill()
