# SPDX-License-Identifier: Apache-2.0
"""Photo plug-in: turn the card's 1024-byte WLT photo into a 102 × 126 BMP.

WLT is a proprietary codec with no public specification (spec section 7).
Real decoding needs the licensed vendor library of the kiosk's reader
(``libwlt2bmp.so``-style shared object); this project ships no decoder binary
and cannot decode real card photos on its own.

* :class:`VendorLibraryDecoder` calls the vendor library through ctypes in a
  separate *process* (multiprocessing, spawn), so a crash or hang inside
  vendor code costs one photo, never the kiosk UI.
* :class:`TestWltDecoder` decodes only the "test WLT" payload that the
  simulator's fictitious cards carry (a marker plus a tiny deterministic
  picture); it rejects every real WLT.
"""
from __future__ import annotations

import abc
import multiprocessing
import struct
import threading

from drivers.base import DeviceError

from . import errors as E

WIDTH, HEIGHT = 102, 126                  # decoded photo size (spec 7)
BMP_SIZE = 54 + HEIGHT * ((WIDTH * 3 + 3) & ~3)   # 38 862 bytes
BGR_SIZE = WIDTH * HEIGHT * 3             # 38 556 bytes
TEST_WLT_MARKER = b"EHALL-TEST-WLT1\x00"  # 16 bytes; never produced by a real card
_GRID = 16                                # the test picture is 16 × 16 RGB


def bmp_from_rows(rows: list[bytes], width: int) -> bytes:
    """24-bit BMP from top-down rows of ``width`` BGR pixels."""
    stride = (width * 3 + 3) & ~3
    pixels = b"".join(r + b"\0" * (stride - len(r)) for r in reversed(rows))  # BMP is bottom-up
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, len(rows), 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def make_test_wlt(seed: int) -> bytes:
    """A 1024-byte stand-in for a WLT photo: marker, size, 16 × 16 RGB picture, zero padding."""
    px = bytearray()
    for y in range(_GRID):
        for x in range(_GRID):
            face = (x - 7.5) ** 2 / 30 + (y - 7) ** 2 / 45 < 1  # an oval "head"
            px += bytes([230, 200, 170]) if face else bytes([(seed * 53 + x * 9) & 255, 90 + y * 8, (seed * 29) & 255])
    payload = TEST_WLT_MARKER + bytes([_GRID, _GRID]) + px
    return payload + bytes(1024 - len(payload))


class PhotoDecoder(abc.ABC):
    """``decode(wlt) -> BMP bytes``; raises DeviceError (IDR_PHOTO_*). Any thread may call it."""
    name = "photo-decoder"

    @abc.abstractmethod
    def decode(self, wlt: bytes) -> bytes: ...

    def close(self) -> None:
        """Release helper processes; decode() may start them again."""


class TestWltDecoder(PhotoDecoder):
    """Decodes the simulator's test payload only (scaled to the real 102 × 126)."""
    name = "test-wlt"

    def decode(self, wlt: bytes) -> bytes:
        if len(wlt) != 1024 or not wlt.startswith(TEST_WLT_MARKER) or wlt[16:18] != bytes([_GRID, _GRID]):
            raise DeviceError(E.IDR_PHOTO_DECODE, "not a test WLT payload; real photos need the vendor library")
        px = wlt[18:18 + _GRID * _GRID * 3]
        rows = []
        for y in range(HEIGHT):
            sy = y * _GRID // HEIGHT
            row = bytearray()
            for x in range(WIDTH):
                r, g, b = px[(sy * _GRID + x * _GRID // WIDTH) * 3:][:3]
                row += bytes([b, g, r])
            rows.append(bytes(row))
        return bmp_from_rows(rows, WIDTH)


def _vendor_worker(conn, library: str, entry: str, flag: int, out_size: int) -> None:  # pragma: no cover (child)
    import ctypes
    fn = getattr(ctypes.CDLL(library), entry)
    fn.restype = ctypes.c_int
    while True:
        try:
            wlt = conn.recv_bytes()
        except EOFError:
            return
        out = ctypes.create_string_buffer(out_size)
        rc = fn(ctypes.create_string_buffer(wlt, len(wlt)), out, ctypes.c_int(flag))
        conn.send((rc, out.raw))


class VendorLibraryDecoder(PhotoDecoder):
    """Calls ``int entry(const char *wlt, char *out, int flag)`` of a vendor shared library.

    The entry point, ``flag``, success value and output form vary between
    vendors (spec 7 lists ``unpack(wlt_in, bmp_out, flag)`` shapes); set them
    from the vendor documentation.  ``output`` is ``"bmp"`` (the library
    writes a 38 862-byte BMP) or ``"bgr"`` (a raw 38 556-byte top-down BGR
    buffer, which is wrapped into a BMP here).  ``timeout`` is seconds per photo.
    """
    name = "vendor-library"

    def __init__(self, library: str, entry: str = "unpack", flag: int = 1, ok: int = 1,
                 output: str = "bmp", timeout: float = 5.0):
        if output not in ("bmp", "bgr"):
            raise ValueError("output must be 'bmp' or 'bgr'")
        self.library, self.entry, self.flag, self.ok = library, entry, flag, ok
        self.output, self.timeout = output, timeout
        self._proc = None
        self._conn = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded kiosk process
        parent, child = ctx.Pipe()
        size = BMP_SIZE if self.output == "bmp" else BGR_SIZE
        self._proc = ctx.Process(target=_vendor_worker, name="wlt-decoder", daemon=True,
                                 args=(child, self.library, self.entry, self.flag, size))
        self._proc.start()
        child.close()
        self._conn = parent

    def decode(self, wlt: bytes) -> bytes:
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self.close()
                self._start()
            try:
                self._conn.send_bytes(bytes(wlt))
                if not self._conn.poll(self.timeout):
                    self.close()
                    raise DeviceError(E.IDR_PHOTO_CRASHED, f"no answer within {self.timeout:.1f} s; decoder killed")
                rc, out = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = self._proc.exitcode if self._proc else None
                self.close()
                raise DeviceError(E.IDR_PHOTO_CRASHED, f"decoder process ended (exit code {code})") from None
        if rc != self.ok:
            raise DeviceError(E.IDR_PHOTO_DECODE, f"vendor decoder returned {rc}", native=rc)
        if self.output == "bgr":
            return bmp_from_rows([out[y * WIDTH * 3:(y + 1) * WIDTH * 3] for y in range(HEIGHT)], WIDTH)
        return out

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(1.0)
        self._proc = self._conn = None


def decoder_from_config(spec: str | None) -> PhotoDecoder | None:
    """``None``/``""`` → no decoder; ``"test"`` → TestWltDecoder; ``"vendor:/path/lib.so"`` → VendorLibraryDecoder."""
    if not spec:
        return None
    if spec == "test":
        return TestWltDecoder()
    if spec.startswith("vendor:") and len(spec) > 7:
        return VendorLibraryDecoder(spec[7:])
    raise ValueError(f"photo decoder {spec!r}: expected 'test' or 'vendor:/path/to/lib.so'")
