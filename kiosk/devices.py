# SPDX-License-Identifier: Apache-2.0
"""The wiring of config to device backends (the only place that imports drivers' factories).

Every configured device becomes a driver object, even when its backend cannot
start: then it is in FAULT with a reason the admin and the screens can show.
Nothing falls back to a simulator unless the config (or ``--simulate``) says
``sim://``.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from drivers.base import Action, Device, DeviceError, ErrorCode, FaultedDevice, Severity

from .config import Config

log = logging.getLogger(__name__)

DEV_BACKEND_FAILED = ErrorCode("DEV_BACKEND_FAILED", Severity.ERROR, Action.CONFIGURATION,
                               "the configured backend could not be created")
DEV_NOT_AVAILABLE = ErrorCode("DEV_NOT_AVAILABLE", Severity.ERROR, Action.MAINTENANCE,
                              "this version has no driver for this device yet")

# The devices the kiosk knows, in the order `ehall-kiosk devices` lists them.
KINDS = ("id_reader", "smartcard", "camera", "receipt_printer", "a4_printer")


def unavailable(name: str, error: ErrorCode, detail: str) -> Device:
    """Stands for a device whose backend could not be built: FAULT, with the reason."""
    return FaultedDevice(name, DeviceError(error, detail), kind=name)


def _id_reader(name: str, settings: dict[str, Any]) -> Device:
    from drivers.id_reader import open_reader
    return open_reader(name, settings["uri"], poll=False)   # no card is read before consent (identity turns it on)


def _camera(name: str, settings: dict[str, Any]) -> Device:
    from drivers.camera import make_camera
    return make_camera(name, settings["uri"])


def _receipt_printer(name: str, settings: dict[str, Any]) -> Device:
    from drivers.receipt_printer import create_printer
    return create_printer(settings["uri"], settings.get("profile"), name=name)


def _smartcard(name: str, settings: dict[str, Any]) -> Device:
    from drivers.smartcard import open_smartcard
    return open_smartcard(name, settings["uri"], staff_badges=settings.get("staff_badges", ()))


def _a4_printer(name: str, settings: dict[str, Any]) -> Device:
    from drivers.a4_printer import create_a4_printer
    return create_a4_printer(settings["uri"], name=name)


FACTORIES: dict[str, Callable[[str, dict[str, Any]], Device]] = {
    "id_reader": _id_reader,
    "smartcard": _smartcard,
    "camera": _camera,
    "receipt_printer": _receipt_printer,
    "a4_printer": _a4_printer,
}


def create(name: str, settings: dict[str, Any]) -> Device:
    """One device from its config section; never raises."""
    factory = FACTORIES.get(name)
    if factory is None:
        return unavailable(name, DEV_NOT_AVAILABLE, f"{settings.get('uri')} (planned)")
    try:
        return factory(name, settings)
    except DeviceError as exc:
        return unavailable(name, exc.error, exc.detail)
    except (ValueError, KeyError, OSError, ImportError) as exc:
        return unavailable(name, DEV_BACKEND_FAILED, f"{settings.get('uri')}: {exc}")


def create_all(config: Config) -> dict[str, Device]:
    devices = config.devices()
    return {name: create(name, devices[name]) for name in KINDS if name in devices}


def close_all(devices: dict[str, Device]) -> None:
    """Shutdown: closes every device (a simulator removes its temp folder); never raises."""
    for name, device in devices.items():
        try:
            device.close()
        except Exception:  # noqa: BLE001 - one device that cannot close must not keep the others open
            log.warning("device %s did not close cleanly", name, exc_info=True)


def describe(device: Device) -> str:
    err = device.last_error
    why = f"  {err.code}: {err.detail or err.error.text} (needs {err.error.action.value})" if err else ""
    return f"{device.name:16} {device.state.value:10}{why}"
