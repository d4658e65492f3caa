# SPDX-License-Identifier: Apache-2.0
"""The pipe between the kiosk and its media child (:mod:`kiosk.assist.media_process`).

One message is ``>II`` (the JSON header's length, the payload's length), the header (a JSON
object with ``"t"``, its type) and the payload: the raw bytes of one RGB frame (``"shape"``
in the header) or nothing. With a shared frame area (:mod:`kiosk.assist.media_shm`, the usual
case) a frame is not in the payload: the header says where it is (``"at"``). Standard library
and numpy only: the kiosk side imports it, and must stay free of aiortc/av (issue 18)."""
from __future__ import annotations

import json
import struct
import threading
from typing import Any, BinaryIO

import numpy as np

from .media_shm import FrameArea

HEAD = struct.Struct(">II")


def pack(header: dict, frame: np.ndarray | None = None) -> list[Any]:
    """The message's pieces for :meth:`Writer.send` (no copy of the frame)."""
    body: Any = b""
    if frame is not None:
        frame = np.ascontiguousarray(frame, dtype=np.uint8)
        header = {**header, "shape": list(frame.shape)}
        body = frame.data.cast("B")
    text = json.dumps(header, ensure_ascii=False).encode()
    return [HEAD.pack(len(text), len(body)), text, body]


class Writer:
    """Writes whole messages to a binary stream from any thread; False once it is closed. Frames
    go into ``area`` when there is one (only their header is written to the stream)."""

    def __init__(self, stream: BinaryIO, area: FrameArea | None = None) -> None:
        self.stream, self.area, self._lock = stream, area, threading.Lock()
        self.closed = False

    def send(self, header: dict, frame: np.ndarray | None = None) -> bool:
        with self._lock:
            if self.closed:
                return False
            try:
                if frame is not None and self.area is not None:
                    frame = np.ascontiguousarray(frame, dtype=np.uint8)
                    where = self.area.put(str(header.get("t")), frame)
                    if where is not None:
                        header, frame = {**header, **where}, None
                parts = pack(header, frame)
                for part in parts:
                    if len(part):
                        self.stream.write(part)
                self.stream.flush()
                return True
            except (OSError, ValueError):
                return False

    def close(self) -> None:
        """No more messages; the frame area is closed (its memory goes once the reader's is)."""
        with self._lock:
            self.closed = True
            if self.area is not None:
                self.area.close()


def _read_exactly(stream: BinaryIO, n: int) -> bytearray | None:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = stream.readinto(view[got:])       # type: ignore[attr-defined]
        if not k:
            return None
        got += k
    return buf


def receive(stream: BinaryIO, area: FrameArea | None = None) -> tuple[dict, np.ndarray | None] | None:
    """The next message (header, frame or None); None when the stream has ended. A frame in
    ``area`` is copied out at once (None when its slot was reused meanwhile: dropped)."""
    head = _read_exactly(stream, HEAD.size)
    if head is None:
        return None
    n_text, n_body = HEAD.unpack(bytes(head))
    text = _read_exactly(stream, n_text)
    body = _read_exactly(stream, n_body) if n_body else bytearray()
    if text is None or body is None:
        return None
    header = json.loads(bytes(text))
    frame = None
    if "at" in header:
        frame = area.take(header) if area is not None else None
    elif n_body and "shape" in header:
        frame = np.frombuffer(body, np.uint8).reshape(header["shape"])    # writable (bytearray)
    return header, frame
