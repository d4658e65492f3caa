# SPDX-License-Identifier: Apache-2.0
"""PC/SC smart-card reader: card events, ATR, UID, social-security card number, staff badges.

``build(name, uri, **opts)`` is its factory (the contract of :mod:`drivers.registry`):
it picks the backend from the URI scheme, explicitly, and never falls back to
another backend; ``open_smartcard`` builds and opens.  See ``docs/smartcard.md``.
"""
from __future__ import annotations

from typing import Any, cast
from urllib.parse import unquote

from drivers.base import DeviceError
from drivers.registry import check_uri

from . import errors
from .card import CardKind, SmartCard, mask_hex, parse_badges
from .interface import FaultedSmartCardReader, SmartCardReader

__all__ = ["open_smartcard", "build", "faulted", "SmartCardReader", "SmartCard", "CardKind", "mask_hex", "errors"]

_URI_PARAMS = {"pcsc": set(), "sim": {"card", "reader"}}
_OPTS = {"poll", "plug_hold", "retry", "read_ssc"}


def open_smartcard(name: str, uri: str, staff_badges: list[str] | tuple[str, ...] = (),
                   **opts: Any) -> SmartCardReader:
    """Build (:func:`build`) and open the reader named by ``uri``; always returns a device.

    A missing reader or pcscd gives ABSENT and the driver keeps trying; anything
    :func:`build` refuses gives FAULT with its coded error. Any thread but the UI's; blocks ≤ ~2 s.
    """
    from drivers.registry import create, open_device
    return cast(SmartCardReader, open_device(create("smartcard", name, uri, staff_badges=staff_badges, **opts)))


def build(name: str, uri: str, staff_badges: list[str] | tuple[str, ...] = (),
          **opts: Any) -> SmartCardReader:
    """The reader ``uri`` names, not opened (the factory contract of :mod:`drivers.registry`).

    * ``pcsc://`` → the first PC/SC reader; ``pcsc://NAME`` → the reader called NAME
      (URL-encoded, e.g. ``pcsc://ACS%20ACR1252U``), or else the first whose name starts with it.
    * ``sim://?card=badge`` → the same monitor over :class:`SimulatedPcsc`; ``reader.simulator``
      scripts it (cards: badge, mifare, ssc, cpu, mute).

    ``staff_badges``: ``"uid:HEX"`` / ``"atr:HEX"`` entries, optional ``*`` (prefix) and
    ``=STAFF_ID``.  ``opts``: ``poll``, ``plug_hold``, ``retry`` (seconds), ``read_ssc`` (bool).
    Raises :class:`DeviceError` (``SC_BAD_URI``, ``SC_UNKNOWN_SCHEME``, ``SC_BACKEND_START``,
    or the badge entry's own code).
    """
    parsed = check_uri(uri, _URI_PARAMS, errors.SC_BAD_URI, errors.SC_UNKNOWN_SCHEME)
    if set(opts) - _OPTS:
        raise DeviceError(errors.SC_BAD_URI, f"{uri!r}: unknown option(s) {sorted(set(opts) - _OPTS)}")
    badges = parse_badges(list(staff_badges))
    from . import pcsc_backend  # backends are imported only when chosen
    layer = None
    if parsed.scheme == "pcsc":
        if not pcsc_backend.is_available():
            raise DeviceError(errors.SC_BACKEND_START, "pyscard is not installed (pip install pyscard)")
        reader_name = unquote(uri.split("://", 1)[1].split("?", 1)[0])
    else:
        from .simulator import SimulatedPcsc
        layer = SimulatedPcsc()
        reader_name = parsed.params.get("reader", "")
        if parsed.params.get("card"):
            try:
                layer.insert_card(parsed.params["card"])
            except KeyError as exc:
                raise DeviceError(errors.SC_BAD_URI, f"{uri!r}: {exc.args[0]}") from None
    try:
        reader = pcsc_backend.PcscSmartCardReader(name, reader_name, layer=layer, badges=badges, **opts)
    except (TypeError, ValueError) as exc:
        raise DeviceError(errors.SC_BAD_URI, f"{uri!r}: {exc}") from None
    reader.simulator = layer
    return reader


def faulted(name: str, error: DeviceError) -> SmartCardReader:
    """The FAULT reader that stands for one that could not be built."""
    return FaultedSmartCardReader(name, error)
