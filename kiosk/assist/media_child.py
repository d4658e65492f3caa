# SPDX-License-Identifier: Apache-2.0
"""The media child as a process, for :class:`kiosk.assist.media_proxy.MediaProxy`: starting one
(warm for the next call), reading its messages on a thread of its own, questions with one answer
each, and ending it (its stdin closed; killed after QUIT_WAIT_S), then what must follow its exit
(the lent camera taken back)."""
from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .media_shm import FrameArea, make_fd
from .media_wire import Writer, receive

log = logging.getLogger("kiosk.assist.media_proxy")
ROOT = Path(__file__).resolve().parents[2]
REPLY_WAIT_S = 30.0       # a command the child does not answer in this time: the call fails
QUIT_WAIT_S = 3.0         # an ended child that does not exit in this time is killed
SHM_ENV = "KIOSK_MEDIA_FRAMES"   # the child's frame areas: "to_child_fd,from_child_fd"


class ChildGone(RuntimeError):
    """The media child is not there (did not start, or died)."""


class Child:
    """One media child process and the writing end of its pipe."""

    def __init__(self, proc: subprocess.Popen, to_child: int, from_child: int) -> None:
        self.proc, self.pid = proc, proc.pid
        self.after: Callable[[], None] | None = None     # once it has exited: the lent camera back
        self.out = Writer(proc.stdin, FrameArea(to_child))    # type: ignore[arg-type]
        self.inbox = FrameArea(from_child)        # the frames it sends
        self.warm = threading.Event()
        self.gone = False
        self.screen_sent: Any = None              # the last screen picture it was sent


def spawn_child(to_child: int, from_child: int) -> subprocess.Popen:
    """The child, with the two frame areas' descriptors (kiosk/assist/media_shm.py)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                                        if p),
           SHM_ENV: f"{to_child},{from_child}"}
    return subprocess.Popen([sys.executable, "-m", "kiosk.assist.media_process"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=str(ROOT), pass_fds=(to_child, from_child))


def reap(proc: subprocess.Popen) -> None:
    """Closes the child's stdin (it exits), waits, kills it when it does not."""
    try:
        proc.stdin.close()                       # type: ignore[union-attr]
    except OSError:
        pass
    try:
        proc.wait(QUIT_WAIT_S)
    except subprocess.TimeoutExpired:
        log.warning("assist: the media child did not exit; killed")
        proc.kill()
        proc.wait(5)


class ChildKeeper:
    """The current media child (at most one that serves calls) and the ended ones being reaped."""

    peer: Any = None

    def __init__(self) -> None:
        self._child: Child | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[int, tuple[Child, asyncio.Future]] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._reapers: list[threading.Thread] = []
        self._stopped = False
        self.children = 0                 # started so far (tests, bench)

    def _dispatch(self, child: Child, msg: dict, frame: np.ndarray | None) -> None:
        raise NotImplementedError

    def _lost_in_call(self, child: Child) -> bool:
        """The current child ended: True when that ends a call (the caller is told)."""
        raise NotImplementedError

    @property
    def child_pid(self) -> int | None:
        child = self._child
        return None if child is None or child.gone else child.pid

    @property
    def ready(self) -> bool:
        """A child runs and its media stack is warm (bench, tests)."""
        child = self._child
        return child is not None and not child.gone and child.warm.is_set()

    def _ensure_child(self) -> Child:
        with self._lock:
            child = self._child
            if child is not None and not child.gone:
                return child
            fds: list[int] = []
            try:
                fds = [make_fd("kiosk-to-media"), make_fd("media-to-kiosk")]
                proc = spawn_child(*fds)
            except OSError as exc:
                for fd in fds:
                    os.close(fd)
                raise ChildGone(f"the media child could not start: {exc}") from exc
            child = self._child = Child(proc, *fds)
            self.children += 1
        threading.Thread(target=self._read, args=(child,), name="media-child-out", daemon=True).start()
        return child

    def _retire(self, child: Child | None) -> None:
        if child is None:
            return
        with self._lock:
            if self._child is child:
                self._child = None
        t = threading.Thread(target=self._reap, args=(child,), name="media-child-end", daemon=True)
        self._reapers = [r for r in self._reapers if r.is_alive()] + [t]
        t.start()

    @staticmethod
    def _reap(child: Child) -> None:
        reap(child.proc)
        child.out.close()                     # the frame areas' memory goes with the child's
        child.inbox.close()
        after, child.after = child.after, None
        if after is not None:
            try:
                after()
            except Exception:
                log.exception("assist: the camera could not be taken back")

    def stopping(self) -> None:
        """The service is stopping: no fresh child after this call."""
        self._stopped = True

    def shutdown(self, timeout: float = 5.0) -> None:
        """The service stops: the child (warm or not) ends, and is waited for."""
        self._stopped = True
        self._retire(self._child)
        for t in self._reapers:
            t.join(timeout)

    def _read(self, child: Child) -> None:
        """The child's messages, on a thread of their own, until its stdout ends."""
        stream = child.proc.stdout
        while True:
            try:
                got = receive(stream, child.inbox)               # type: ignore[arg-type]
            except (OSError, ValueError):
                got = None
            if got is None:
                break
            msg, frame = got
            try:
                self._dispatch(child, msg, frame)
            except Exception:
                log.exception("assist: media child message %s", msg.get("t"))
        child.gone = True
        self._call_soon(self._child_ended, child)

    def _call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(fn, *args)
            except RuntimeError:                     # the loop closed meanwhile
                pass

    def _answer(self, msg: dict) -> None:
        _child, future = self._waiting.pop(msg["req"], (None, None))
        if future is not None and not future.done():
            future.set_result(msg)

    def _child_ended(self, child: Child) -> None:
        for req, (asked, future) in list(self._waiting.items()):
            if asked is child:
                del self._waiting[req]
                if not future.done():
                    future.set_exception(ChildGone("the media child ended"))
        if self._child is child:
            self._child = None
            if self._lost_in_call(child):
                log.warning("assist: the media child %s ended during the call", child.pid)
            elif not self._stopped:
                log.warning("assist: the media child %s ended; a fresh one starts", child.pid)
                self._respawn()
        self._retire(child)

    def _respawn(self) -> None:
        if self._loop is not None and not self._stopped:
            self._loop.run_in_executor(None, self._spare)

    def _spare(self) -> None:
        """A fresh warm child for the next call (none once the service stops)."""
        if not self._stopped:
            try:
                self._ensure_child()
            except ChildGone as exc:          # the next call tries again, and says so if it fails
                log.warning("assist: %s", exc)

    async def _ask(self, child: Child, obj: dict) -> dict:
        self._next += 1
        req = self._next
        future = asyncio.get_running_loop().create_future()
        self._waiting[req] = (child, future)
        if child.gone or not child.out.send({**obj, "req": req}):
            self._waiting.pop(req, None)
            raise ChildGone("the media child is gone")
        reply = await asyncio.wait_for(future, REPLY_WAIT_S)
        if reply.get("t") == "error":
            raise RuntimeError(f"media child: {reply.get('why')}")
        return reply
