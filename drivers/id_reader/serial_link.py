# SPDX-License-Identifier: Apache-2.0
"""The serial link to the SAM reader: the port, one exchange at a time, answers deframed.

:class:`SerialLink` opens the port (with pyserial) at the configured rate or, with
autobaud, at the first rate whose SAM answers a status request; sends one request
at a time (spec 2.4: every exchange runs under ``io``); and reads each answer from
the port straight into one preallocated buffer (``os.readv``), resyncing on the
preamble and zeroing every frame after use. Port errors become ``IDR_UNPLUGGED``,
silence and broken frames ``IDR_TIMEOUT``/``IDR_TRUNCATED``/``IDR_BAD_FRAME``.

Staying in step: an answer that comes after its budget lands behind the host's next
request.  So each answer is checked against what its command may answer
(:func:`.answers.fits`); one that does not fit is an earlier command's, dropped (counted
in ``stale_answers``), and the link keeps waiting for the right one; if none comes in the
budget the exchange fails with ``IDR_OUT_OF_STEP``, a link error like a timeout.  After any
broken exchange the link drains the line until it has been quiet for an inter-frame gap
(:func:`quiet_gap`), so the rest of a late answer is not read as the next one.
The card-reading protocol on top of it is :mod:`.serial_backend`'s.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import time
from typing import Any, Callable

from drivers.base import DeviceError

from . import answers as A
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
               E.IDR_REQ_LENGTH, E.IDR_OUT_OF_STEP}
# exchanges after which bytes of a late or broken answer may still be on their way
_DRAIN_AFTER = {E.IDR_TIMEOUT, E.IDR_CHECKSUM, E.IDR_TRUNCATED, E.IDR_BAD_FRAME, E.IDR_OUT_OF_STEP}
DRAIN_MAX = 1.0   # seconds: a line that never falls quiet (a stream of noise) is drained no longer


def quiet_gap(baud: int) -> float:
    """Seconds of silence that end a drain: 32 byte times (10 bits each at ``baud``), at least
    20 ms, since a USB-serial adapter delivers a frame in chunks up to its latency timer (16 ms
    by default on FTDI) apart; the reader itself sends a frame without pauses (spec 2.4)."""
    return max(0.02, 32 * 10 / max(1, baud))


class SerialLink:
    """One serial port to the SAM. ``timeouts``: seconds per budget name (``find``, ``sam``, ...)."""

    def __init__(self, port: str, timeouts: dict[str, float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.port, self.timeouts, self.clock = port, timeouts, clock
        self.stale_answers = 0       # answers dropped because they did not fit their command
        self.drained = 0             # bytes dropped while resynchronising
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
                try:
                    return self._read_frame(command, self.timeouts[budget])
                except DeviceError as exc:
                    if exc.error in _DRAIN_AFTER:
                        self._drain()
                    raise
            except (OSError, serial.SerialException, _TermiosError) as exc:
                self.drop()
                raise DeviceError(E.IDR_UNPLUGGED, f"{self.port}: {exc}") from None

    def _read_frame(self, command: tuple[int, int], timeout: float) -> P.Response:
        """The answer to ``command``, read from the port straight into the link's one preallocated
        buffer (``os.readv`` on the fd: no pyserial chunk, no growing bytes), parsed in place and
        zeroed. Answers that cannot be ``command``'s (late answers to earlier ones) are dropped."""
        deframer, deadline = self._deframer, self.clock() + timeout
        stale, junk = "", deframer.discarded
        deframer.clear()
        try:
            while True:
                view = deframer.frame_view()
                if view is not None:
                    try:
                        answer = P.parse_response(view)   # the answer's data: the one copy, zeroed by its user
                    finally:
                        deframer.consume(view)          # zeroes the frame in the buffer
                    if A.fits(command, answer.sw3, len(answer.data)):
                        return answer
                    stale = f"SW3 {answer.sw3:02X} with {len(answer.data)} data bytes"
                    self._note_stale(command, stale, answer)
                    continue
                left = deadline - self.clock()
                if left <= 0:
                    if deframer.pending:
                        raise DeviceError(E.IDR_TRUNCATED, f"{deframer.pending} bytes then silence")
                    if stale:
                        raise DeviceError(E.IDR_OUT_OF_STEP, f"{stale}: not an answer to "
                                          f"{command[0]:02X} {command[1]:02X}; none that fits in {timeout:.2f} s")
                    if deframer.discarded > junk:
                        raise DeviceError(E.IDR_BAD_FRAME, f"{deframer.discarded - junk} bytes without a preamble")
                    raise DeviceError(E.IDR_TIMEOUT, f"no answer within {timeout:.2f} s")
                self._read_into(deframer, min(left, 0.05))
        finally:
            deframer.clear()

    def _note_stale(self, command: tuple[int, int], what: str, answer: P.Response) -> None:
        scrub(answer.data)   # may be an earlier card read: zeroed, never logged
        self.stale_answers += 1
        log.info("%s: dropped a late answer (%s) while waiting for %02X %02X", self.port, what, *command)

    def _drain(self) -> None:
        """Reads and drops bytes until the line has been quiet for :func:`quiet_gap` (at most
        ``DRAIN_MAX`` s), so the rest of a late or broken answer is not taken for the next one."""
        gap = quiet_gap(getattr(self.ser, "baudrate", 0) or 115200)
        deframer = self._deframer
        start = last = self.clock()
        try:
            while self.ser is not None:
                now = self.clock()
                if now - last >= gap or now - start >= DRAIN_MAX:
                    return
                got = self._read_into(deframer, min(gap - (now - last), 0.05), 4096)
                if got:
                    self.drained += got
                    last = self.clock()
                deframer.clear()                  # zeroed: it may be card data
        finally:
            deframer.clear()

    def _read_into(self, deframer: P.Deframer, wait: float, want: int = 0) -> int:
        """Waits up to ``wait`` s for bytes and reads up to ``want`` of them (default: what
        completes the frame's current stage) into ``deframer``; returns how many."""
        want = want or deframer.wanted()
        try:
            fd = self.ser.fileno()
        except (AttributeError, NotImplementedError, OSError, ValueError):   # not a POSIX port
            fd = None
        if fd is None or not hasattr(os, "readv"):
            chunk = self.ser.read(want)
            deframer.feed(chunk)
            scrub(chunk)
            return len(chunk)
        if not select.select([fd], [], [], wait)[0]:
            return 0
        room = deframer.space(want)
        try:
            n = os.readv(fd, [room])
        except BlockingIOError:
            return 0
        except InterruptedError:
            return 0
        finally:
            room.release()
        if n == 0:   # readable but nothing: the device went away (as pyserial reports it)
            raise serial.SerialException("device reports readiness to read but returned no data")
        deframer.commit(n)
        return n
