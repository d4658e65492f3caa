# SPDX-License-Identifier: Apache-2.0
"""The one factory contract for every device class.

``create(kind, name, uri, **opts)`` always returns a device and never raises:

* the device class (``kind``) names a driver package; the URI's scheme picks its backend,
  explicitly, with no fallback to another backend (``sim://`` only when the config says so);
* it does no device I/O: the caller opens the device (``device.open()``), and the kiosk does
  that off the UI thread, so a silent reader never holds up the home screen;
* a bad URI, scheme, parameter or option, or a backend library that is missing, gives a
  device in FAULT whose ``last_error`` carries the driver's own coded error
  (``IDR_BAD_URI``, ``CAM_NO_BACKEND``, ``PRN_CONFIG`` ...), the reason admins and screens show.

Each driver package implements ``build(name, uri, **opts)``: it returns the backend, or raises
:class:`DeviceError` with its coded error. ``faulted(name, error)`` in the package, when it has
one, builds the FAULT device of its own interface (so callers can still ask what it can do).
Anything else a ``build`` raises breaks the contract: it is logged with its traceback and the
device is in FAULT with ``DEV_BACKEND_FAILED``.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any, Callable, Collection, Mapping

from drivers.base import Action, Device, DeviceError, DeviceUri, ErrorCode, FaultedDevice, Severity

log = logging.getLogger(__name__)

DEV_UNKNOWN_KIND = ErrorCode("DEV_UNKNOWN_KIND", Severity.FATAL, Action.CONFIGURATION,
                             "no driver for this kind of device")
DEV_BACKEND_FAILED = ErrorCode("DEV_BACKEND_FAILED", Severity.ERROR, Action.MAINTENANCE,
                               "the configured backend could not be created")

# device class → the driver package that builds it
KINDS: dict[str, str] = {
    "id_reader": "drivers.id_reader",
    "smartcard": "drivers.smartcard",
    "camera": "drivers.camera",
    "document_camera": "drivers.camera",     # 拍照上传: a camera over the desk (its sim: scene=document)
    "receipt_printer": "drivers.receipt_printer",
    "a4_printer": "drivers.a4_printer",
    "audio": "drivers.audio",
    "browser": "drivers.browser",
}


def create(kind: str, name: str, uri: str, **opts: Any) -> Device:
    """The device ``uri`` names, not opened; a FAULT device with the reason when it cannot be built."""
    package = KINDS.get(kind)
    if package is None:
        return _fault(None, kind, name, DeviceError(DEV_UNKNOWN_KIND, f"{kind!r} (known: {', '.join(KINDS)})"))
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        return _fault(None, kind, name, DeviceError(DEV_BACKEND_FAILED, f"{package}: {exc}"))
    try:
        device = module.build(name, uri, **opts)
    except DeviceError as exc:
        return _fault(module, kind, name, exc)
    except Exception as exc:  # noqa: BLE001 - a contract breach still gives a FAULT device
        log.exception("%s: building %s for %r failed", name, kind, uri)
        return _fault(module, kind, name, DeviceError(DEV_BACKEND_FAILED, f"{uri!r}: {type(exc).__name__}: {exc}"))
    log.info("%s: backend %s for %s", name, type(device).__name__, uri.split("?", 1)[0])
    return device


def open_device(device: Device) -> Device:
    """Opens ``device`` (blocking: call it off the UI thread); a failure stays in its state."""
    opener: Callable[[], Any] | None = getattr(device, "open", None)
    if opener is None or isinstance(device, FaultedDevice):
        return device
    try:
        opener()
    except DeviceError as exc:          # the state already says ABSENT/FAULT with this error
        log.warning("%s: %s", device.name, exc)
    return device


def check_uri(uri: str | DeviceUri, params: Mapping[str, Collection[str] | None],
              bad_uri: ErrorCode, unknown_scheme: ErrorCode | None = None) -> DeviceUri:
    """The URI checks every driver shares: it parses, its scheme is known, its parameters are.

    ``params`` maps each scheme to the parameters it takes (``None``: any). Raises
    :class:`DeviceError` with ``bad_uri``, or ``unknown_scheme`` (default ``bad_uri``).
    """
    try:
        parsed = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
    except ValueError as exc:
        raise DeviceError(bad_uri, str(exc)) from None
    if parsed.scheme not in params:
        known = ", ".join(f"{s}://" for s in params)
        raise DeviceError(unknown_scheme or bad_uri, f"{parsed.raw!r}: scheme {parsed.scheme!r}; expected {known}")
    allowed = params[parsed.scheme]
    extra = set(parsed.params) - set(allowed) if allowed is not None else set()
    if extra:
        raise DeviceError(bad_uri, f"{parsed.raw!r}: unknown parameter(s) {sorted(extra)}")
    return parsed


def _fault(module, kind: str, name: str, error: DeviceError) -> Device:
    log.error("%s: %s: %s", name, error.code, error.detail)
    faulted = getattr(module, "faulted", None)
    return faulted(name, error) if faulted is not None else FaultedDevice(name, error, kind=kind)
