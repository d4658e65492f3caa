# SPDX-License-Identifier: Apache-2.0
"""A byte-exact SAM reader on a pseudo-terminal, scriptable from Python.

The simulator owns a pty (``os.openpty``) and publishes a stable symlink to
its slave side (``<tmpdir>/ttyIDR0``, like a udev ``/dev/serial/by-id`` link)
that pyserial opens by path exactly as it opens ``/dev/ttyUSB0``.  Answers are
paced like a UART (``bytes × 10 / baud`` seconds) and sent in random 1–64-byte
chunks.  The SAM's answers are :class:`.sim_sam.SimSam`'s (spec section 10);
this module is the wire: pty, pacing, chunks and the scripted faults.
Scripting: :meth:`place_card`, :meth:`remove_card`, :meth:`fail_next`, :meth:`set_delay`, :meth:`set_silent`, :meth:`unplug`,
:meth:`replug`, ``sam_status``.  See ``docs/id-reader.md``.
"""
from __future__ import annotations

import collections
import os
import random
import select
import shutil
import tempfile
import threading
import time
import tty
import weakref

from drivers.base import DeviceError

from . import errors as E
from . import protocol as P
from .card import IdCard
from .sim_cards import SimCard, demo_card
from .sim_faults import FAULTS, SimFaults
from .sim_sam import SimSam

__all__ = ["FAULTS", "SimulatedIdReader"]


class SimulatedIdReader:
    """Simulated reader. ``start()`` creates the pty; ``path`` is what the serial backend opens.

    ``start()`` makes a temp folder (``idr-sim-*``) for the port link; ``stop()`` (or the end
    of a ``with`` block) removes it, and so does interpreter exit for a simulator never stopped.
    """

    def __init__(self, baud: int = 115200, seed: int = 0, chunk: tuple[int, int] = (1, 64),
                 sam_id: tuple[int, int, int, int, int] = (5, 1, 20101221, 1234567, 987654321)):
        self.baud = baud
        self.chunk = chunk
        self._sam = SimSam(sam_id)         # the SAM and the card in its field
        self.commands: collections.deque[tuple[int, int]] = collections.deque(maxlen=1000)
        self._rng = random.Random(seed)
        self._faults = SimFaults(self._rng)  # scripted faults (fail_next) and a held "late" answer
        self._delays: dict[tuple[int, int], float] = {}
        self._silent = False
        self._lock = threading.Lock()
        self._dir: str | None = None
        self._remove_dir: weakref.finalize | None = None
        self._master = self._slave = -1
        self._plugged = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    @property
    def path(self) -> str:
        if self._dir is None:
            raise RuntimeError("simulator not started")
        return os.path.join(self._dir, "ttyIDR0")

    def start(self) -> "SimulatedIdReader":
        if self._thread is None:
            self._dir = tempfile.mkdtemp(prefix="idr-sim-")
            # stop() removes the folder; this also does at interpreter exit if nobody calls stop()
            self._remove_dir = weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)
            self._plug()
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="idr-simulator", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        self._unplug_now()
        if self._remove_dir is not None:
            self._remove_dir()      # runs once
            self._remove_dir = None
        self._dir = None

    def __enter__(self) -> "SimulatedIdReader":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        link = self.path
        tmp = link + ".new"
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, link)
        self._master, self._slave = master, slave
        self._plugged.set()

    def _unplug_now(self) -> None:
        self._plugged.clear()
        self._faults.held = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1
        if self._dir:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    # -- scripting ---------------------------------------------------------
    def place_card(self, card: IdCard | SimCard | str = "resident", addresses: list[str] | None = None) -> None:
        """Put a card in the field: a demo card name, an IdCard, or a raw SimCard."""
        if isinstance(card, str):
            card = demo_card(card)
        if isinstance(card, IdCard):
            card = SimCard.from_card(card, addresses)
        with self._lock:
            self._sam.place(card)

    def remove_card(self) -> None:
        with self._lock:
            self._sam.place(None)

    @property
    def card_present(self) -> bool:
        return self._sam.card is not None

    @property
    def sam_status(self) -> int:
        """The SAM's status word: set 0x60 / 0x66 to simulate a broken / unlicensed SAM."""
        return self._sam.sam_status

    @sam_status.setter
    def sam_status(self, sw3: int) -> None:
        self._sam.sam_status = sw3

    @property
    def sam_id(self) -> tuple[int, int, int, int, int]:
        return self._sam.sam_id

    @sam_id.setter
    def sam_id(self, value: tuple[int, int, int, int, int]) -> None:
        self._sam.sam_id = value

    def fail_next(self, fault: str | int, count: int = 1, command: tuple[int, int] | None = None) -> None:
        """Spoil the next ``count`` answers (to ``command`` only, if given).

        ``fault`` is one of ``checksum`` (wrong CHK), ``half_frame`` (first half
        then nothing), ``silence`` (no answer), ``garbage`` (junk before the
        preamble, a good frame after it), ``unplug`` (half an answer, then the
        cable is pulled), ``late`` (the answer is held back until the host's next
        request arrives, i.e. after the host gave up on it, and is sent just before
        the answer to that request: a slow reader or USB-serial latency), or an int
        SW3 answered instead (e.g. 0x41 mid-read).
        """
        self._faults.add(fault, count, command)

    def set_delay(self, command: tuple[int, int], seconds: float) -> None:
        """Extra processing time before answering ``command`` (RF/SAM time; default 0)."""
        self._delays[command] = seconds

    def set_silent(self, silent: bool = True) -> None:
        """Keep the port but stop answering (a hung reader)."""
        self._silent = silent

    def unplug(self) -> None:
        """Pull the cable: the pty closes, the port path disappears, the host sees I/O errors."""
        self._faults.clear()
        self._plugged.clear()
        self._do_unplug = True
        deadline = time.monotonic() + 2.0
        while self._master >= 0 and time.monotonic() < deadline:
            time.sleep(0.005)

    def replug(self) -> None:
        """Plug back in: a new pty behind the same path, card state reset like a power cycle."""
        with self._lock:
            self._sam.power_cycle()
        if self._master < 0:
            self._plug()

    _do_unplug = False

    # -- the device loop ---------------------------------------------------
    def _run(self) -> None:
        deframer = P.Deframer(min_len=3)
        last_rx = 0.0
        while not self._stop.is_set():
            if self._do_unplug:
                self._do_unplug = False
                self._unplug_now()
                deframer.clear()
            if not self._plugged.is_set():
                time.sleep(0.01)
                continue
            try:
                ready, _, _ = select.select([self._master], [], [], 0.02)
                data = os.read(self._master, 4096) if ready else b""
            except OSError:
                time.sleep(0.01)
                continue
            if data:
                last_rx = time.monotonic()
                deframer.feed(data)
            elif deframer.pending and time.monotonic() - last_rx > 0.1:
                deframer.clear()               # LEN promised more bytes than arrived
                self._answer(P.build_response(0x11), None)
            self._drain(deframer)

    def _drain(self, deframer: P.Deframer) -> None:
        while True:
            try:
                frame = deframer.next_frame()
            except DeviceError:
                self._answer(P.build_response(0x11), None)
                continue
            if frame is None:
                return
            held = self._faults.release_held()
            if held is not None:                     # the late answer lands after the host's next request
                self._send(held)
            time.sleep(len(frame) * 10 / self.baud)  # the request's own wire time
            try:
                req = P.parse_request(frame)
            except DeviceError as exc:
                self._answer(P.build_response(0x10 if exc.error is E.IDR_CHECKSUM else 0x11), None)
                continue
            self.commands.append(req.key)
            if self._silent:
                continue
            with self._lock:
                answer = self._sam.handle(req)
            delay = self._delays.get(req.key, 0.0)
            if delay:
                time.sleep(delay)
            self._answer(answer, req.key)

    def _answer(self, frame: bytes, key: tuple[int, int] | None) -> None:
        frame, unplug = self._faults.spoil(frame, key)
        if frame:
            self._send(frame)
        if unplug:
            self._unplug_now()

    def _send(self, frame: bytes) -> None:
        start, sent = time.monotonic(), 0
        while sent < len(frame) and self._master >= 0:
            n = min(self._rng.randint(*self.chunk), len(frame) - sent)
            due = start + (sent + n) * 10 / self.baud
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                sent += os.write(self._master, frame[sent:sent + n])
            except BlockingIOError:      # host not reading: a UART would drop the bytes too
                if time.monotonic() - due > 0.5:
                    return
                time.sleep(0.001)
            except OSError:
                return
