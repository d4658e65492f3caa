# SPDX-License-Identifier: Apache-2.0
"""A private D-Bus daemon with a fake systemd-logind on it, for 关机/重启终端 "up to the call".

``PrivateBus`` runs Debian's dbus-daemon on a socket in a temp folder; ``FakeLogind`` owns
org.freedesktop.login1 there (jeepney) and records each method call: (interface, member,
signature, body). ``deny = True`` answers AccessDenied, as logind does without polkit's consent.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from jeepney import MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields


class PrivateBus:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ehall-dbus-"))
        self.address = f"unix:path={self.root / 'bus'}"
        self.proc = None

    def start(self) -> "PrivateBus":
        daemon = shutil.which("dbus-daemon")
        assert daemon, "dbus-daemon missing: install the Debian package dbus-daemon (scripts/apt-packages.txt)"
        self.proc = subprocess.Popen([daemon, "--session", "--nofork", "--nopidfile", f"--address={self.address}",
                                      "--print-address=1"], stdout=subprocess.PIPE, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()            # printed once it listens
        assert line.startswith("unix:"), line
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)


class FakeLogind:
    def __init__(self, address: str):
        self.calls: list[tuple[str, str, str, tuple]] = []
        self.deny = False
        self._stop = threading.Event()
        self.conn = open_dbus_connection(bus=address)
        self.conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.login1"), timeout=5)
        self.thread = threading.Thread(target=self._serve, name="fake-logind", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type is not MessageType.method_call:
                continue
            f = msg.header.fields
            self.calls.append((f.get(HeaderFields.interface, ""), f[HeaderFields.member],
                               f.get(HeaderFields.signature, ""), msg.body))
            if self.deny:
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.AccessDenied", "s",
                                         ("Interactive authentication required.",)))
            else:
                self.conn.send(new_method_return(msg))

    def close(self) -> None:
        self._stop.set()
        self.thread.join(2)
        self.conn.close()
