# SPDX-License-Identifier: Apache-2.0
"""The live preview for the face screen, made on the camera thread.

:class:`PreviewCamera` stands between the camera and the face verifier: each
frame the verifier reads is also shrunk (every ``step``-th pixel), mirrored
like a looking glass and flipped bottom-up for an OpenGL texture, into one
reused buffer. The UI thread only copies that buffer into its texture
(:meth:`PreviewCamera.draw`). :meth:`wipe` zeroes the buffer; nothing is
written anywhere else. When the identity worker reads the camera itself, the
kiosk never sees a full frame: the worker makes the same small copy and
:meth:`PreviewCamera.receive` reads it from the pipe straight into the buffer.
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np


class PreviewCamera:
    """Wraps a camera: ``read()`` passes frames on and keeps a small preview copy."""

    def __init__(self, camera, step: int = 2):
        self.camera = camera
        self.step = step
        self._buf: np.ndarray | None = None
        self._lock = threading.Lock()
        self.serial = 0                  # increments per preview frame; the UI redraws on change
        self._armed = False              # frames read after wipe() (a cancelled check's last read) are not kept

    def arm(self) -> None:
        """Keep previews from now on (a face try starts)."""
        with self._lock:
            self._armed = True

    def read(self) -> np.ndarray:
        """The next camera frame, unchanged (the verifier adopts and zeroes it). Camera thread."""
        frame = self.camera.read()
        small = frame[::-self.step, ::-self.step]   # bottom-up and mirrored in one view
        with self._lock:
            if not self._armed:
                return frame
            if self._buf is None or self._buf.shape != small.shape:
                if self._buf is not None:
                    self._buf.fill(0)
                self._buf = np.empty(small.shape, np.uint8)
            np.copyto(self._buf, small)
            self.serial += 1
        return frame

    def receive(self, height: int, width: int, read_into: Callable[[memoryview], None]) -> None:
        """A preview the worker made (already small, mirrored and bottom-up): ``read_into`` fills the
        buffer from the pipe. One kept only while a try is armed; else it is zeroed at once."""
        shape = (height, width, 3)
        with self._lock:
            if self._buf is None or self._buf.shape != shape:
                if self._buf is not None:
                    self._buf.fill(0)
                self._buf = np.empty(shape, np.uint8)
            kept = False
            try:
                read_into(memoryview(self._buf).cast("B"))      # the worker may end halfway (EOFError)
                kept = self._armed
            finally:
                if not kept:
                    self._buf.fill(0)
                    self._buf = None
            if kept:
                self.serial += 1

    @property
    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` of the preview, or None before the first frame."""
        with self._lock:
            return None if self._buf is None else (self._buf.shape[1], self._buf.shape[0])

    def draw(self, blit: Callable[[memoryview, tuple[int, int]], None]) -> bool:
        """Calls ``blit(rgb_bytes, (w, h))`` with the current preview under the lock. UI thread."""
        with self._lock:
            if self._buf is None:
                return False
            blit(memoryview(self._buf).cast("B"), (self._buf.shape[1], self._buf.shape[0]))
            return True

    def wipe(self) -> None:
        """Zero and drop the preview. Any thread; idempotent."""
        with self._lock:
            if self._buf is not None:
                self._buf.fill(0)
            self._buf = None
            self._armed = False
            self.serial += 1
