# SPDX-License-Identifier: Apache-2.0
"""The SAM reader over a serial port (UART or USB-serial), with pyserial.

One thread per reader supervises the port: it polls for cards (find every
``poll_interval`` s; spec 3.4), reads a placed card once, notices removal
(debounced), and reopens the port after an unplug (debounced, spec 3.12 step
1 each time).  The port, its framing and the autobaud probe are
:class:`.serial_link.SerialLink`'s; only one command is ever outstanding
(spec 2.4): every exchange runs under its lock (``self._io``).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from drivers.base import Debouncer, DeviceError, DeviceState

from . import errors as E
from . import protocol as P
from .card import IdCard
from .interface import IdCardReader
from .photo import PhotoDecoder
from .placement import Placement, Rounds
from . import serial_card as C
from .serial_link import LINK_ERRORS as _LINK, SerialLink, serial


log = logging.getLogger(__name__)

# seconds; spec section 8 "recommended driver budget"
DEFAULT_TIMEOUTS = {"find": 0.5, "select": 0.5, "read": 3.0, "read_fp": 4.0, "address": 1.5, "sam": 0.5}
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
        self._placement = Placement(removal_hold)   # what was told about the card on the reader
        self.poll = poll
        self.poll_interval, self.retries, self.autobaud = poll_interval, retries, autobaud
        self.read_fingerprint, self.read_addresses = read_fingerprint, read_addresses
        self.timeouts = {**DEFAULT_TIMEOUTS, **(timeouts or {})}
        self._plug = Debouncer(plug_hold)
        self._link = SerialLink(port, self.timeouts)   # the port and its framing
        self._io = self._link.io
        self._sam_id = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = Rounds()        # the supervising thread's rounds (tests wait on them, not on time)
        self.on_close = None          # hook for the owner of a simulator (sim://)

    # -- public ----------------------------------------------------------------
    @property
    def poll(self) -> bool:
        """Whether the reader looks for cards. Turning it on arms a "fresh" check: a card found
        by the first probe was lying there before and is reported as ``card_lying``, never read."""
        return self._placement.polling

    @poll.setter
    def poll(self, on: bool) -> None:
        self._placement.set_polling(bool(on))

    def wait_fresh_check(self, timeout: float = 2.0) -> bool:
        """Blocks until the first probe after ``poll`` was turned on has run (a card placed
        before then counts as lying there). For tests and benches; False on timeout."""
        return self._placement.fresh_done.wait(timeout)

    def open(self) -> None:
        if serial is None:
            err = DeviceError(E.IDR_BACKEND_START, "pyserial is not installed")
            self._set_state(DeviceState.FAULT, err)
            raise err
        self._link.closed = False
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
        self._link.closed = True
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self._thread = None
        self._link.close()
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
            self._sam_id = C.sam_id(self._link)
            return self._sam_id

    def capabilities(self) -> dict:
        return {**super().capabilities(), "port": self.port, "baud": self.baud, "sam_id": self._sam_id,
                "fingerprint": self.read_fingerprint, "appended_address": self.read_addresses,
                "stale_answers": self._link.stale_answers, "drained_bytes": self._link.drained}

    def _self_test(self) -> list[str]:
        with self._io:
            C.sam_status(self._link)
            return [f"{self.name}: SAM status OK on {self.port} at {self.baud} baud",
                    f"{self.name}: SAM id {self.sam_id()}"]

    # -- port ----------------------------------------------------------------
    def _connect(self) -> None:
        with self._io:
            rates = [self.baud] + ([b for b in P.BAUD_CODES if b != self.baud] if self.autobaud else [])
            rate = self._link.connect(rates)
            if rate != self.baud:
                log.warning("%s: reader answered at %d baud, not the configured %d", self.name, rate, self.baud)
            self.baud = rate
            self.sam_id()
            log.info("%s: SAM %s ready", self.name, self._sam_id)

    @staticmethod
    def _state_for(exc: DeviceError) -> DeviceState:
        return DeviceState.ABSENT if exc.error is E.IDR_UNPLUGGED else DeviceState.FAULT

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
                C.find_card(self._link)
            previous = self.state
            self._set_state(DeviceState.BUSY, None)
            try:
                return C.read_found_card(self._link, self.read_fingerprint, self.read_addresses)
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
            self.rounds.tick()
            if self._link.ser is None:
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
                            self._link.drop()
                        self._lost(DeviceError(E.IDR_NOT_RESPONDING, exc.detail))
                else:
                    log.info("%s: poll got %s", self.name, exc.code)
            except Exception:  # the supervising thread must survive anything
                log.exception("%s: unexpected error in the poll loop", self.name)

    def _card_tick(self) -> None:
        placed = self._placement
        with self._io:
            present = C.card_present(self._link, placed.card_on)
            lying = placed.lying(present)   # lying there before we were asked to read
        if lying:
            log.info("%s: a card lies on the reader; not read (lift and place it again)", self.name)
            self._emit("card_lying")
            return
        with self._io:
            if placed.card_on:
                if placed.removed(present):
                    self._emit("card_removed")
                return
            if not present:
                placed.failed = False
                return
            try:
                card = self._read_with_retries(found=True)
            except DeviceError as exc:
                if exc.error is E.IDR_UNPLUGGED:
                    raise
                if exc.error in _DATA:   # the card was read; its data is bad: do not re-read it
                    placed.mark_on()
                if not placed.failed:
                    placed.failed = True
                    self._emit("card_read_failed", error=exc)
                return
            placed.failed = False
            placed.mark_on()
        log.info("%s: card read: %r", self.name, card)  # masked repr only
        self._emit("card_inserted", card=card)

    def _lost(self, exc: DeviceError) -> None:
        if self._placement.lift():
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
            C.sam_status(self._link)
        except DeviceError as exc:
            with self._io:
                self._link.drop()
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
