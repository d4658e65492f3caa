# SPDX-License-Identifier: Apache-2.0
"""Second-generation ID-card reader (SAM protocol over a serial port).

``open_reader(name, uri, **opts)`` is the one entry point for the kiosk: it
picks the backend from the URI scheme, explicitly, and never falls back to
another backend.  See ``docs/id-reader.md``.
"""
from __future__ import annotations

import logging
from typing import Any

from drivers.base import DeviceError, DeviceUri, ErrorCode

from . import errors
from .card import CardType, IdCard, mask_name, mask_number
from .interface import FaultedIdCardReader, IdCardReader

__all__ = ["open_reader", "IdCardReader", "IdCard", "CardType", "mask_name", "mask_number", "errors"]

log = logging.getLogger(__name__)

_URI_PARAMS = {"serial": {"baud"}, "sim": {"baud", "card", "seed"}}


def open_reader(name: str, uri: str, **opts: Any) -> IdCardReader:
    """Build and open the reader named by ``uri``; always returns a device.

    * ``serial:///dev/ttyUSB0?baud=115200`` → :class:`SerialIdCardReader` on that port.
    * ``sim://?baud=115200&card=resident`` → a :class:`SimulatedIdReader` on a pty plus the
      same serial backend on it (demo mode); ``reader.simulator`` scripts it.  ``baud`` paces
      the simulated wire (any rate; a pty itself has none).

    ``opts`` go to :class:`SerialIdCardReader` (``poll``, ``poll_interval``, ``timeouts``,
    ``retries``, ``read_fingerprint``, ...) plus ``photo_decoder`` (``"test"`` or
    ``"vendor:/path/lib.so"``, see photo.py).  An unknown scheme, option or URI
    parameter, or a backend that cannot start, gives a device in FAULT whose
    ``last_error`` says why; an absent port gives ABSENT and keeps retrying.
    Any thread; blocks for the port probe (≤ a few seconds).
    """
    try:
        parsed = DeviceUri.parse(uri)
    except ValueError as exc:
        return _faulted(name, errors.IDR_BAD_URI, str(exc))
    if parsed.scheme not in _URI_PARAMS:
        return _faulted(name, errors.IDR_UNKNOWN_SCHEME,
                        f"{uri!r}: scheme {parsed.scheme!r}; expected serial:// or sim://")
    extra = set(parsed.params) - _URI_PARAMS[parsed.scheme]
    if extra:
        return _faulted(name, errors.IDR_BAD_URI, f"{uri!r}: unknown parameter(s) {sorted(extra)}")
    from . import photo, serial_backend  # backends are imported only when chosen
    if not serial_backend.is_available():
        return _faulted(name, errors.IDR_BACKEND_START, "pyserial is not installed")
    sim = None
    try:
        decoder = photo.decoder_from_config(opts.pop("photo_decoder", "test" if parsed.scheme == "sim" else None))
        baud = int(parsed.params.get("baud", 115200))
        if parsed.scheme == "sim":
            sim = _start_simulator(parsed, baud)
            port = sim.path
            if baud not in serial_backend.P.BAUD_CODES:  # a pty has no line rate: any wire pace works
                baud = 115200
        else:
            port = parsed.path or parsed.netloc
            if not port:
                raise ValueError(f"{uri!r} names no port")
        reader = serial_backend.SerialIdCardReader(name, port, baud, photo_decoder=decoder, **opts)
    except (ValueError, TypeError, KeyError) as exc:
        if sim is not None:
            sim.stop()
        return _faulted(name, errors.IDR_BAD_URI, f"{uri!r}: {exc}")
    except OSError as exc:
        return _faulted(name, errors.IDR_BACKEND_START, f"{uri!r}: simulator: {exc}")
    if sim is not None:
        reader.simulator = sim
        reader.on_close = sim.stop
    log.info("%s: backend %s for %s", name, type(reader).__name__, uri)
    try:
        reader.open()
    except DeviceError as exc:  # the state already says ABSENT/FAULT with this error
        log.warning("%s: %s", name, exc)
    return reader


def _start_simulator(parsed: DeviceUri, baud: int):
    from .simulator import SimulatedIdReader
    sim = SimulatedIdReader(baud=baud, seed=int(parsed.params.get("seed", 0))).start()
    if parsed.params.get("card"):
        try:
            sim.place_card(parsed.params["card"])
        except KeyError:
            sim.stop()
            raise
    return sim


def _faulted(name: str, code: ErrorCode, detail: str) -> IdCardReader:
    log.error("%s: %s: %s", name, code.code, detail)
    return FaultedIdCardReader(name, DeviceError(code, detail))
