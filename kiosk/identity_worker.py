# SPDX-License-Identifier: Apache-2.0
"""The identity worker: a process of its own that owns the ID-card reader for one session.

The kiosk's core (and its UI) never holds a citizen's clear card: this process opens the
reader's port, reads the card, keeps the :class:`~drivers.id_reader.IdCard` under an opaque
handle and tells the core only what the screens show (card type, masked name and number),
verdicts (check digit, expired) and the handle. It is started when the consent screen
appears (:class:`kiosk.identity_proxy.WorkerIdReader`) and ends with the session, so the
memory that held the card goes back to the operating system, which zeroes it.

Run as ``python -m kiosk.identity_worker``; one JSON object a line both ways. The first line
in is the set-up ``{"uri": ..., "opts": {...}, "today": "YYYY-MM-DD"}``. Then, in:

    {"cmd": "poll", "on": true}            look for cards (the reader's fresh check: a card
                                           lying there is reported, never read)
    {"cmd": "drop", "handle": h}           wipe that card
    {"cmd": "face_start", "key": k, "handle": h, "challenge": [...], "camera": bool}
                                           the face check, here (camera: with the camera this
                                           process opens itself, else frames from the core)
    {"cmd": "face_cancel"}
    {"cmd": "fill", "req": n, "handle": h, "field": "number"|"name", "devtools": "ws://127.0.0.1:…",
     "allowed": [...]}                     填入证件信息: typed into that page by this process
                                           (identity_worker_fill.py); answered with ``filled``
    {"cmd": "quit"}                        wipe everything and exit (also on end of input)

and out: ``{"ev": "state", "state": "ready", "code": null}``, ``card_lying``,
``card_removed``, ``card_read_failed`` (its code only: an error's text could quote the card),
``card_inserted`` (handle + masked fields + verdicts; with ``"tag_key"`` (hex) in the set-up
also ``citizen_tag``, the HMAC of kiosk/citizen_tag.py), ``fresh`` (the fresh check after
polling was turned on has run); with the face engine here (``"face": {...}`` in the
set-up, see identity_worker_face.py): ``face_state``, ``frame`` (send the next camera frame),
``face_progress``, ``face_done``, ``camera_closed``; ``filled`` (req, code) (its own camera is closed: the kiosk may open
it again). Standard output is the protocol only: file
descriptor 1 is pointed at standard error before anything else is imported.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import sys
import threading
from typing import Any, TextIO

log = logging.getLogger("kiosk.identity_worker")


class Worker:
    def __init__(self, out: TextIO, setup: dict[str, Any]):
        self.out = out
        self._out_lock = threading.Lock()
        self.cards: dict[str, Any] = {}
        self._cards_lock = threading.Lock()
        self.today = dt.date.fromisoformat(setup.get("today") or dt.date.today().isoformat())
        from drivers.registry import create
        self.reader: Any = create("id_reader", "id_reader", setup["uri"], **{**setup.get("opts", {}), "poll": False})
        self.reader.subscribe(self._on_event)
        self.tag_key = bytes.fromhex(setup["tag_key"]) if setup.get("tag_key") else b""   # kiosk/citizen_tag.py
        self.face = None
        if setup.get("face") is not None:      # the face engine loads at start, while the citizen reads the consent
            from .identity_worker_face import WorkerFace
            self.face = WorkerFace(self, setup["face"])

    # -- out ---------------------------------------------------------------------------
    def send(self, ev: str, **data: Any) -> None:
        line = json.dumps({"ev": ev, **data}, ensure_ascii=True)
        with self._out_lock:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (OSError, ValueError):   # the core is gone: nothing to tell
                pass

    def _on_event(self, event) -> None:
        data = event.data
        if event.kind == "state_changed":
            err = data.get("error")
            self.send("state", state=data["state"].value, code=err.code if err else None)
        elif event.kind in ("card_lying", "card_removed"):
            self.send(event.kind)
        elif event.kind == "card_read_failed":
            self.send("card_read_failed", code=data["error"].code)
        elif event.kind == "card_inserted":
            self._card_in(data["card"])

    def _card_in(self, card) -> None:
        from . import logfilter
        handle = secrets.token_hex(16)
        with self._cards_lock:
            self.cards[handle] = card
        logfilter.hold(card.name)      # this process's log lines mask the name too
        tag = {}
        if self.tag_key and card.number:   # 查看我的工单: an HMAC of the number, never the number
            from .citizen_tag import citizen_tag
            tag = {"citizen_tag": citizen_tag(card.number, self.tag_key)}
        self.send("card_inserted", handle=handle, **tag, card_type=card.card_type.name,
                  masked_name=card.masked_name(), masked_number=card.masked_number(),
                  masked_address=card.masked_address(), masked_validity=card.masked_validity(),
                  check_digit_valid=card.check_digit_valid, expired=card.is_expired(self.today))

    # -- in ----------------------------------------------------------------------------
    def run(self, commands: TextIO) -> None:
        from drivers.registry import open_device
        open_device(self.reader)          # its state events tell the core how it went
        if self.face is not None:
            self.face.load_async()
        self.send("hello", pid=os.getpid())
        for line in commands:
            try:
                cmd = json.loads(line)
            except ValueError:
                continue
            name = cmd.get("cmd")
            if name == "quit":
                break
            if name == "poll":
                self._poll(bool(cmd.get("on")))
            elif name == "drop":
                self.drop(cmd.get("handle"))
            elif name == "face_start" and self.face is not None:
                self.face.start(str(cmd.get("key")), cmd.get("handle"), list(cmd.get("challenge") or ()),
                                own_camera=bool(cmd.get("camera")))
            elif name == "face_cancel" and self.face is not None:
                self.face.cancel()
            elif name == "fill":
                self._fill(cmd)
        self.close()

    def _fill(self, cmd: dict) -> None:
        """填入证件信息 on its own thread: the answer is a code (identity_worker_fill.py)."""
        from .identity_worker_fill import fill
        with self._cards_lock:
            card = self.cards.get(cmd.get("handle") or "")
        args = (card, str(cmd.get("field")), str(cmd.get("devtools")), list(cmd.get("allowed") or ()))
        threading.Thread(target=lambda: self.send("filled", req=cmd.get("req"), code=fill(*args)),
                         name="worker-fill", daemon=True).start()

    def _poll(self, on: bool) -> None:
        if not hasattr(self.reader, "poll"):
            return
        self.reader.poll = on
        if on and hasattr(self.reader, "wait_fresh_check"):
            def fresh() -> None:
                if self.reader.wait_fresh_check(10.0):
                    self.send("fresh")
            threading.Thread(target=fresh, name="worker-fresh", daemon=True).start()

    def drop(self, handle: str | None) -> None:
        with self._cards_lock:
            card = self.cards.pop(handle, None) if handle else None
        if card is not None:
            _wipe(card)

    def close(self) -> None:
        if self.face is not None:
            self.face.close()
        with self._cards_lock:
            cards, self.cards = list(self.cards.values()), {}
        for card in cards:
            _wipe(card)
        try:
            self.reader.close()
        except Exception:  # noqa: BLE001 - exiting anyway
            log.warning("identity worker: the reader did not close cleanly")


def _wipe(card) -> None:
    from . import logfilter
    logfilter.release(card.name)
    card.wipe()


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG SIGKILL: if the kiosk dies, so does the worker (and what it holds)."""
    import ctypes
    import ctypes.util
    import signal
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)     # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def main() -> int:
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)                      # a library's print() goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    from .privacy import no_core_dumps
    no_core_dumps()
    die_with_parent()
    line = sys.stdin.readline()
    if not line:
        return 0
    try:
        setup = json.loads(line)
        logging.basicConfig(level=os.environ.get("EHALL_WORKER_LOG") or setup.get("log_level") or "WARNING",
                            format="%(asctime)s identity-worker %(levelname)s %(name)s: %(message)s")
        from . import logfilter
        logfilter.install()           # ID numbers masked in every line; the read name once held
        worker = Worker(out, setup)
    except Exception as exc:  # noqa: BLE001 - the core shows the reader as unavailable
        log.error("identity worker: could not set up the reader: %s: %s", type(exc).__name__, exc)
        out.write(json.dumps({"ev": "state", "state": "fault", "code": "IDR_BACKEND_START",
                              "detail": type(exc).__name__}) + "\n")
        out.flush()
        return 1
    worker.run(sys.stdin)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
