# SPDX-License-Identifier: Apache-2.0
"""Second-generation ID-card reader (SAM protocol over a serial port).

``build(name, uri, **opts)`` is its factory (the contract of :mod:`drivers.registry`):
it picks the backend from the URI scheme, explicitly, and never falls back to
another backend; ``open_reader`` builds and opens.  See ``docs/id-reader.md``.
"""
from __future__ import annotations

from typing import Any, cast

from drivers.base import DeviceError, DeviceUri
from drivers.registry import check_uri

from . import errors
from .card import CardType, IdCard, mask_name, mask_number
from .interface import FaultedIdCardReader, IdCardReader

__all__ = ["open_reader", "build", "faulted", "IdCardReader", "IdCard", "CardType", "mask_name", "mask_number", "errors"]

_URI_PARAMS = {"serial": {"baud"}, "sim": {"baud", "card", "seed"}}


def open_reader(name: str, uri: str, **opts: Any) -> IdCardReader:
    """Build (:func:`build`) and open the reader named by ``uri``; always returns a device.

    An unknown scheme, option or URI parameter, or a backend that cannot start, gives a
    device in FAULT whose ``last_error`` says why; an absent port gives ABSENT and keeps
    retrying. Any thread but the UI's: blocks for the port probe (≤ a few seconds).
    """
    from drivers.registry import create, open_device
    return cast(IdCardReader, open_device(create("id_reader", name, uri, **opts)))


def build(name: str, uri: str, **opts: Any) -> IdCardReader:
    """The reader ``uri`` names, not opened (the factory contract of :mod:`drivers.registry`).

    * ``serial:///dev/ttyUSB0?baud=115200`` → :class:`SerialIdCardReader` on that port.
    * ``sim://?baud=115200&card=resident`` → a :class:`SimulatedIdReader` on a pty plus the
      same serial backend on it (demo mode); ``reader.simulator`` scripts it.  ``baud`` paces
      the simulated wire (any rate; a pty itself has none).

    ``opts`` go to :class:`SerialIdCardReader` (``poll``, ``poll_interval``, ``timeouts``,
    ``retries``, ``read_fingerprint``, ...) plus ``photo_decoder`` (``"test"`` or
    ``"vendor:/path/lib.so"``, see photo.py).  Raises :class:`DeviceError` (``IDR_BAD_URI``,
    ``IDR_UNKNOWN_SCHEME``, ``IDR_BACKEND_START``).
    """
    parsed = check_uri(uri, _URI_PARAMS, errors.IDR_BAD_URI, errors.IDR_UNKNOWN_SCHEME)
    from . import photo, serial_backend  # backends are imported only when chosen
    if not serial_backend.is_available():
        raise DeviceError(errors.IDR_BACKEND_START, "pyserial is not installed")
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
        raise DeviceError(errors.IDR_BAD_URI, f"{uri!r}: {exc}") from None
    except OSError as exc:
        raise DeviceError(errors.IDR_BACKEND_START, f"{uri!r}: simulator: {exc}") from None
    if sim is not None:
        reader.simulator = sim
        reader.on_close = sim.stop
    return reader


def faulted(name: str, error: DeviceError) -> IdCardReader:
    """The FAULT reader that stands for one that could not be built."""
    return FaultedIdCardReader(name, error)


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
