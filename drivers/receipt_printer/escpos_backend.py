# SPDX-License-Identifier: Apache-2.0
"""Real printers, chosen by URI: TCP on a socket of our own, serial and USB through python-escpos 3.1.

``tcp://host:9100``, ``serial:///dev/ttyUSB0?baud=115200``,
``usb://VID:PID`` (hex, e.g. ``usb://0416:5011``). One connection per job or
status check: many port-9100 printers accept one client at a time.

Why we read status ourselves: python-escpos' ``Network`` defaults to a 60 s
timeout, ``is_online()`` raises a bare ``TimeoutError`` on a silent printer
and ``paper_status()`` says "paper OK" when nothing answers (python-escpos 3.1, seen against a
capture printer on 127.0.0.1 and on a pty).
"""
from __future__ import annotations

import socket
from typing import Any

from drivers.base import DeviceError, DeviceUri
from drivers.receipt_printer import _escpos
from drivers.receipt_printer.interface import ReceiptPrinter
from drivers.receipt_printer.jobs import JobJournal
from drivers.receipt_printer.profiles import PrinterProfile
from drivers.receipt_printer.status import PRN_CONFIG, PRN_NOT_FOUND, PRN_TRANSMIT

CONNECT_TIMEOUT = 1.0  # s; an unreachable host must not eat the 3 s budget
WRITE_TIMEOUT = 2.0    # s; a printer that stops reading (paper out mid-job)
SCHEMES = ("tcp", "serial", "usb")


class TcpLink:
    """python-escpos's ``Network`` as far as the kiosk uses it (``open``, ``device``, ``_raw``, ``close``;
    python-escpos 3.1, MIT licence, (c) 2012-2023 Bashlinux and python-escpos): an IPv4 socket
    connected with a timeout. Its own so that a network printer does not import python-escpos
    (its printer database and every transport: ~11 MB held all day, issue 18)."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.device: socket.socket | None = None

    def open(self) -> None:
        self.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise OSError(f"Could not open socket for {self.host}: {exc}") from exc
        self.device = sock

    def _raw(self, msg: bytes) -> None:
        assert self.device is not None
        self.device.sendall(msg)

    def close(self) -> None:
        sock, self.device = self.device, None
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def is_available(scheme: str = "tcp") -> bool:
    """Whether the scheme's transport can be used: TCP always; serial and USB when python-escpos
    (with pyserial / pyusb) is importable."""
    if scheme == "tcp":
        return True
    try:
        esc = _escpos.escpos()
        cls = {"tcp": "Network", "serial": "Serial", "usb": "Usb"}[scheme]
        return bool(getattr(esc.printer, cls).is_usable())
    except Exception:  # a missing optional dependency only means "not available"
        return False


class EscposReceiptPrinter(ReceiptPrinter):
    def __init__(self, uri: str | DeviceUri, profile: PrinterProfile, name: str = "receipt_printer",
                 journal: JobJournal | None = None, status_timeout: float = 1.0):
        super().__init__(name, profile, journal, status_timeout)
        self.uri = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
        if self.uri.scheme not in SCHEMES:
            raise ValueError(f"receipt printer URI {self.uri.raw!r}: scheme must be one of {SCHEMES}")
        self._p: Any = None

    def _make(self) -> Any:
        u = self.uri
        if u.scheme == "tcp":
            host, _, port = u.netloc.rpartition(":") if ":" in u.netloc else (u.netloc, "", "9100")
            return TcpLink(host, int(port), CONNECT_TIMEOUT)
        esc, prof = _escpos.escpos(), _escpos.escpos_profile(self.profile)
        if u.scheme == "serial":
            # python-escpos defaults to 9600 baud: a receipt with an image QR then takes 6 s.
            return esc.printer.Serial(devfile=u.path, baudrate=int(u.params.get("baud", 115200)),
                                      timeout=self.status_timeout,
                                      dsrdtr=u.params.get("dsrdtr", "0") == "1", profile=prof)
        vid, _, pid = u.netloc.partition(":")
        return esc.printer.Usb(int(vid, 16), int(pid, 16), timeout=int(WRITE_TIMEOUT * 1000),
                               in_ep=int(u.params.get("in_ep", "0x82"), 16),
                               out_ep=int(u.params.get("out_ep", "0x01"), 16), profile=prof)

    def _open(self) -> None:
        if not is_available(self.uri.scheme):
            raise DeviceError(PRN_CONFIG, f"python-escpos transport for {self.uri.scheme}:// is not installed")
        try:
            p = self._make()
        except ValueError as exc:
            raise DeviceError(PRN_CONFIG, f"{self.uri.raw}: {exc}") from exc
        try:
            p.open()
        except Exception as exc:  # DeviceNotFoundError, or OSError from the OS
            raise DeviceError(PRN_NOT_FOUND, f"{self.uri.raw}: {exc}".replace("\n", " ")) from exc
        if self.uri.scheme == "tcp":
            p.device.settimeout(WRITE_TIMEOUT)
        elif self.uri.scheme == "serial":
            p.device.write_timeout = WRITE_TIMEOUT
        self._p = p

    def _transmit(self, data: bytes) -> None:
        if self.uri.scheme == "serial":
            # pyserial's write_timeout covers the whole write: allow for the line rate.
            self._p.device.write_timeout = WRITE_TIMEOUT + len(data) * 10 / self._p.baudrate
        try:
            self._p._raw(data)
        except (OSError, socket.timeout) as exc:
            raise DeviceError(PRN_TRANSMIT, f"{self.uri.raw}: {exc!r}") from exc
        except Exception as exc:  # serial.SerialTimeoutException, usb.core.USBError
            raise DeviceError(PRN_TRANSMIT, f"{self.uri.raw}: {exc!r}") from exc

    def _read(self, timeout: float) -> bytes:
        dev, scheme = self._p.device, self.uri.scheme
        try:
            if scheme == "tcp":
                dev.settimeout(timeout if timeout > 0 else 0.0)
                try:
                    return dev.recv(64)
                finally:
                    dev.settimeout(WRITE_TIMEOUT)
            if scheme == "serial":
                dev.timeout = timeout
                return dev.read(max(1, dev.in_waiting)) if timeout > 0 or dev.in_waiting else b""
            return bytes(dev.read(self._p.in_ep, 64, max(1, int(timeout * 1000))))
        except (socket.timeout, BlockingIOError):
            return b""
        except Exception:  # a USB timeout or a dropped link reads as "no answer"
            return b""

    def _close(self) -> None:
        p, self._p = self._p, None
        if p is not None:
            try:
                p.close()
            except Exception:  # closing a dead link must not mask the real error
                pass
