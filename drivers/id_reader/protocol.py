# SPDX-License-Identifier: Apache-2.0
"""Byte framing of the resident-ID-card reader SAM protocol. Pure: no I/O.

Section numbers refer to ``docs/id-reader-protocol.md``.  Every
parser here raises only :class:`drivers.base.DeviceError` with an ``IDR_``
code (see :mod:`.errors`), whatever bytes it is given, and never loops on
input it cannot consume.  Card *text* (the 256-byte block) is decoded in
:mod:`.textblock`.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from drivers.base import DeviceError

from . import errors as E

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"
HEADER_SIZE = 7            # preamble + LEN_H + LEN_L
MAX_LEN = 4096             # sanity limit (2.4); the largest normal answer has LEN 0x090A

# (CMD, PARA) of every command in 3.1
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_BASE = (0x30, 0x01)
READ_ADDRESS = (0x30, 0x03)
READ_MNG_INFO = (0x30, 0x05)
READ_BASE_FP = (0x30, 0x10)
SET_MAX_RF = (0x61, 0xFF)
SET_BAUD = 0x60
BAUD_CODES = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}  # 3.10

SW_OK = 0x90
SW_FOUND = 0x9F          # find card answers 9F, not 90 (3.4)
SW_NO_CONTENT = 0x91
SW_NO_CARD = 0x80

TEXT_SIZE = 256
PHOTO_SIZE = 1024
ADDRESS_RECORD = 70       # bytes per appended-address record (3.8)
MAX_ADDRESS_RECORDS = 4


def checksum(data: bytes) -> int:
    """XOR of ``data``; callers pass the bytes from LEN_H up to just before CHK (2.3)."""
    c = 0
    for b in data:
        c ^= b
    return c


def _frame(body: bytes) -> bytes:
    length = len(body) + 1
    head = struct.pack(">H", length)
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def build_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    """Host → reader command frame (2.1): ``AA AA AA 96 69 LEN CMD PARA DATA CHK``."""
    return _frame(bytes([cmd & 0xFF, para & 0xFF]) + bytes(data))


def build_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """Reader → host answer frame (2.2); used by the simulator and tests."""
    return _frame(bytes([sw1 & 0xFF, sw2 & 0xFF, sw3 & 0xFF]) + bytes(data))


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes = b""

    @property
    def key(self) -> tuple[int, int]:
        return (self.cmd, self.para)


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    def expect(self, *ok: int) -> "Response":
        """Return self if SW3 is one of ``ok`` (default 0x90), else raise the mapped error.

        Decisions use SW3 only; SW1/SW2 are kept as ``native`` detail (section 4).
        """
        if self.sw3 in (ok or (SW_OK,)):
            return self
        raise status_error(self.sw3, self.sw1, self.sw2)


def status_error(sw3: int, sw1: int = 0, sw2: int = 0) -> DeviceError:
    code = E.STATUS_ERRORS.get(sw3, E.IDR_UNKNOWN_STATUS)
    return DeviceError(code, f"SW {sw1:02X} {sw2:02X} {sw3:02X}", native=sw3)


def _split_frame(frame, min_len: int) -> memoryview:
    """Validate preamble, LEN and CHK of one whole frame; return the body (after LEN, before CHK).

    ``frame`` may be bytes, a bytearray or a memoryview (the deframer's own buffer): the body is a
    view of it, not a copy, so a card's answer exists once, where the deframer can zero it.
    """
    frame = memoryview(frame)
    if not len(frame) or frame[:5] != PREAMBLE[:len(frame[:5])]:
        raise DeviceError(E.IDR_BAD_FRAME, "no AA AA AA 96 69 preamble")
    if len(frame) < HEADER_SIZE:
        raise DeviceError(E.IDR_TRUNCATED, f"{len(frame)} bytes, header needs {HEADER_SIZE}")
    length = (frame[5] << 8) | frame[6]
    if not min_len <= length <= MAX_LEN:
        raise DeviceError(E.IDR_BAD_FRAME, f"LEN {length} outside {min_len}..{MAX_LEN}")
    if len(frame) < HEADER_SIZE + length:
        raise DeviceError(E.IDR_TRUNCATED, f"{len(frame)} of {HEADER_SIZE + length} bytes")
    if len(frame) > HEADER_SIZE + length:
        raise DeviceError(E.IDR_BAD_FRAME, f"{len(frame) - HEADER_SIZE - length} bytes after CHK")
    if checksum(frame[5:]) != 0:
        raise DeviceError(E.IDR_CHECKSUM, f"CHK {frame[-1]:02X}, expected {checksum(frame[5:-1]):02X}")
    return frame[7:-1]


def parse_response(frame) -> Response:
    """Parse one complete reader → host frame. Raises DeviceError (IDR_BAD_FRAME, IDR_TRUNCATED, IDR_CHECKSUM).

    The answer's data is the one copy made (the caller zeroes it with :func:`.scrub.scrub`)."""
    body = _split_frame(frame, 4)
    return Response(body[0], body[1], body[2], bytes(body[3:]))


def parse_request(frame) -> Request:
    """Parse one complete host → reader frame (the simulator's side)."""
    body = _split_frame(frame, 3)
    return Request(body[0], body[1], bytes(body[2:]))


class Deframer:
    """Reassembles frames from a byte stream that arrives in arbitrary chunks (2.4), in place.

    One preallocated bytearray holds the stream; it never grows or moves, so no freed copy of an
    answer is left behind. Bytes past :attr:`pending` are always zero; :meth:`clear` zeroes the rest.
    Read straight into it with :meth:`space` + :meth:`commit` (``os.readv``), or :meth:`feed` a chunk.
    Bytes before a preamble are discarded (and counted in ``discarded``).  A header with an
    impossible LEN raises IDR_BAD_FRAME and the deframer drops that preamble, so the stream can
    resynchronise.  A stream that overflows the buffer loses its oldest bytes (counted too).
    """

    CAPACITY = 2 * (HEADER_SIZE + MAX_LEN) + 4096   # a partial frame + a whole one + one 4 KiB read

    def __init__(self, min_len: int = 4, capacity: int = CAPACITY):
        self.min_len = min_len
        self._buf = bytearray(capacity)
        self._mv = memoryview(self._buf)
        self._n = 0
        self.discarded = 0

    @property
    def pending(self) -> int:
        return self._n

    def clear(self) -> None:
        """Zero what is held and start over (the buffer itself stays)."""
        self._mv[:self._n] = bytes(self._n)
        self._n = 0

    def space(self, n: int) -> memoryview:
        """A writable view of up to ``n`` free bytes at the end, for ``os.readv``; then :meth:`commit`."""
        return self._mv[self._n:self._n + max(0, min(n, len(self._buf) - self._n))]

    def commit(self, n: int) -> None:
        """``n`` bytes were written into the last :meth:`space`."""
        self._n += n
        self._hunt()

    def feed(self, data) -> None:
        data = memoryview(data)
        room = len(self._buf) - self._n
        if len(data) > len(self._buf):
            self.discarded += len(data) - len(self._buf)
            data = data[len(data) - len(self._buf):]
        if len(data) > room:
            self.discarded += len(data) - room
            self._drop(len(data) - room)
        self._mv[self._n:self._n + len(data)] = data
        self.commit(len(data))

    def _drop(self, i: int) -> None:
        """Remove the first ``i`` bytes in place and zero the freed tail."""
        rest = self._n - i
        self._mv[:rest] = self._mv[i:self._n]     # memmove inside the buffer: no temporary copy
        self._mv[rest:self._n] = bytes(i)
        self._n = rest

    def _hunt(self) -> None:
        i = self._buf.find(PREAMBLE, 0, self._n)
        if i < 0:  # keep a tail that may be the start of a preamble
            keep = next((k for k in range(4, 0, -1) if self._buf.endswith(PREAMBLE[:k], 0, self._n)), 0)
            i = self._n - keep
        if i > 0:
            self.discarded += i
            self._drop(i)

    def _length(self) -> int | None:
        if self._n < HEADER_SIZE or not self._buf.startswith(PREAMBLE, 0, self._n):
            return None
        return (self._buf[5] << 8) | self._buf[6]

    def wanted(self) -> int:
        """How many more bytes complete the current stage (at least 1)."""
        length = self._length()
        if length is None:
            return max(1, HEADER_SIZE - self._n)
        return max(1, HEADER_SIZE + length - self._n)

    def frame_view(self) -> memoryview | None:
        """The complete frame at the head, as a view of the buffer (not checksum-verified), or None.

        Release the view, then :meth:`consume` it (which zeroes it)."""
        length = self._length()
        if length is None:
            return None
        if not self.min_len <= length <= MAX_LEN:
            self._drop(1)              # skip this preamble and resynchronise
            self.discarded += 1
            self._hunt()
            raise DeviceError(E.IDR_BAD_FRAME, f"LEN {length} outside {self.min_len}..{MAX_LEN}")
        end = HEADER_SIZE + length
        return self._mv[:end] if self._n >= end else None

    def consume(self, view: memoryview) -> None:
        """Drop the frame ``view`` (from :meth:`frame_view`) from the buffer, zeroing it."""
        n = len(view)
        view.release()
        self._drop(n)
        self._hunt()

    def next_frame(self) -> bytes | None:
        """Return one complete frame as a copy (not yet checksum-verified) or None if more bytes are needed."""
        view = self.frame_view()
        if view is None:
            return None
        frame = bytes(view)
        self.consume(view)
        return frame


# -- payloads ---------------------------------------------------------------
@dataclass(frozen=True)
class BaseMessage:
    """The 0x30 0x01 / 0x30 0x10 answer payload (3.6, 3.7, 5.1)."""
    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def parse_base_message(data: bytes, with_fingerprint: bool = False) -> BaseMessage:
    """Split the read payload by its length fields. Raises IDR_BAD_PAYLOAD."""
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"read payload of {len(data)} bytes")
    text_len, photo_len = struct.unpack_from(">HH", data)
    fp_len = struct.unpack_from(">H", data, 4)[0] if with_fingerprint else 0
    if text_len != TEXT_SIZE:
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"text length {text_len}, expected {TEXT_SIZE}")
    if head + text_len + photo_len + fp_len != len(data):
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"lengths {text_len}+{photo_len}+{fp_len} != {len(data) - head}")
    t0, p0 = head, head + text_len
    f0 = p0 + photo_len
    return BaseMessage(bytes(data[t0:p0]), bytes(data[p0:f0]), bytes(data[f0:]))


def build_base_message(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """Inverse of :func:`parse_base_message`; ``fingerprint`` not None → the 0x30 0x10 layout."""
    head = struct.pack(">HH", len(text), len(photo))
    if fingerprint is not None:
        head += struct.pack(">H", len(fingerprint))
    return head + text + photo + (fingerprint or b"")


def parse_sam_id(data: bytes) -> str:
    """Render the 16-byte SAM-id payload as ``AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE`` (3.3)."""
    if len(data) != 16:
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"SAM id payload of {len(data)} bytes, expected 16")
    a, b, c, d, e = struct.unpack("<HHIII", data)
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def build_sam_id(a: int, b: int, c: int, d: int, e: int) -> bytes:
    return struct.pack("<HHIII", a, b, c, d, e)


def split_address_records(data: bytes) -> list[bytes]:
    """Split the 0x30 0x03 payload into 70-byte records (1..4). Raises IDR_BAD_PAYLOAD."""
    n, rest = divmod(len(data), ADDRESS_RECORD)
    if rest or not 1 <= n <= MAX_ADDRESS_RECORDS:
        raise DeviceError(E.IDR_BAD_PAYLOAD, f"appended-address payload of {len(data)} bytes")
    return [bytes(data[i * ADDRESS_RECORD:(i + 1) * ADDRESS_RECORD]) for i in range(n)]
