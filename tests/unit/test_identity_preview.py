# SPDX-License-Identifier: Apache-2.0
"""The face screen's preview buffer when the identity worker sends it (PreviewCamera.receive)."""
from __future__ import annotations

import pytest

from kiosk.identity_preview import PreviewCamera


def fill_with(value: int):
    def read_into(view):
        view[:] = bytes([value]) * len(view)
    return read_into


def test_a_preview_is_kept_only_while_a_try_is_armed():
    preview = PreviewCamera(camera=None)
    preview.receive(4, 6, fill_with(7))                  # before the try: dropped
    assert preview.size is None
    preview.arm()
    preview.receive(4, 6, fill_with(7))
    assert preview.size == (6, 4)
    shown = []
    preview.draw(lambda buf, size: shown.append((bytes(buf), size)))
    assert shown == [(bytes([7]) * 72, (6, 4))]
    preview.wipe()
    assert preview.size is None


def test_a_preview_cut_off_by_the_worker_s_end_leaves_no_buffer():
    """The worker quits halfway through a frame (the session ended under it): the read fails, and the
    half-filled buffer is zeroed and dropped rather than kept, armed or not."""
    preview = PreviewCamera(camera=None)
    preview.arm()

    def cut_off(view):
        view[:10] = b"\x09" * 10
        raise EOFError("frame pipe closed")
    with pytest.raises(EOFError):
        preview.receive(4, 6, cut_off)
    assert preview.size is None
    preview.wipe()
    with pytest.raises(EOFError):
        preview.receive(4, 6, cut_off)
    assert preview.size is None
