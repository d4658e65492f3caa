# SPDX-License-Identifier: Apache-2.0
"""The ID-card reader as the core sees it when the identity worker owns the real one.

:class:`WorkerIdReader` is an :class:`~drivers.id_reader.IdCardReader` (same events, same
``poll`` switch), so the identity service and the screens work as before; but the port, the
card and its photo live in a worker process (``kiosk/identity_worker.py``) started for one
session (:meth:`start_session`, at the consent screen) and ended with it
(:meth:`end_session`). A card arrives here as a :class:`WorkerCard`: card type, masked name and
number, the check-digit and expiry verdicts and an opaque handle; never the clear fields.

A worker that cannot start, or that dies, is a FAULT (``IDR_BACKEND_START``) with a reason,
never an exception: the citizen sees that the reader is unavailable and the staffed route.
``sim://`` (demo mode and tests) runs the byte-exact simulator HERE, as a real reader is a
device outside the kiosk, and hands the worker ``serial://`` on its pty.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import time
from typing import Any

from drivers.base import DeviceError, DeviceState
from drivers.id_reader import CardType, IdCardReader
from drivers.id_reader import errors as E

from .identity_process import QUIT_WAIT_S, Reaper, Requests, messages, send, spawn_worker

log = logging.getLogger(__name__)


class WorkerCard:
    """A card read by the worker, as the core may know it. ``wipe()`` has the worker wipe it."""

    name = ""                # the clear name never leaves the worker (the log filter needs none here)
    photo_wlt = b""

    def __init__(self, reader: "WorkerIdReader", handle: str, card_type: CardType, masked_name: str,
                 masked_number: str, check_digit_valid: bool | None, expired: bool):
        self.reader, self.handle, self.card_type = reader, handle, card_type
        self._masked_name, self._masked_number = masked_name, masked_number
        self.check_digit_valid, self._expired = check_digit_valid, expired
        self.masked_fields: dict[str, str] = {}    # address, validity: masked, for 填入证件信息's buttons
        self.citizen_tag = ""                      # the worker's HMAC of the number (kiosk/citizen_tag.py)

    @classmethod
    def from_message(cls, reader: "WorkerIdReader", msg: dict) -> "WorkerCard":
        """The worker's ``card_inserted`` event: masked strings, verdicts and the handle only."""
        card = cls(reader, msg["handle"], CardType[msg["card_type"]], msg["masked_name"],
                   msg["masked_number"], msg.get("check_digit_valid"), bool(msg.get("expired")))
        card.masked_fields = {"address": str(msg.get("masked_address") or ""),
                              "validity": str(msg.get("masked_validity") or "")}
        tag = msg.get("citizen_tag")
        if isinstance(tag, str) and len(tag) == 64 and all(c in "0123456789abcdef" for c in tag):
            card.citizen_tag = tag
        return card

    def masked_name(self) -> str:
        return self._masked_name

    def masked_number(self) -> str:
        return self._masked_number

    def masked_address(self) -> str:
        return self.masked_fields.get("address", "")

    def masked_validity(self) -> str:
        return self.masked_fields.get("validity", "")

    def is_expired(self, today=None) -> bool:
        """The worker's verdict against the day the session started."""
        return self._expired

    def wipe(self) -> None:
        handle, self.handle = self.handle, ""
        self._masked_name = self._masked_number = self.citizen_tag = ""
        self.masked_fields = {}
        if handle:
            self.reader.drop(handle)

    def __repr__(self) -> str:
        return f"WorkerCard(type={self.card_type.name}, name={self._masked_name!r}, number={self._masked_number!r})"

    __str__ = __repr__


class CardRequests:
    """What the core may ask the worker about a card it holds (by handle); never its data."""

    _proc: Any
    _asks: Requests

    def _write(self, proc: Any, obj: dict) -> None:
        raise NotImplementedError

    def drop(self, handle: str) -> None:
        proc = self._proc
        if proc is not None:
            self._write(proc, {"cmd": "drop", "handle": handle})

    def fill(self, handle: str, field: str, devtools: str, allowed: list[str]):
        """填入证件信息: the worker types the card's ``field`` into that page (kiosk/identity_worker_fill.py).
        A Future of the answer's code; ``no_card`` when no worker runs."""
        proc = self._proc
        return self._asks.ask(lambda obj: self._write(proc, obj) if proc is not None else self._asks.drop_all(),
                              {"cmd": "fill", "handle": handle, "field": field, "devtools": devtools,
                               "allowed": list(allowed)})

    def decode_photo(self, card) -> bytes:
        """Never here: the photo stays in the worker, which runs the face check (``enable_face``)."""
        raise DeviceError(E.IDR_PHOTO_UNAVAILABLE, "the card photo stays in the identity worker")


class WorkerIdReader(CardRequests, IdCardReader):
    """``WorkerIdReader("id_reader", "serial:///dev/ttyUSB0", timeouts={...})``; opts go to the worker."""

    simulator: Any = None

    def __init__(self, name: str, uri: str, **opts: Any):
        super().__init__(name, None)
        from drivers.id_reader import _URI_PARAMS
        from drivers.registry import check_uri
        self.parsed = check_uri(uri, _URI_PARAMS, E.IDR_BAD_URI, E.IDR_UNKNOWN_SCHEME)   # raises DeviceError
        opts.pop("poll", None)       # the worker's reader always starts with polling off
        json.dumps(opts)             # the options cross a pipe: plain values only (TypeError otherwise)
        self.uri, self.opts = uri, opts
        self._worker_uri = uri
        self._proc: Any = None                     # the running worker (subprocess.Popen)
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._poll = False
        self._fresh = threading.Event()
        self._reaper = Reaper(name)               # ends workers and waits for them
        self.started_at = self.ready_at = 0.0    # monotonic; for the bench
        self.worker_pid: int | None = None
        self._gen = 0                              # start_session/end_session generations
        self._spawned = threading.Event()          # the current start has run (spawned or failed)
        self._spawned.set()
        self.face: Any = None                      # WorkerFaceVerifier once enable_face() was called
        self.tag_key = ""                          # the hall's citizen tag key (hex; build_identity), or none
        self._asks = Requests()                    # 填入证件信息's questions to the worker

    def enable_face(self, config: dict[str, Any]):
        """The face engine runs in the worker too; returns the core's verifier for it.
        ``config``: FaceConfig keys (plus ``reference_file`` for tests and benches)."""
        from .identity_face_proxy import WorkerFaceVerifier
        json.dumps(config)
        self.face = WorkerFaceVerifier("face", config)
        return self.face

    # -- the device (kiosk start and shutdown) ------------------------------------------
    def open(self) -> None:
        """No port is opened here (the worker opens it per session). ``sim://`` starts the
        simulator; ``serial://`` checks the port exists (ABSENT when not)."""
        self._set_state(DeviceState.CONNECTING)
        if self.parsed.scheme == "sim":
            if self.simulator is None:
                try:
                    self.simulator, self._worker_uri = start_simulator(self.parsed)
                except DeviceError as exc:
                    self._set_state(DeviceState.FAULT, exc)
                    raise
                self.opts.setdefault("photo_decoder", "test")
        else:
            port = self.parsed.path or self.parsed.netloc
            if not port or not os.path.exists(port):
                err = DeviceError(E.IDR_UNPLUGGED, f"{port or self.uri}: no such port")
                self._set_state(DeviceState.ABSENT, err)
                raise err
        self._set_state(DeviceState.READY)

    def close(self) -> None:
        self.end_session()
        self.wait_ended()
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
        self._set_state(DeviceState.ABSENT)

    def refresh(self) -> DeviceState:
        """Between sessions (no worker), whether the port is there (:func:`port_state`)."""
        return port_state(self)

    def read_card(self, timeout: float = 3.0):
        raise DeviceError(E.IDR_COMMAND, "the identity worker reads cards; use the card events")

    def sam_id(self) -> str:
        raise DeviceError(E.IDR_COMMAND, "the identity worker owns the reader")

    def capabilities(self) -> dict[str, Any]:
        return {**super().capabilities(), "process": "identity worker", "worker_pid": self.worker_pid}

    # -- one session ---------------------------------------------------------------------
    def start_session(self, today=None) -> None:
        """A fresh worker (any old one is ended first). Returns at once: the worker is spawned on a
        thread once the old one has exited (so two never share the port). Never raises: a start that
        fails is a FAULT."""
        self.end_session()
        if self.state is DeviceState.ABSENT and self.simulator is None and self.parsed.scheme == "sim":
            return          # never opened (shut down)
        setup = {"uri": self._worker_uri, "opts": self.opts, "today": today.isoformat() if today else None,
                 "log_level": logging.getLevelName(logging.getLogger().getEffectiveLevel())}
        if self.tag_key:
            setup["tag_key"] = self.tag_key
        with self._lock:
            self._gen += 1
            gen = self._gen
            self.started_at, self.ready_at = time.monotonic(), 0.0
            self._fresh.clear()
            self._spawned.clear()
        self._set_state(DeviceState.CONNECTING)
        if self.face is not None:
            self.face.starting()
        threading.Thread(target=self._spawn, args=(gen, setup), name="identity-worker", daemon=True).start()

    def _spawn(self, gen: int, setup: dict[str, Any]) -> None:
        self.wait_ended()
        with self._lock:
            if gen != self._gen:                  # ended (or restarted) before it started
                self._spawned.set()
                return
            theirs, frames_w, preview_r = face_pipes(self.face, setup)
            try:
                proc = spawn_worker(theirs)
            except OSError as exc:
                for fd in (*theirs, frames_w, preview_r):
                    if fd is not None:
                        os.close(fd)
                failed: OSError | None = exc
            else:
                failed = None
                for fd in theirs:
                    os.close(fd)
                self._write(proc, setup)             # the first line, before any command can be sent
                if self._poll:
                    self._write(proc, {"cmd": "poll", "on": True})
                self._proc, self.worker_pid = proc, proc.pid
        # listeners run outside the lock (the identity service calls back into poll under its own lock)
        if failed is not None:
            log.error("%s: the identity worker could not start: %s", self.name, failed)
            self._set_state(DeviceState.FAULT, DeviceError(E.IDR_BACKEND_START, f"identity worker: {failed}"))
            if self.face is not None:
                self.face.detach()
            self._spawned.set()
            return
        if frames_w is not None:
            self.face.attach(lambda obj, p=proc: self._write(p, obj), frames_w, preview_r)
        self._spawned.set()
        log.info("%s: identity worker %d started", self.name, proc.pid)
        # this thread reads the worker's events for as long as it lives: the worker's parent-death
        # signal (PR_SET_PDEATHSIG) follows the THREAD that spawned it, so that thread must outlive it
        self._read_events(proc)

    def end_session(self) -> None:
        """The worker wipes what it holds and exits (killed if it does not within QUIT_WAIT_S).
        Returns at once; :meth:`wait_ended` waits for the exit."""
        with self._lock:
            self._gen += 1                        # a start still waiting does not happen
            proc, self._proc = self._proc, None
            self._poll = False
        if proc is None:
            return
        if self.face is not None:
            self.face.detach()
        if self.state in (DeviceState.BUSY, DeviceState.CONNECTING):
            self._set_state(DeviceState.READY)   # between sessions: the last usable state stands
        self._write(proc, {"cmd": "quit"})
        self._reaper.end(proc)
        self._asks.drop_all()

    def wait_ended(self, timeout: float = QUIT_WAIT_S + 2) -> bool:
        """Blocks until every ended worker has exited (tests, benches, shutdown, the next start)."""
        return self._reaper.wait(timeout)

    @property
    def running(self) -> bool:
        return self._proc is not None

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Blocks until the current worker has opened the reader (bench, tests)."""
        deadline = time.monotonic() + timeout
        self._spawned.wait(timeout)
        while time.monotonic() < deadline:
            if self.ready_at or self._proc is None:
                return bool(self.ready_at)
            time.sleep(0.005)
        return False

    # -- the reader's switch and requests ---------------------------------------------------
    @property
    def poll(self) -> bool:
        return self._poll

    @poll.setter
    def poll(self, on: bool) -> None:
        on = bool(on)
        with self._lock:
            if on == self._poll:
                return
            self._poll = on
            if on:
                self._fresh.clear()
            proc = self._proc
        if proc is not None:
            self._write(proc, {"cmd": "poll", "on": on})

    def wait_fresh_check(self, timeout: float = 2.0) -> bool:
        return self._fresh.wait(timeout)

    # -- the pipe ----------------------------------------------------------------------------
    def _write(self, proc: Any, obj: dict) -> None:
        send(self._write_lock, proc, obj)    # nothing when the worker is gone

    def _read_events(self, proc: Any) -> None:
        try:
            self._pump_events(proc)
        except (OSError, ValueError):       # stdout closed by the reaper once the worker exited
            pass

    def _pump_events(self, proc: Any) -> None:
        for msg in messages(proc):
            if proc is not self._proc:
                continue               # an ended worker's late events change nothing
            self._dispatch(msg)
        if proc is self._proc:          # it died on its own: the reader is unavailable for this session
            with self._lock:
                if proc is self._proc:
                    self._proc = None
            try:
                code = proc.wait(QUIT_WAIT_S)       # reaped: no zombie
            except subprocess.TimeoutExpired:
                code = None
            log.error("%s: the identity worker stopped (exit %s)", self.name, code)
            self._set_state(DeviceState.FAULT, DeviceError(E.IDR_BACKEND_START, "the identity worker stopped"))
            if self.face is not None:
                self.face.detach()

    def _dispatch(self, msg: dict) -> None:
        ev = msg.get("ev")
        if ev == "hello":
            self.ready_at = time.monotonic()
        elif ev == "state":
            code = msg.get("code")
            err = DeviceError(getattr(E, code, E.IDR_BACKEND_START), msg.get("detail", "")) if code else None
            self._set_state(DeviceState(msg["state"]), err)
        elif ev in ("card_lying", "card_removed"):
            self._emit(ev)
        elif ev == "card_read_failed":
            self._emit(ev, error=DeviceError(getattr(E, msg.get("code", ""), E.IDR_READ_FAILED), "identity worker"))
        elif ev == "card_inserted":
            self._emit("card_inserted", card=WorkerCard.from_message(self, msg))
        elif ev == "fresh":
            self._fresh.set()
        elif ev == "filled":
            self._asks.answer(msg)
        elif ev in ("face_state", "frame", "face_progress", "face_done", "camera_closed") and self.face is not None:
            self.face.on_message(msg)


def face_pipes(face: Any, setup: dict[str, Any]) -> tuple[tuple[int, ...], int | None, int | None]:
    """With the face engine in the worker: a pipe for camera frames (core → worker) and, when the worker
    opens the camera itself, one for its previews (worker → core), named in the set-up. Returns the
    worker's ends (to pass it, then close here) and the core's two ends."""
    if face is None:
        return (), None, None
    frames_r, frames_w = os.pipe()
    setup["face"] = {**face.setup, "frames_fd": frames_r}
    if not face.camera_uri:
        return (frames_r,), frames_w, None
    preview_r, preview_w = os.pipe()
    setup["face"]["preview_fd"] = preview_w
    return (frames_r, preview_w), frames_w, preview_r


def port_state(reader: WorkerIdReader) -> DeviceState:
    """Between sessions (no worker), whether the reader's port is there: ABSENT (``IDR_UNPLUGGED``)
    when its path is gone, READY when it is back. During a session the worker reports the state."""
    if reader._proc is not None or reader.state is DeviceState.FAULT and reader.last_error is not None \
            and reader.last_error.code != E.IDR_UNPLUGGED.code:
        return reader.state
    if reader.parsed.scheme == "sim":
        port = reader.simulator.path if reader.simulator is not None else ""
    else:
        port = reader.parsed.path or reader.parsed.netloc
    if port and os.path.exists(port):
        if reader.state is DeviceState.ABSENT:
            reader._set_state(DeviceState.READY)
    elif reader.state is not DeviceState.ABSENT:
        reader._set_state(DeviceState.ABSENT, DeviceError(E.IDR_UNPLUGGED, f"{port or reader.uri}: no such port"))
    return reader.state


def start_simulator(parsed: Any) -> tuple[Any, str]:
    """``sim://``: the byte-exact simulator on a pty here, and the ``serial://`` URI the worker
    opens on it; ``IDR_BACKEND_START`` when it cannot start."""
    from drivers.id_reader import _start_simulator
    from drivers.id_reader.protocol import BAUD_CODES
    baud = int(parsed.params.get("baud", 115200))
    try:
        simulator = _start_simulator(parsed, baud)
    except (OSError, KeyError) as exc:
        raise DeviceError(E.IDR_BACKEND_START, f"simulator: {exc}") from None
    wire = baud if baud in BAUD_CODES else 115200
    return simulator, f"serial://{simulator.path}?baud={wire}"

def build(name: str, uri: str, **opts: Any) -> IdCardReader:
    """The factory contract: a WorkerIdReader, or the FAULT reader with the reason."""
    from drivers.id_reader import faulted
    try:
        return WorkerIdReader(name, uri, **opts)
    except DeviceError as exc:
        return faulted(name, exc)
    except (TypeError, ValueError) as exc:
        return faulted(name, DeviceError(E.IDR_BAD_URI, f"{uri!r}: {exc}"))
