# SPDX-License-Identifier: Apache-2.0
"""The wiring of config to device backends, through the drivers' one factory contract.

Every configured device becomes a driver object, even when its backend cannot
start: then it is in FAULT with a reason the admin and the screens can show.
Nothing falls back to a simulator unless the config (or ``--simulate``) says
``sim://``.
"""
from __future__ import annotations

import logging
from typing import Any

from drivers import registry
from drivers.base import Device

from .config import Config

log = logging.getLogger(__name__)

# The devices the kiosk knows, in the order `ehall-kiosk devices` lists them.
KINDS = ("id_reader", "smartcard", "camera", "document_camera", "receipt_printer", "a4_printer", "audio",
         "browser")
# config keys of a device section that go to its driver's factory besides ``uri``
OPTIONS = {"receipt_printer": ("profile",), "smartcard": ("staff_badges",)}
# options the kiosk always sets: no card is read before consent (the identity service turns polling on)
FIXED: dict[str, dict[str, Any]] = {"id_reader": {"poll": False}}


def create(name: str, settings: dict[str, Any]) -> Device:
    """One device from its config section, not opened; never raises (drivers.registry's contract)."""
    opts = {key: settings[key] for key in OPTIONS.get(name, ()) if key in settings}
    if name == "browser":
        opts["font_dirs"] = _font_dirs()
    if name == "id_reader":   # the identity worker process owns the real reader (kiosk/identity_proxy.py)
        from .identity_proxy import build
        return build(name, settings["uri"], **opts, **FIXED.get(name, {}))
    return registry.create(name, name, settings["uri"], **opts, **FIXED.get(name, {}))


def _font_dirs() -> tuple[str, ...]:
    """The kiosk's own Noto Sans SC for the pages (a terminal may have no CJK system font)."""
    from pylopdf_fonts_zh_cn import sans_path

    return (str(sans_path().parent),)


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
