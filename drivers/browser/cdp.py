# SPDX-License-Identifier: Apache-2.0
"""A small DevTools-protocol client over Chromium's own pipe (``--remote-debugging-pipe``).

Chromium reads commands from its fd 3 and writes replies and events to its fd 4, each message one
JSON object ended by a NUL byte. There is no driver process between the kiosk and Chromium (no
node.js, no websocket): :class:`Pipe` is the whole transport.

Threads: a reader thread takes Chromium's messages off the pipe; replies go to the caller waiting
in :meth:`Pipe.send`, events to a second thread that calls the handlers in order. A handler may
therefore :meth:`Pipe.send` and wait (the reader keeps reading), but should not wait long: the
next events queue behind it. Flattened target sessions (``Target.setAutoAttach`` with
``flatten``) are a ``session`` id on the same pipe.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

log = logging.getLogger(__name__)
Handler = Callable[[dict, str], None]          # (params, session id: "" for the browser's own)
MESSAGE_MAX = 256 * 1024 * 1024                # one message: a big PDF or a screencast frame fit


class CdpError(Exception):
    """Chromium answered a command with an error, or the pipe closed before the answer came."""


class Pipe:
    """One Chromium's DevTools pipe: ``write_fd`` is Chromium's fd 3, ``read_fd`` its fd 4."""

    def __init__(self, read_fd: int, write_fd: int):
        self._read_fd, self._write_fd = read_fd, write_fd
        self._lock = threading.Lock()
        self._next = 0
        self._waiting: dict[int, Future] = {}
        self._handlers: dict[str, list[Handler]] = {}
        self._events: queue.Queue = queue.Queue()
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self._read, name="cdp-read", daemon=True)
        self._dispatcher = threading.Thread(target=self._dispatch, name="cdp-events", daemon=True)
        self._reader.start()
        self._dispatcher.start()

    # -- commands --------------------------------------------------------------------------
    def post(self, method: str, params: dict | None = None, session: str = "") -> Future:
        """Sends a command without waiting; the returned future gets its result (or CdpError)."""
        future: Future = Future()
        message: dict[str, Any] = {"method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        with self._lock:
            if self.closed.is_set():
                future.set_exception(CdpError(f"{method}: the browser is gone"))
                return future
            self._next += 1
            message["id"] = self._next
            self._waiting[self._next] = future
            data = json.dumps(message).encode() + b"\0"
            try:
                while data:
                    data = data[os.write(self._write_fd, data):]
            except OSError:
                self._waiting.pop(message["id"], None)
                future.set_exception(CdpError(f"{method}: the browser is gone"))
        return future

    def send(self, method: str, params: dict | None = None, session: str = "", timeout: float = 30.0) -> dict:
        """Sends a command and waits for its result; raises :class:`CdpError` (Chromium's error,
        the browser gone) or TimeoutError."""
        return self.post(method, params, session).result(timeout)

    # -- events ----------------------------------------------------------------------------
    def on(self, method: str, handler: Handler) -> None:
        self._handlers.setdefault(method, []).append(handler)

    def _dispatch(self) -> None:
        while True:
            item = self._events.get()
            if item is None:
                return
            method, params, session = item
            for handler in self._handlers.get(method, ()):
                try:
                    handler(params, session)
                except Exception as exc:  # noqa: BLE001 - one handler's failure stops no other event
                    log.warning("cdp: the handler of %s failed (%s)", method, type(exc).__name__)

    # -- the reader ------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = bytearray()
        try:
            while True:
                chunk = os.read(self._read_fd, 1 << 16)
                if not chunk:
                    break
                buffer += chunk
                while (end := buffer.find(b"\0")) >= 0:
                    self._deliver(bytes(buffer[:end]))
                    del buffer[:end + 1]
                if len(buffer) > MESSAGE_MAX:
                    log.warning("cdp: a message over %d bytes: the pipe is closed", MESSAGE_MAX)
                    break
        except OSError:
            pass
        finally:
            self._close()

    def _deliver(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            log.warning("cdp: a message that is not JSON (%d bytes)", len(raw))
            return
        if "id" in message:
            with self._lock:
                future = self._waiting.pop(message["id"], None)
            if future is None:
                return
            if "error" in message:
                error = message["error"]
                future.set_exception(CdpError(f"{error.get('message', 'error')} ({error.get('code', '')})"))
            else:
                future.set_result(message.get("result") or {})
        elif "method" in message:
            self._events.put((message["method"], message.get("params") or {}, message.get("sessionId", "")))

    def _close(self) -> None:
        with self._lock:
            self.closed.set()
            waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(CdpError("the browser is gone"))
        self._events.put(("Pipe.closed", {}, ""))
        self._events.put(None)
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self) -> None:
        """Closes the kiosk's ends (Chromium sees its fd 3 close); the reader ends on EOF."""
        try:
            os.close(self._write_fd)
        except OSError:
            pass


def launch(argv: list[str], env: dict[str, str]) -> tuple[Any, Pipe]:
    """Starts Chromium (``argv`` with ``--remote-debugging-pipe``) with the pipe on its fds 3 and 4."""
    import subprocess

    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def fds() -> None:            # in the child, before exec: the pipe's ends become fds 3 and 4
        a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(a, 3)
        os.dup2(b, 4)
        os.set_inheritable(3, True)
        os.set_inheritable(4, True)
        os.closerange(5, os.sysconf("SC_OPEN_MAX"))   # none of the kiosk's other descriptors (close_fds' work)

    try:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False,  # noqa: PLW1509
                                start_new_session=True)
    finally:
        os.close(to_chrome_r)
        os.close(from_chrome_w)
    os.set_inheritable(to_chrome_w, False)
    os.set_inheritable(from_chrome_r, False)
    return proc, Pipe(from_chrome_r, to_chrome_w)
