# SPDX-License-Identifier: Apache-2.0
"""A4 (certificate) printer driver: CUPS through pycups, with a simulator.

The kiosk uses :func:`create_a4_printer` (config → backend) and the interface
:class:`~drivers.a4_printer.interface.A4Printer`. Backends are imported only
when a URI asks for them.
"""
from __future__ import annotations

from pathlib import Path

from drivers.a4_printer.jobs import A4Job, JobState, KeyJournal, QueueStatus
from drivers.a4_printer.errors import A4_CONFIG, A4_CUPS_DOWN
from drivers.base import DeviceError, DeviceUri

__all__ = ["A4Job", "JobState", "KeyJournal", "QueueStatus", "build", "create_a4_printer"]


def create_a4_printer(uri: str, name: str = "a4_printer", journal_path: Path | None = None):
    """Build the backend a URI names: ``cups://QUEUE`` or ``sim://``. No I/O (call ``open()``).

    Raises ``ValueError`` for an unknown scheme, ``ImportError`` when pycups is missing.
    """
    parsed = DeviceUri.parse(uri)
    journal = KeyJournal(journal_path)
    if parsed.scheme == "sim":
        from drivers.a4_printer.simulator import SimulatedA4Printer
        return SimulatedA4Printer(parsed, name, journal)
    if parsed.scheme == "cups":
        from drivers.a4_printer.cups_backend import CupsA4Printer, _cups
        _cups()  # a clear ImportError now rather than FAULT on the first job
        return CupsA4Printer(parsed, name, journal)
    raise ValueError(f"A4 printer URI {uri!r}: use cups://QUEUE or sim://")


def build(name: str, uri: str, **opts):
    """The factory contract of :mod:`drivers.registry`: :func:`create_a4_printer`, with a bad URI
    or scheme as ``A4_CONFIG`` and a missing pycups as ``A4_CUPS_DOWN``."""
    try:
        return create_a4_printer(uri, name=name, **opts)
    except ImportError as exc:
        raise DeviceError(A4_CUPS_DOWN, f"pycups cannot be loaded: {exc}") from None
    except ValueError as exc:
        raise DeviceError(A4_CONFIG, str(exc)) from None
