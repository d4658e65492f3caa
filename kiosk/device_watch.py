# SPDX-License-Identifier: Apache-2.0
"""Finds devices again after they were unplugged, without restarting the kiosk.

The ID-card and smart-card readers watch their own ports (they go ABSENT and
keep retrying). Devices without such a loop (camera, receipt printer, A4
printer) are looked after here: while one is ABSENT or in a FAULT that staff
or maintenance can clear, it is probed every ``interval`` seconds; a probe is
``refresh()`` where the driver has one, else close and open again. The
interval is the debounce: a flickering cable costs one probe, not a storm of
state changes on the screens. A FAULT that needs the admin's configuration
(a bad URI, an unknown queue) is left alone: probing cannot fix it.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from drivers.base import Action, DeviceState, FaultedDevice

log = logging.getLogger(__name__)

SELF_RECOVERING = ("id_reader", "smartcard")   # their backends poll their ports themselves


def needs_probe(device: Any) -> bool:
    if isinstance(device, FaultedDevice) or device.kind in SELF_RECOVERING:
        return False
    if device.state not in (DeviceState.ABSENT, DeviceState.FAULT):
        return False
    error = device.last_error
    return error is None or error.error.action is not Action.CONFIGURATION


def probe(device: Any) -> None:
    """One attempt to bring ``device`` back; never raises (its state tells the outcome)."""
    try:
        if hasattr(device, "refresh"):
            device.refresh()
        else:
            device.close()
            device.open()
    except Exception as exc:  # noqa: BLE001 - a device that is still away stays as it is
        log.debug("%s: still unavailable: %s", device.name, exc)


class DeviceWatch:
    def __init__(self, devices: dict[str, Any], interval: float = 5.0):
        self.devices = devices
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_once(self) -> list[str]:
        """Probes every device that needs it; returns the names that came back."""
        back = []
        for name, device in list(self.devices.items()):
            if needs_probe(device):
                probe(device)
                if device.state in (DeviceState.READY, DeviceState.DEGRADED):
                    log.info("%s: found again", name)
                    back.append(name)
        return back

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="device-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval + 5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.check_once()
