# SPDX-License-Identifier: Apache-2.0
"""Receipt printer driver: ESC/POS over python-escpos, with a simulator.

The kiosk uses :func:`create_printer` (config → backend) and the interface
:class:`~drivers.receipt_printer.interface.ReceiptPrinter`. Backends are
imported only when a URI asks for them.
"""
from __future__ import annotations

from pathlib import Path

from drivers.base import DeviceError, DeviceUri
from drivers.receipt_printer.jobs import Cut, Feed, JobJournal, JobResult, Picture, PrintJob, QrCode, TextLine
from drivers.receipt_printer.profiles import PrinterProfile, get_profile
from drivers.receipt_printer.status import PRN_CONFIG

__all__ = ["create_printer", "build", "Cut", "Feed", "JobJournal", "JobResult", "Picture", "PrintJob",
           "PrinterProfile", "QrCode", "TextLine", "get_profile"]


def create_printer(uri: str, profile: str | PrinterProfile | None = None, name: str = "receipt_printer",
                   journal_path: Path | None = None, profiles_file: Path | None = None):
    """Build the backend a URI names: ``sim://``, ``tcp://``, ``serial://``, ``usb://``.

    Does no device I/O (call ``open()`` or ``refresh()`` for that). Raises
    ``ValueError`` for an unknown scheme and ``KeyError`` for an unknown profile.
    """
    parsed = DeviceUri.parse(uri)
    prof = get_profile(profile, profiles_file)
    journal = JobJournal(journal_path)
    if parsed.scheme == "sim":
        from drivers.receipt_printer.simulator import SimulatedReceiptPrinter
        return SimulatedReceiptPrinter(parsed, prof, name, journal)
    from drivers.receipt_printer.escpos_backend import SCHEMES, EscposReceiptPrinter
    if parsed.scheme not in SCHEMES:
        raise ValueError(f"receipt printer URI {uri!r}: use sim://, tcp://host:9100, "
                         "serial:///dev/ttyUSB0?baud=115200 or usb://VID:PID")
    return EscposReceiptPrinter(parsed, prof, name, journal)


def build(name: str, uri: str, profile: str | PrinterProfile | None = None, **opts):
    """The factory contract of :mod:`drivers.registry`: :func:`create_printer`, with a bad URI,
    scheme or profile (or a missing python-escpos) as ``PRN_CONFIG``."""
    try:
        return create_printer(uri, profile, name=name, **opts)
    except (ValueError, KeyError, ImportError) as exc:
        raise DeviceError(PRN_CONFIG, str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)) from None
