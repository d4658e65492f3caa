# SPDX-License-Identifier: Apache-2.0
"""The SAM reader over a serial port (UART or USB-serial), with pyserial.

One thread per reader supervises the port: it polls for cards (find every
``poll_interval`` s; spec 3.4), reads a placed card once, notices removal
(debounced), and reopens the port after an unplug (debounced, spec 3.12 step
1 each time).  Only one command is ever outstanding (spec 2.4): every
exchange runs under ``self._io``.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import time
from typing import Any

from drivers.base import Debouncer, DeviceError, DeviceState

from . import errors as E
from . import protocol as P
from .card import IdCard
from .interface import IdCardReader
from .photo import PhotoDecoder
from .scrub import scrub
from .textblock import decode_card, decode_ucs2

try:  # guarded: a kiosk without pyserial gets a FAULT with a reason, not an ImportError
    import serial
except ImportError:  # pragma: no cover
    serial = None
try:
    from termios import error as _TermiosError   # tcflush on a hung-up tty raises this, not OSError
except ImportError:  # pragma: no cover (Windows)
    _TermiosError = OSError

log = logging.getLogger(__name__)

# seconds; spec section 8 "recommended driver budget"
DEFAULT_TIMEOUTS = {"find": 0.5, "select": 0.5, "read": 3.0, "read_fp": 4.0, "address": 1.5, "sam": 0.5}
_LINK = {E.IDR_TIMEOUT, E.IDR_CHECKSUM, E.IDR_TRUNCATED, E.IDR_BAD_FRAME, E.IDR_REQ_CHECKSUM, E.IDR_REQ_LENGTH}
_DATA = {E.IDR_BAD_TEXT, E.IDR_BAD_DATE, E.IDR_BAD_CHECK_DIGIT, E.IDR_BAD_NUMBER, E.IDR_FIELD_MISMATCH,
         E.IDR_UNKNOWN_CARD_TYPE, E.IDR_BAD_PAYLOAD}


def is_available() -> bool:
    return serial is not None


class SerialIdCardReader(IdCardReader):
    """``SerialIdCardReader("id_reader", "/dev/ttyUSB0")``; see :class:`IdCardReader` for the contract.

    ``poll`` turns card events on; the supervising thread runs either way.
    ``retries`` is how often a link error (checksum, half frame, timeout) is
    retried within one read.  ``autobaud`` probes the other rates of spec 3.10
    when the configured one gets no answer.
    """

    simulator: Any = None   # the sim:// backend's simulator, for scripting it (set by build())

    def __init__(self, name: str, port: str, baud: int = 115200, *, poll: bool = True,
                 poll_interval: float = 0.05, removal_hold: float = 0.3, plug_hold: float = 0.3,
                 retries: int = 1, autobaud: bool = True, read_fingerprint: bool = False,
                 read_addresses: bool = True, timeouts: dict[str, float] | None = None,
                 photo_decoder: PhotoDecoder | None = None):
        super().__init__(name, photo_decoder)
        unknown = set(timeouts or ()) - set(DEFAULT_TIMEOUTS)
        if unknown or baud not in P.BAUD_CODES:
            raise ValueError(f"unknown timeouts {sorted(unknown)}" if unknown else f"unsupported baud {baud}")
        self.port, self.baud = port, baud
        self._poll = False
        self._fresh = False          # polling just started: a card found now was lying there before
        self._fresh_done = threading.Event()
        self.poll = poll
        self.poll_interval, self.retries, self.autobaud = poll_interval, retries, autobaud
        self.read_fingerprint, self.read_addresses = read_fingerprint, read_addresses
        self.timeouts = {**DEFAULT_TIMEOUTS, **(timeouts or {})}
        self._removal_hold = removal_hold
        self._plug = Debouncer(plug_hold)
        self._removal = Debouncer(removal_hold)
        self._io = threading.RLock()
        self._ser = None
        self._deframer = P.Deframer()   # one buffer for every answer, zeroed after each
        self._sam_id = ""
        self._card_on = False        # a card was handled and has not been removed
        self._failed = False         # card_read_failed already reported for this placement
        self._closed = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_close = None          # hook for the owner of a simulator (sim://)

    # -- public ----------------------------------------------------------------
    @property
    def poll(self) -> bool:
        """Whether the reader looks for cards. Turning it on arms a "fresh" check: a card found
        by the first probe was lying there before and is reported as ``card_lying``, never read."""
        return self._poll

    @poll.setter
    def poll(self, on: bool) -> None:
        on = bool(on)
        if on and not self._poll:
            self._fresh_done.clear()
            self._fresh = True
        self._poll = on

    def wait_fresh_check(self, timeout: float = 2.0) -> bool:
        """Blocks until the first probe after ``poll`` was turned on has run (a card placed
        before then counts as lying there). For tests and benches; False on timeout."""
        return self._fresh_done.wait(timeout)

    def open(self) -> None:
        if serial is None:
            err = DeviceError(E.IDR_BACKEND_START, "pyserial is not installed")
            self._set_state(DeviceState.FAULT, err)
            raise err
        self._closed = False
        self._set_state(DeviceState.CONNECTING)
        log.info("%s: serial backend on %s at %d baud", self.name, self.port, self.baud)
        try:
            self._connect()
        except DeviceError as exc:
            self._plug.stable = False
            self._set_state(self._state_for(exc), exc)
            self._start_thread()   # keeps trying: the reader may be plugged in later
            raise
        self._plug.stable = True
        self._set_state(DeviceState.READY)
        self._start_thread()

    def close(self) -> None:
        self._closed = True
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self._thread = None
        with self._io:
            self._drop_port()
            self._deframer.clear()
        if self.photo_decoder is not None:
            self.photo_decoder.close()
        self._set_state(DeviceState.ABSENT)
        if self.on_close is not None:
            self.on_close()

    def read_card(self, timeout: float = 3.0) -> IdCard:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._read_with_retries(found=False)
            except DeviceError as exc:
                if exc.error is not E.IDR_NO_CARD or time.monotonic() + self.poll_interval > deadline:
                    raise
            time.sleep(self.poll_interval)

    def sam_id(self) -> str:
        with self._io:
            self._sam_id = P.parse_sam_id(self._transact(P.SAM_ID, "sam").expect().data)
            return self._sam_id

    def capabilities(self) -> dict:
        return {**super().capabilities(), "port": self.port, "baud": self.baud, "sam_id": self._sam_id,
                "fingerprint": self.read_fingerprint, "appended_address": self.read_addresses}

    def _self_test(self) -> list[str]:
        with self._io:
            self._transact(P.SAM_STATUS, "sam").expect()
            return [f"{self.name}: SAM status OK on {self.port} at {self.baud} baud",
                    f"{self.name}: SAM id {self.sam_id()}"]

    # -- port ----------------------------------------------------------------
    def _connect(self) -> None:
        with self._io:
            self._drop_port()
            rates = [self.baud] + ([b for b in P.BAUD_CODES if b != self.baud] if self.autobaud else [])
            for i, rate in enumerate(rates):
                self._ser = self._open_port(rate)
                try:
                    self._transact(P.SAM_STATUS, "sam").expect()
                except DeviceError as exc:
                    if exc.error in _LINK and i + 1 < len(rates):
                        continue
                    self._drop_port()
                    if exc.error in _LINK:
                        raise DeviceError(E.IDR_NOT_RESPONDING, f"no SAM status answer at {rates}") from None
                    raise
                if rate != self.baud:
                    log.warning("%s: reader answered at %d baud, not the configured %d", self.name, rate, self.baud)
                self.baud = rate
                self.sam_id()
                log.info("%s: SAM %s ready", self.name, self._sam_id)
                return

    def _open_port(self, baud: int):
        try:
            return serial.Serial(self.port, baud, timeout=0.05, write_timeout=1.0)
        except serial.SerialException as exc:
            gone = isinstance(exc.__context__, FileNotFoundError) or exc.errno in (2, 5, 6, 19)
            raise DeviceError(E.IDR_UNPLUGGED if gone else E.IDR_PORT, f"{self.port}: {exc}") from None

    def _drop_port(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except (OSError, serial.SerialException, _TermiosError):
                pass

    @staticmethod
    def _state_for(exc: DeviceError) -> DeviceState:
        return DeviceState.ABSENT if exc.error is E.IDR_UNPLUGGED else DeviceState.FAULT

    # -- one exchange ----------------------------------------------------------
    def _transact(self, command: tuple[int, int], budget: str, data: bytes = b"") -> P.Response:
        with self._io:
            if self._ser is None:
                if self._closed:
                    raise DeviceError(E.IDR_CLOSED, self.port)
                raise DeviceError(E.IDR_UNPLUGGED, f"{self.port} is not open")
            try:
                self._ser.reset_input_buffer()  # drop the tail of an earlier, abandoned answer
                self._ser.write(P.build_request(*command, data))
                return self._read_frame(self.timeouts[budget])
            except (OSError, serial.SerialException, _TermiosError) as exc:
                self._drop_port()
                raise DeviceError(E.IDR_UNPLUGGED, f"{self.port}: {exc}") from None

    def _read_frame(self, timeout: float) -> P.Response:
        """One answer, read from the port straight into the reader's one preallocated buffer
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
            fd = self._ser.fileno()
        except (AttributeError, NotImplementedError, OSError, ValueError):   # not a POSIX port
            fd = None
        if fd is None or not hasattr(os, "readv"):
            chunk = self._ser.read(deframer.wanted())
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

    # -- reading a card --------------------------------------------------------
    def _read_with_retries(self, found: bool) -> IdCard:
        for attempt in range(self.retries + 1):
            try:
                return self._read_once(found and attempt == 0)
            except DeviceError as exc:
                if exc.error not in _LINK or attempt == self.retries:
                    raise
                log.info("%s: %s during a read, retrying", self.name, exc.code)

    def _read_once(self, found: bool) -> IdCard:
        with self._io:
            if not found:
                self._transact(P.FIND_CARD, "find").expect(P.SW_FOUND)
            previous = self.state
            self._set_state(DeviceState.BUSY, None)
            try:
                self._transact(P.SELECT_CARD, "select").expect()
                fp = self.read_fingerprint
                answer = self._transact(P.READ_BASE_FP if fp else P.READ_BASE, "read_fp" if fp else "read").expect()
                msg = P.parse_base_message(answer.data, with_fingerprint=fp)
                try:
                    card = decode_card(msg.text, msg.photo, msg.fingerprint)
                finally:                 # the raw answer and text block: zeroed before they are freed
                    scrub(answer.data)
                    scrub(msg.text)
                if self.read_addresses:
                    extra = self._transact(P.READ_ADDRESS, "address").expect(P.SW_OK, P.SW_NO_CONTENT)
                    if extra.sw3 == P.SW_OK:
                        records = P.split_address_records(extra.data)
                        card.appended_addresses = [decode_ucs2(r) for r in records]
                        for raw in (extra.data, *records):
                            scrub(raw)
                return card
            finally:
                if self.state is DeviceState.BUSY:
                    self._set_state(previous if previous is not DeviceState.BUSY else DeviceState.READY, None)

    # -- supervising thread ----------------------------------------------------
    def _start_thread(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"{self.name}-poll", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        link_errors = 0
        while not self._stop.wait(self.poll_interval):
            if self._ser is None:
                self._reconnect()
                continue
            if self._plug.stable is not True:  # back, but not yet for plug_hold seconds
                self._confirm_plug()
                continue
            if not self.poll:
                continue
            try:
                self._card_tick()
                link_errors = 0
            except DeviceError as exc:
                if exc.error is E.IDR_UNPLUGGED:
                    self._lost(exc)
                elif exc.error in _LINK:
                    link_errors += 1
                    if link_errors >= 3:   # a reader that stopped answering: reopen and re-probe
                        link_errors = 0
                        with self._io:
                            self._drop_port()
                        self._lost(DeviceError(E.IDR_NOT_RESPONDING, exc.detail))
                else:
                    log.info("%s: poll got %s", self.name, exc.code)
            except Exception:  # the supervising thread must survive anything
                log.exception("%s: unexpected error in the poll loop", self.name)

    def _probe(self) -> bool:
        with self._io:
            if self._card_on:  # after a read, find may say 80 while the card lies there (spec 3.8)
                if self._transact(P.READ_ADDRESS, "address").sw3 in (P.SW_OK, P.SW_NO_CONTENT):
                    return True
            sw3 = self._transact(P.FIND_CARD, "find").sw3
            if sw3 in (P.SW_FOUND, P.SW_NO_CARD):
                return sw3 == P.SW_FOUND
            raise P.status_error(sw3)

    def _card_tick(self) -> None:
        with self._io:
            present = self._probe()
            fresh, self._fresh = self._fresh, False
            self._fresh_done.set()
            if fresh and present and not self._card_on:   # lying there before we were asked to read
                self._mark_card_on()
                lying = True
            else:
                lying = False
        if lying:
            log.info("%s: a card lies on the reader; not read (lift and place it again)", self.name)
            self._emit("card_lying")
            return
        with self._io:
            if self._card_on:
                if self._removal.feed(present) is False:
                    self._card_on = False
                    self._emit("card_removed")
                return
            if not present:
                self._failed = False
                return
            try:
                card = self._read_with_retries(found=True)
            except DeviceError as exc:
                if exc.error is E.IDR_UNPLUGGED:
                    raise
                if exc.error in _DATA:   # the card was read; its data is bad: do not re-read it
                    self._mark_card_on()
                if not self._failed:
                    self._failed = True
                    self._emit("card_read_failed", error=exc)
                return
            self._failed = False
            self._mark_card_on()
        log.info("%s: card read: %r", self.name, card)  # masked repr only
        self._emit("card_inserted", card=card)

    def _mark_card_on(self) -> None:
        self._card_on = True
        self._removal = Debouncer(self._removal_hold)
        self._removal.stable = True

    def _lost(self, exc: DeviceError) -> None:
        if self._card_on:
            self._card_on = False
            self._emit("card_removed")
        self._note_plug(False, exc)

    def _reconnect(self) -> None:
        try:
            self._connect()
        except DeviceError as exc:
            self._note_plug(False, exc)
            return
        self._note_plug(True, None)

    def _confirm_plug(self) -> None:
        try:
            self._transact(P.SAM_STATUS, "sam").expect()
        except DeviceError as exc:
            with self._io:
                self._drop_port()
            self._note_plug(False, exc)
            return
        self._note_plug(True, None)

    def _note_plug(self, ok: bool, exc: DeviceError | None) -> None:
        changed = self._plug.feed(ok)
        if changed is True:
            log.info("%s: reader back on %s", self.name, self.port)
            self._set_state(DeviceState.READY, None)
        elif exc is not None and self._plug.stable is False:
            if self.last_error is None or self.last_error.code != exc.code or changed is False:
                self._set_state(self._state_for(exc), exc)
