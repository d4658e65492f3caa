# SPDX-License-Identifier: Apache-2.0
"""The identity worker as a process, for :class:`kiosk.identity_proxy.WorkerIdReader`: spawning
it, the JSON-lines pipe both ways, and ending it (``quit``, then killed after QUIT_WAIT_S),
with a wait for every ended worker so that two never share the reader's port."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
QUIT_WAIT_S = 3.0        # a worker that does not exit on "quit" in this time is killed


def spawn_worker(pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
    """``python -m kiosk.identity_worker`` with line-buffered text pipes; OSError when it cannot."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                                        if p)}
    return subprocess.Popen([sys.executable, "-m", "kiosk.identity_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=str(ROOT), text=True,
                            encoding="utf-8", bufsize=1, pass_fds=pass_fds)


def send(lock: threading.Lock, proc: Any, obj: dict) -> None:
    """One JSON line to the worker; nothing when it is gone (its reader thread reports that)."""
    with lock:
        try:
            proc.stdin.write(json.dumps(obj) + "\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            pass


def messages(proc: Any) -> Iterator[dict]:
    """The worker's JSON lines until its stdout ends (a line that is not JSON is skipped);
    OSError/ValueError when the stream is closed under it."""
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        yield msg


class Reaper:
    """Ends workers on threads of their own, and waits for all of them."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._lock = threading.Lock()
        self._ended: list[threading.Thread] = []

    def end(self, proc: Any) -> None:
        t = threading.Thread(target=self._reap, args=(proc,), name="identity-worker-end", daemon=True)
        with self._lock:
            self._ended.append(t)
        t.start()

    def wait(self, timeout: float) -> bool:
        """Blocks until every ended worker has exited; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            pending = list(self._ended)
        for t in pending:
            t.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._ended = [t for t in self._ended if t.is_alive()]
            return not self._ended

    def _reap(self, proc: Any) -> None:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(QUIT_WAIT_S)
        except subprocess.TimeoutExpired:
            log.warning("%s: the identity worker did not exit; killed", self.owner)
            proc.kill()
            proc.wait(5)
        try:
            proc.stdout.close()
        except OSError:
            pass


class Requests:
    """Questions to the worker that get one answer each (``req`` ids): 填入证件信息's ``fill``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._next = 0
        self._waiting: dict[int, Any] = {}

    def ask(self, write, obj: dict):
        """Sends ``obj`` with a fresh ``req`` through ``write``; a Future that gets the answer's code."""
        from concurrent.futures import Future
        future: Future = Future()
        with self._lock:
            self._next += 1
            self._waiting[self._next] = future
            req = self._next
        write({**obj, "req": req})
        return future

    def answer(self, msg: dict) -> None:
        with self._lock:
            req = msg.get("req")
            future = self._waiting.pop(req, None) if isinstance(req, int) else None
        if future is not None and not future.done():
            future.set_result(str(msg.get("code")))

    def drop_all(self) -> None:
        """The worker ended: every open question's answer is ``no_card``."""
        with self._lock:
            waiting, self._waiting = list(self._waiting.values()), {}
        for future in waiting:
            if not future.done():
                future.set_result("no_card")
