# SPDX-License-Identifier: Apache-2.0
"""The pipe between the kiosk and its media child (:mod:`kiosk.assist.media_process`).

One message is ``>II`` (the JSON header's length, the payload's length), the header (a JSON
object with ``"t"``, its type) and the payload: the raw bytes of one RGB frame (``"shape"``
in the header) or nothing. Frames cross as they are, one copy each way. Standard library and
numpy only: the kiosk side imports it, and must stay free of aiortc/av (issue 18)."""
from __future__ import annotations

import json
import struct
import threading
from typing import Any, BinaryIO

import numpy as np

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
    """Writes whole messages to a binary stream from any thread; False once it is closed."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self._lock = stream, threading.Lock()

    def send(self, header: dict, frame: np.ndarray | None = None) -> bool:
        parts = pack(header, frame)
        with self._lock:
            try:
                for part in parts:
                    if len(part):
                        self.stream.write(part)
                self.stream.flush()
                return True
            except (OSError, ValueError):
                return False


def _read_exactly(stream: BinaryIO, n: int) -> bytearray | None:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = stream.readinto(view[got:])       # type: ignore[attr-defined]
        if not k:
            return None
        got += k
    return buf


def receive(stream: BinaryIO) -> tuple[dict, np.ndarray | None] | None:
    """The next message (header, frame or None); None when the stream has ended."""
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
    if n_body and "shape" in header:
        frame = np.frombuffer(body, np.uint8).reshape(header["shape"])    # writable (bytearray)
    return header, frame
