# SPDX-License-Identifier: Apache-2.0
"""Test helpers: a private pcscd with the vsmartcard vpcd reader, and a scriptable virtual card.

The card speaks the vpcd protocol (vsmartcard ``virtualsmartcard/VirtualSmartcard.py``):
vpcd listens on TCP; a card connects to it; every message is a 2-byte big-endian
length plus data.  One byte from vpcd is a control code (0 power off, 1 power on,
2 reset, 4 "send the ATR"); anything longer is a C-APDU, answered with the R-APDU.
Connected = inserted; closing the socket = removed.  The card's answers come from
the driver's own :class:`SimCard`, so both the simulator and pcscd run the same cards.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

from drivers.smartcard.simulator import SimCard

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PID_FILE = Path("/run/pcscd/pcscd.pid")


def tools_missing() -> str | None:
    if not shutil.which("pcscd"):
        return "pcscd is not installed (apt-get install pcscd)"
    if not VPCD_DRIVER.exists():
        return "vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)"
    return None


def foreign_pcscd() -> int | None:
    """The pid of a pcscd that is not ours (the daemon's socket path is fixed: one per machine)."""
    try:
        pid = int(PID_FILE.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("0.0.0.0", 0))
            port = a.getsockname()[1]
            try:
                with socket.socket() as b:
                    b.bind(("0.0.0.0", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no free pair of TCP ports")


class Pcscd:
    """``pcscd -f`` with a private reader.conf.d holding one vpcd entry (two slots: port, port+1)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port_pair()
        self.conf = workdir / "reader.conf.d"
        self.empty_conf = workdir / "empty.conf.d"
        self.conf.mkdir(parents=True, exist_ok=True)
        self.empty_conf.mkdir(exist_ok=True)
        (self.conf / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{self.port:04X}\n'
            f"LIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{self.port:04X}\n")
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "pcscd.log"

    def start(self, with_reader: bool = True, wait: bool = True) -> "Pcscd":
        conf = self.conf if with_reader else self.empty_conf
        self.proc = subprocess.Popen(["pcscd", "-f", "-c", str(conf)], stdout=open(self.log, "ab"),
                                     stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(with_reader)
        return self

    def wait_ready(self, with_reader: bool = True, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pcscd exited: {self.log.read_text()[-500:]}")
            if not with_reader and Path("/run/pcscd/pcscd.comm").exists():
                time.sleep(0.1)
                return
            if with_reader and _port_open(self.port):
                return
            time.sleep(0.02)
        raise RuntimeError("pcscd did not come up")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self, with_reader: bool = True) -> None:
        self.stop()
        self.start(with_reader)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0 and _close_quietly(s)


def _close_quietly(s: socket.socket) -> bool:
    s.close()
    return True


class VpcdCard:
    """A virtual card for vpcd: :meth:`insert` connects, :meth:`remove` disconnects."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None
        self.card: SimCard | None = None
        self.apdus: list[bytes] = []

    def insert(self, card: SimCard, timeout: float = 5.0) -> None:
        self.remove()
        self.card = card
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._serve, args=(self.sock,), daemon=True)
        self.thread.start()

    def remove(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self.thread is not None:
            self.thread.join(2)
            self.thread = None

    def _serve(self, sock: socket.socket) -> None:
        selected: dict = {}
        try:
            while True:
                size = struct.unpack("!H", _recv_exact(sock, 2))[0]
                msg = _recv_exact(sock, size) if size else b""
                if size == 1:
                    if msg[0] == 4:
                        sock.sendall(struct.pack("!H", len(self.card.atr)) + self.card.atr)
                    elif msg[0] in (0, 2):
                        selected.clear()
                    continue
                self.apdus.append(msg)
                answer = self.card.respond(msg, selected)
                sock.sendall(struct.pack("!H", len(answer)) + answer)
        except (OSError, ConnectionError, struct.error):
            return


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return buf
