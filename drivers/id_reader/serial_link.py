# SPDX-License-Identifier: Apache-2.0
"""The serial link to the SAM reader: the port, one exchange at a time, answers deframed.

:class:`SerialLink` opens the port (with pyserial) at the configured rate or, with
autobaud, at the first rate whose SAM answers a status request; sends one request
at a time (spec 2.4: every exchange runs under ``io``); and reads each answer from
the port straight into one preallocated buffer (``os.readv``), resyncing on the
preamble and zeroing every frame after use. Port errors become ``IDR_UNPLUGGED``,
silence and broken frames ``IDR_TIMEOUT``/``IDR_TRUNCATED``/``IDR_BAD_FRAME``.
The card-reading protocol on top of it is :mod:`.serial_backend`'s.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import time
from typing import Any

from drivers.base import DeviceError

from . import errors as E
from . import protocol as P
from .scrub import scrub

try:  # guarded: a kiosk without pyserial gets a FAULT with a reason, not an ImportError
    import serial
except ImportError:  # pragma: no cover
    serial = None
_TermiosError: type[Exception]
try:
    import termios
    _TermiosError = termios.error   # tcflush on a hung-up tty raises this, not OSError
except ImportError:  # pragma: no cover (Windows)
    _TermiosError = OSError

log = logging.getLogger(__name__)

# errors of the link rather than of the card or the SAM: retried, then the port is reopened
LINK_ERRORS = {E.IDR_TIMEOUT, E.IDR_CHECKSUM, E.IDR_TRUNCATED, E.IDR_BAD_FRAME, E.IDR_REQ_CHECKSUM,
               E.IDR_REQ_LENGTH}


class SerialLink:
    """One serial port to the SAM. ``timeouts``: seconds per budget name (``find``, ``sam``, ...)."""

    def __init__(self, port: str, timeouts: dict[str, float]) -> None:
        self.port, self.timeouts = port, timeouts
        self.io = threading.RLock()      # held for each exchange and by callers for a sequence
        self.ser: Any = None
        self.closed = True
        self._deframer = P.Deframer()   # one buffer for every answer, zeroed after each

    def connect(self, rates: list[int]) -> int:
        """Opens the port at the first of ``rates`` whose SAM answers a status request; returns
        that rate. ``IDR_NOT_RESPONDING`` when none answers."""
        with self.io:
            self.drop()
            for i, rate in enumerate(rates):
                self.ser = self._open_port(rate)
                try:
                    self.transact(P.SAM_STATUS, "sam").expect()
                except DeviceError as exc:
                    if exc.error in LINK_ERRORS and i + 1 < len(rates):
                        continue
                    self.drop()
                    if exc.error in LINK_ERRORS:
                        raise DeviceError(E.IDR_NOT_RESPONDING, f"no SAM status answer at {rates}") from None
                    raise
                return rate
            raise DeviceError(E.IDR_NOT_RESPONDING, f"no SAM status answer at {rates}")

    def _open_port(self, baud: int) -> Any:
        try:
            return serial.Serial(self.port, baud, timeout=0.05, write_timeout=1.0)
        except serial.SerialException as exc:
            gone = isinstance(exc.__context__, FileNotFoundError) or exc.errno in (2, 5, 6, 19)
            raise DeviceError(E.IDR_UNPLUGGED if gone else E.IDR_PORT, f"{self.port}: {exc}") from None

    def drop(self) -> None:
        """Closes the port (it may be gone already)."""
        ser, self.ser = self.ser, None
        if ser is not None:
            try:
                ser.close()
            except (OSError, serial.SerialException, _TermiosError):
                pass

    def close(self) -> None:
        self.closed = True
        with self.io:
            self.drop()
            self._deframer.clear()

    # -- one exchange ----------------------------------------------------------
    def transact(self, command: tuple[int, int], budget: str, data: bytes = b"") -> P.Response:
        with self.io:
            if self.ser is None:
                if self.closed:
                    raise DeviceError(E.IDR_CLOSED, self.port)
                raise DeviceError(E.IDR_UNPLUGGED, f"{self.port} is not open")
            try:
                self.ser.reset_input_buffer()  # drop the tail of an earlier, abandoned answer
                self.ser.write(P.build_request(*command, data))
                return self._read_frame(self.timeouts[budget])
            except (OSError, serial.SerialException, _TermiosError) as exc:
                self.drop()
                raise DeviceError(E.IDR_UNPLUGGED, f"{self.port}: {exc}") from None

    def _read_frame(self, timeout: float) -> P.Response:
        """One answer, read from the port straight into the link's one preallocated buffer
        (``os.readv`` on the fd: no pyserial chunk, no growing bytes), parsed in place and zeroed."""
        deframer, deadline = self._deframer, time.monotonic() + timeout
        deframer.clear()
        try:
            while True:
                view = deframer.frame_view()
                if view is not None:
                    try:
                        return P.parse_response(view)   # the answer's data: the one copy, zeroed by its user
                    finally:
                        deframer.consume(view)          # zeroes the frame in the buffer
                left = deadline - time.monotonic()
                if left <= 0:
                    if deframer.pending:
                        raise DeviceError(E.IDR_TRUNCATED, f"{deframer.pending} bytes then silence")
                    if deframer.discarded:
                        raise DeviceError(E.IDR_BAD_FRAME, f"{deframer.discarded} bytes without a preamble")
                    raise DeviceError(E.IDR_TIMEOUT, f"no answer within {timeout:.2f} s")
                self._read_into(deframer, min(left, 0.05))
        finally:
            deframer.clear()

    def _read_into(self, deframer: P.Deframer, wait: float) -> None:
        try:
            fd = self.ser.fileno()
        except (AttributeError, NotImplementedError, OSError, ValueError):   # not a POSIX port
            fd = None
        if fd is None or not hasattr(os, "readv"):
            chunk = self.ser.read(deframer.wanted())
            deframer.feed(chunk)
            scrub(chunk)
            return
        if not select.select([fd], [], [], wait)[0]:
            return
        room = deframer.space(deframer.wanted())
        try:
            n = os.readv(fd, [room])
        except BlockingIOError:
            return
        except InterruptedError:
            return
        finally:
            room.release()
        if n == 0:   # readable but nothing: the device went away (as pyserial reports it)
            raise serial.SerialException("device reports readiness to read but returned no data")
        deframer.commit(n)
