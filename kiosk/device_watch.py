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

A device two flows use in turn (the camera: the face check and a video call) is
handed over explicitly with :class:`Handover`: the user who takes it gets it open,
the watch leaves a held device alone, and giving it back leaves it open and ready
for the next user. Nothing is closed between users, so nothing looks unplugged
and nothing is "found again". One user is another process: the identity worker opens the
camera itself for the face check (citizens' frames never enter the kiosk process), so the
kiosk *lends* it (:meth:`Handover.lend`: closed here, left alone by the watch) and opens it
again when the worker has closed it (:meth:`Handover.take_back`).
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
        self.held: set[str] = set()          # devices a flow holds (Handover): not probed

    def check_once(self) -> list[str]:
        """Probes every device that needs it; returns the names that came back."""
        back = []
        for name, device in list(self.devices.items()):
            if name not in self.held and needs_probe(device):
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


class Handover:
    """One device, several flows in turn. ``take(who)`` opens it when it is not open yet
    (None when it cannot be opened) and keeps the watch's probes off it; ``give_back(who)``
    leaves it open for the next user. Any thread."""

    def __init__(self, device: Any, name: str = "camera", watch: DeviceWatch | None = None):
        self.device, self.name, self.watch = device, name, watch
        self.holder: str | None = None
        self.lent_to: str | None = None       # another process has it (lend): nobody here may open it
        self._lock = threading.Lock()

    def take(self, who: str) -> Any:
        with self._lock:
            if self.device is None or isinstance(self.device, FaultedDevice):
                return None
            if self.lent_to is not None:
                log.warning("%s: not available for %s: lent to %s", self.name, who, self.lent_to)
                return None
            if not getattr(self.device, "is_open", True):
                try:
                    self.device.open()
                except Exception as exc:  # noqa: BLE001 - the caller goes on without it
                    log.warning("%s: not available for %s: %s", self.name, who,
                                getattr(exc, "code", type(exc).__name__))
                    return None
            self.holder = who
            if self.watch is not None:
                self.watch.held.add(self.name)
            log.info("%s: handed to %s", self.name, who)
            return self.device

    def give_back(self, who: str) -> None:
        with self._lock:
            if self.holder != who:
                return
            self.holder = None
            if self.watch is not None:
                self.watch.held.discard(self.name)
            log.info("%s: handed back by %s (stays open)", self.name, who)

    def lend(self, who: str) -> bool:
        """Close the device here so another process can open it; False when a flow of this
        process holds it (the video call) or it cannot be used at all."""
        with self._lock:
            if self.device is None or isinstance(self.device, FaultedDevice) or \
                    self.holder not in (None, who):
                return False
            self.holder = self.lent_to = who
            if self.watch is not None:
                self.watch.held.add(self.name)
            try:
                self.device.close()
            except Exception as exc:  # noqa: BLE001 - still closed as far as it can be
                log.warning("%s: did not close cleanly for %s: %s", self.name, who,
                            getattr(exc, "code", type(exc).__name__))
            log.info("%s: lent to %s", self.name, who)
            return True

    def take_back(self, who: str) -> None:
        """The other process has closed it: open it here again (on a thread: a real camera takes a
        moment) and let the watch look after it."""
        with self._lock:
            if self.holder != who:
                return
        threading.Thread(target=self._reopen, args=(who,), name=f"{self.name}-take-back", daemon=True).start()

    def _reopen(self, who: str) -> None:
        with self._lock:
            if self.holder != who:
                return
            try:
                self.device.open()
            except Exception as exc:  # noqa: BLE001 - the watch probes it from now on
                log.warning("%s: not open again after %s: %s", self.name, who,
                            getattr(exc, "code", type(exc).__name__))
            self.holder = self.lent_to = None
            if self.watch is not None:
                self.watch.held.discard(self.name)
            log.info("%s: back from %s", self.name, who)
