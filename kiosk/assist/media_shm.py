# SPDX-License-Identifier: Apache-2.0
"""Frames between the kiosk and its media child in shared memory (issue 17: a call's CPU).

Each direction has one anonymous memory file (``memfd_create``), made by the kiosk when it
starts the child and handed to it as an open descriptor: it has no name, so nothing is ever left
in /dev/shm, and its memory is freed when the last of the two processes closes it (the call
ends, or the child dies). The pipe (:mod:`kiosk.assist.media_wire`) then carries only the
header of a frame: where it is (``"at"``), its ``"shape"`` and a sequence number.

Each kind of frame (``"t"``: the camera, the screen, the helper's video…) has a few slots of
its own, used in turn; the reader copies a frame out as soon as its header arrives, and drops it
when the writer has meanwhile reused the slot (the sequence number at the slot's start no longer
matches). A frame larger than MAX_SLOT goes through the pipe as before."""
from __future__ import annotations

import mmap
import os
import struct
import threading

import numpy as np

SLOTS = 3                        # per kind of frame: the writer is never more than this ahead
MAX_SLOT = 16 << 20              # 16 MB: a 2560×1600 RGB screen and more; larger ones use the pipe
SEQ = struct.Struct("<q")
PAGE = mmap.PAGESIZE


def make_fd(name: str) -> int:
    """A new anonymous memory file (inherited by the child only when passed explicitly)."""
    return os.memfd_create(name, os.MFD_CLOEXEC)


class FrameArea:
    """One direction's memory file, as its writer or its reader sees it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._closing = threading.Lock()
        self._map: mmap.mmap | None = None
        self._slots: dict[str, list[tuple[int, int]]] = {}     # kind → [(offset, capacity)]
        self._turn: dict[str, int] = {}
        self._seq = 0
        self._end = 0                                        # the file's size (writer)

    # ------------------------------------------------------------------- writer
    def put(self, kind: str, frame: np.ndarray) -> dict | None:
        """Copies ``frame`` into the next slot of its kind: the header's fields, or None when it
        is too large (it then goes through the pipe)."""
        n = frame.nbytes
        if n > MAX_SLOT:
            return None
        slots = self._slots.setdefault(kind, [])
        turn = self._turn.get(kind, 0)
        self._turn[kind] = (turn + 1) % SLOTS
        if turn >= len(slots):
            slots.append(self._grow(n))
        offset, capacity = slots[turn]
        if capacity < n:                     # a larger frame of this kind: a larger slot
            offset, capacity = slots[turn] = self._grow(n)
        self._seq += 1
        mem = self._view(offset + SEQ.size + n)
        SEQ.pack_into(mem, offset, -1)                     # being written
        np.frombuffer(mem, np.uint8, n, offset + SEQ.size)[:] = frame.reshape(-1)
        SEQ.pack_into(mem, offset, self._seq)
        return {"at": offset, "seq": self._seq, "shape": list(frame.shape)}

    def _grow(self, n: int) -> tuple[int, int]:
        offset = self._end
        capacity = -(-(SEQ.size + n) // PAGE) * PAGE - SEQ.size
        self._end = offset + SEQ.size + capacity
        os.ftruncate(self.fd, self._end)                   # pages are only used once written
        return offset, capacity

    # ------------------------------------------------------------------- reader
    def take(self, header: dict) -> np.ndarray | None:
        """A copy of the frame the header names; None when it was overwritten meanwhile."""
        offset, seq, shape = int(header["at"]), int(header["seq"]), tuple(header["shape"])
        n = int(np.prod(shape))
        mem = self._view(offset + SEQ.size + n)
        if SEQ.unpack_from(mem, offset)[0] != seq:
            return None
        frame = np.frombuffer(mem, np.uint8, n, offset + SEQ.size).reshape(shape).copy()
        if SEQ.unpack_from(mem, offset)[0] != seq:         # rewritten while it was copied
            return None
        return frame

    def _view(self, end: int) -> mmap.mmap:
        if self._map is None or len(self._map) < end:
            size = max(end, os.fstat(self.fd).st_size)
            self._map = mmap.mmap(self.fd, size)             # (an older map goes with its last view)
        return self._map

    def close(self) -> None:
        """Closes the descriptor (once: an ended child is reaped from two places, and closing a
        number twice would close whatever file got it meanwhile); the memory goes once the other
        process has closed its own."""
        with self._closing:
            fd, self.fd = self.fd, -1
        self._map = None
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass
