# SPDX-License-Identifier: Apache-2.0
"""The shared frame memory between the kiosk and its media child (kiosk/assist/media_shm.py):
what the reader gets is what the writer put, a frame whose slot was reused meanwhile is dropped,
and closing twice (an ended child is reaped from two places) never closes another file."""
from __future__ import annotations

import os

import numpy as np

from kiosk.assist.media_shm import SLOTS, FrameArea, make_fd


def pair() -> tuple[FrameArea, FrameArea]:
    fd = make_fd("test-frames")
    return FrameArea(fd), FrameArea(os.dup(fd))          # the writer's and the reader's descriptor


def test_frames_of_every_kind_and_size_arrive_as_written():
    writer, reader = pair()
    rng = np.random.default_rng(7)
    camera = rng.integers(0, 255, (480, 640, 3), np.uint8)
    screen = rng.integers(0, 255, (800, 1280, 3), np.uint8)
    bigger = rng.integers(0, 255, (1080, 1920, 3), np.uint8)      # the window grew: a larger slot
    for kind, frame in (("cam", camera), ("screen", screen), ("cam", camera[:240]), ("screen", bigger)):
        got = reader.take(writer.put(kind, frame))
        assert got is not None and np.array_equal(got, frame)
    writer.close()
    reader.close()


def test_a_frame_whose_slot_was_reused_is_dropped_not_torn():
    writer, reader = pair()
    first = writer.put("remote", np.full((48, 64, 3), 1, np.uint8))
    for n in range(SLOTS):                                # the writer went round its slots
        writer.put("remote", np.full((48, 64, 3), 2 + n, np.uint8))
    assert reader.take(first) is None
    writer.close()
    reader.close()


def test_closing_twice_leaves_a_file_that_got_the_number_alone(tmp_path):
    area = FrameArea(make_fd("test-frames"))
    number = area.fd
    area.close()
    other = tmp_path / "other.txt"
    other.write_text("still here")
    opened = os.open(other, os.O_RDONLY)
    fd = number
    if opened != number:                                  # the file gets the area's old number
        os.dup2(opened, number)
        os.close(opened)
    try:
        area.close()
        assert os.read(fd, 10) == b"still here"
    finally:
        os.close(fd)
