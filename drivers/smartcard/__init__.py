# SPDX-License-Identifier: Apache-2.0
"""PC/SC smart-card reader: card events, ATR, UID, social-security card number, staff badges.

``open_smartcard(name, uri, **opts)`` is the one entry point for the kiosk: it
picks the backend from the URI scheme, explicitly, and never falls back to
another backend.  See ``docs/smartcard.md``.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote, urlsplit

from drivers.base import DeviceError, DeviceUri, ErrorCode

from . import errors
from .card import CardKind, SmartCard, mask_hex, parse_badges
from .interface import FaultedSmartCardReader, SmartCardReader

__all__ = ["open_smartcard", "SmartCardReader", "SmartCard", "CardKind", "mask_hex", "errors"]

log = logging.getLogger(__name__)

_URI_PARAMS = {"pcsc": set(), "sim": {"card", "reader"}}
_OPTS = {"poll", "plug_hold", "retry", "read_ssc"}


def open_smartcard(name: str, uri: str, staff_badges: list[str] | tuple[str, ...] = (),
                   **opts: Any) -> SmartCardReader:
    """Build and open the reader named by ``uri``; always returns a device.

    * ``pcsc://`` → the first PC/SC reader; ``pcsc://NAME`` → the reader called NAME
      (URL-encoded, e.g. ``pcsc://ACS%20ACR1252U``), or else the first whose name starts with it.
    * ``sim://?card=badge`` → the same monitor over :class:`SimulatedPcsc`; ``reader.simulator``
      scripts it (cards: badge, mifare, ssc, cpu, mute).

    ``staff_badges``: ``"uid:HEX"`` / ``"atr:HEX"`` entries, optional ``*`` (prefix) and
    ``=STAFF_ID``.  ``opts``: ``poll``, ``plug_hold``, ``retry`` (seconds), ``read_ssc`` (bool).
    An unknown scheme, parameter, option or badge entry, or a missing pyscard,
    gives a device in FAULT whose ``last_error`` says why; a missing reader or
    pcscd gives ABSENT and the driver keeps trying.  Any thread; blocks ≤ ~2 s.
    """
    try:
        parsed = DeviceUri.parse(uri)
    except ValueError as exc:
        return _faulted(name, errors.SC_BAD_URI, str(exc))
    if parsed.scheme not in _URI_PARAMS:
        return _faulted(name, errors.SC_UNKNOWN_SCHEME,
                        f"{uri!r}: scheme {parsed.scheme!r}; expected pcsc:// or sim://")
    extra = set(parsed.params) - _URI_PARAMS[parsed.scheme]
    if extra or set(opts) - _OPTS:
        return _faulted(name, errors.SC_BAD_URI,
                        f"{uri!r}: unknown parameter(s)/option(s) {sorted(extra | (set(opts) - _OPTS))}")
    try:
        badges = parse_badges(list(staff_badges))
    except DeviceError as exc:
        return _faulted(name, exc.error, exc.detail)
    from . import pcsc_backend  # backends are imported only when chosen
    layer = None
    if parsed.scheme == "pcsc":
        if not pcsc_backend.is_available():
            return _faulted(name, errors.SC_BACKEND_START, "pyscard is not installed (pip install pyscard)")
        reader_name = unquote(uri.split("://", 1)[1].split("?", 1)[0])
    else:
        from .simulator import SimulatedPcsc
        layer = SimulatedPcsc()
        reader_name = parsed.params.get("reader", "")
        if parsed.params.get("card"):
            try:
                layer.insert_card(parsed.params["card"])
            except KeyError as exc:
                return _faulted(name, errors.SC_BAD_URI, f"{uri!r}: {exc.args[0]}")
    try:
        reader = pcsc_backend.PcscSmartCardReader(name, reader_name, layer=layer, badges=badges, **opts)
    except (TypeError, ValueError) as exc:
        return _faulted(name, errors.SC_BAD_URI, f"{uri!r}: {exc}")
    reader.simulator = layer
    log.info("%s: backend %s for %s", name, type(reader).__name__, urlsplit(uri).scheme + "://…")
    reader.open()
    return reader


def _faulted(name: str, code: ErrorCode, detail: str) -> SmartCardReader:
    log.error("%s: %s: %s", name, code.code, detail)
    return FaultedSmartCardReader(name, DeviceError(code, detail))
