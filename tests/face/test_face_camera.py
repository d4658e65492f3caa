# SPDX-License-Identifier: Apache-2.0
"""Camera backends: file, simulator, V4L2 without a device; a camera-driven async check."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from drivers.base import DeviceError, DeviceState
from drivers.camera import CAM_BAD_URI, make_camera, open_camera


def test_face_file_camera_reads_stills_in_a_loop(faces_dir):
    """GIVEN two stills held 2 frames each WHEN read 5 times THEN RGB 640x480 frames, looping."""
    uri = f"file://{faces_dir / 'obama_2012_portrait.jpg'},{faces_dir / 'chelsea_cat_no_face.png'}" \
          "?width=640&height=480&hold=2"
    cam = open_camera("cam", uri)
    assert cam.state is DeviceState.READY and cam.resolution == (640, 480)
    frames = [cam.read() for _ in range(5)]
    assert all(f.shape == (480, 640, 3) and f.dtype == np.uint8 and f.flags.c_contiguous for f in frames)
    assert np.array_equal(frames[0], frames[1]) and not np.array_equal(frames[1], frames[2])
    assert np.array_equal(frames[4], frames[0])  # looped
    cam.close()
    assert cam.state is DeviceState.ABSENT


def test_face_file_camera_reads_a_video(tmp_path, photo):
    """GIVEN an mp4 written with OpenCV WHEN played THEN frames come back RGB (not BGR) and loop."""
    import cv2
    red = np.zeros((240, 320, 3), np.uint8)
    red[..., 0] = 255
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 240))
    for _ in range(3):
        writer.write(cv2.cvtColor(red, cv2.COLOR_RGB2BGR))
    writer.release()
    cam = open_camera("cam", f"file://{path}")
    assert cam.state is DeviceState.READY and cam.resolution == (320, 240)
    frames = [cam.read() for _ in range(5)]
    assert frames[4][..., 0].mean() > 200 and frames[4][..., 2].mean() < 50


def test_face_v4l2_missing_device_faults():
    """GIVEN a V4L2 URI for a device that does not exist WHEN opened
    THEN the camera is in FAULT with CAM_NOT_FOUND and the path as reason (no fallback)."""
    cam = open_camera("cam", "v4l2:///dev/video-ehall-missing?width=640&height=480&fps=15")
    assert cam.state is DeviceState.FAULT
    assert cam.last_error.code == "CAM_NOT_FOUND" and "/dev/video-ehall-missing" in cam.last_error.detail
    with pytest.raises(DeviceError) as caught:
        cam.read()
    assert caught.value.code == "CAM_NOT_OPEN"


def test_face_camera_bad_uri():
    """GIVEN an unknown scheme or a bad parameter THEN CAM_BAD_URI (a configuration error)."""
    with pytest.raises(DeviceError) as caught:
        make_camera("cam", "rtsp://cam/stream")
    assert caught.value.error is CAM_BAD_URI
    with pytest.raises(DeviceError):
        make_camera("cam", "v4l2:///dev/video0?width=abc")


def test_face_simulator_scripts_frames_and_faults():
    """GIVEN the simulator WHEN scripted THEN queued frames first, then synthetic; unplug -> FAULT."""
    cam = open_camera("cam", "sim://?width=320&height=240")
    mark = np.full((240, 320, 3), 7, np.uint8)
    cam.set_frames([mark])
    assert np.array_equal(cam.read(), mark)
    a, b = cam.read(), cam.read()
    assert a.shape == (240, 320, 3) and not np.array_equal(a, b)  # it moves
    cam.unplug()
    with pytest.raises(DeviceError):
        cam.read()
    assert cam.state is DeviceState.FAULT and cam.last_error.code == "CAM_NOT_FOUND"


def test_face_async_check_from_camera(verifier_factory, photo, faces_dir):
    """GIVEN a simulated camera showing another photo of the card holder (liveness off)
    WHEN start() is called THEN it returns at once and on_done fires on the worker thread with FACE_MATCH."""
    cam = open_camera("cam", f"sim://?image={faces_dir / 'obama_2009_joint_session.jpg'}&drift=2")
    verifier = verifier_factory(liveness=False, yaw_frontal=0.3)
    done = threading.Event()
    seen = {}

    def on_done(result):
        seen["result"], seen["thread"] = result, threading.current_thread().name
        done.set()
    check = verifier.start(photo("obama_2012_portrait_small.jpg"), cam, on_done=on_done, key="k1")
    assert verifier.start(photo("obama_2012_portrait_small.jpg"), cam, key="k1") is check  # idempotent
    assert done.wait(30)
    assert seen["result"].code == "FACE_MATCH" and seen["thread"].startswith("face-worker")
    assert check.result(1).passed
    check.wipe()
    assert check._session.store.wiped and len(check._session.store) == 0
