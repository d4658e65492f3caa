# SPDX-License-Identifier: Apache-2.0
"""The kiosk's camera when the identity worker opens it itself (issue 18): at start the kiosk only checks
that it is there, and OpenCV (~35 MB resident) is loaded in the kiosk process only when a flow of its own
(a video call) reads frames. Printing on the configured printer does not load python-escpos either."""
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.base import DeviceError, DeviceState
from drivers.camera import make_camera

ROOT = Path(__file__).resolve().parents[2]
FACES = ROOT / "tests" / "fixtures" / "faces"

KIOSK = """
import sys, time
from drivers.base import DeviceState
from drivers.receipt_printer import PrintJob, QrCode, TextLine
from kiosk import config as config_mod, wiring
cfg = config_mod.load().with_overrides(**{{
    "catalogue.cache_dir": "{cache}", "devices.camera.uri": "file://{faces}",
    "devices.id_reader.uri": "sim://?baud=115200", "devices.receipt_printer.uri": "sim://"}})
kiosk, watch = wiring.start(cfg)
try:
    camera, printer = kiosk.devices["camera"], kiosk.devices["receipt_printer"]
    end = time.monotonic() + 60
    while not camera.state is printer.state is DeviceState.READY:
        assert time.monotonic() < end, (camera.state, printer.state)
        time.sleep(0.05)
    assert printer.print_job(PrintJob("j", [TextLine("办事指南"), QrCode("https://example.org/g/1")])).printed
    print("at start:", sorted(m for m in ("cv2", "escpos") if m in sys.modules))
    frame = kiosk.camera_share.take("the video call").read()
    print("a call's frame:", frame.shape[2], "cv2" in sys.modules)
finally:
    wiring.stop(kiosk, watch)
"""


def test_kiosk_with_a_worker_camera_loads_opencv_only_for_its_own_frames(tmp_path):
    """GIVEN the kiosk's wiring with a real (file://) camera, which the identity worker opens itself, and a
    receipt printer WHEN it has started, the devices are READY and a guide is printed THEN neither OpenCV
    nor python-escpos is in the process; a video call that takes the camera still gets frames."""
    out = subprocess.run([sys.executable, "-c", KIOSK.format(faces=FACES, cache=tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "at start: []" in out.stdout
    assert "a call's frame: 3 True" in out.stdout


def _deferred(uri):
    camera = make_camera("camera", uri)
    camera.open_on_first_read = True
    return camera


def test_deferred_camera_is_ready_without_a_frame_and_opens_at_the_first_read():
    camera = _deferred(f"file://{FACES}/cameraman.png,{FACES}/biden_2010_blue_room.jpg")
    camera.open()
    assert camera.state is DeviceState.READY and camera.is_open and not camera._stills
    assert camera.read().shape[2] == 3 and camera._stills
    camera.close()
    assert camera.state is DeviceState.ABSENT and not camera.is_open
    camera.open()                                 # checked again, read again
    assert camera.read().ndim == 3
    camera.close()


@pytest.mark.parametrize("uri,code", [("file:///nonexistent/frames", "CAM_NOT_FOUND"),
                                      ("v4l2:///dev/video-nope", "CAM_NOT_FOUND"),
                                      ("v4l2://97", "CAM_NOT_FOUND")])
def test_deferred_camera_that_is_not_there_is_a_fault_at_start(uri, code):
    camera = _deferred(uri)
    with pytest.raises(DeviceError) as err:
        camera.open()
    assert err.value.code == code and camera.state is DeviceState.FAULT


def test_deferred_camera_that_cannot_give_frames_is_a_fault_at_the_first_read(tmp_path):
    """A file that only looks like a picture: checked fine at start, FAULT with the reason at the first read."""
    fake = tmp_path / "frame.png"
    fake.write_bytes(b"not a picture")
    camera = _deferred(f"file://{fake}")
    camera.open()
    assert camera.state is DeviceState.READY
    with pytest.raises(DeviceError) as err:
        camera.read()
    assert err.value.code == "CAM_OPEN_FAILED" and camera.state is DeviceState.FAULT
