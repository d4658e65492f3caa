# SPDX-License-Identifier: Apache-2.0
"""The self-test skeleton every driver's ``ehall-kiosk devices test NAME`` shares.

The lines an admin reads: what is tested, the device's state, the driver's own checks,
and a last line ``RESULT: PASS`` or ``RESULT: FAIL <CODE>``. Device problems become
FAIL lines, never exceptions; the device is closed at the end whatever happened.
"""
from __future__ import annotations

from typing import Callable

from drivers.base import Device, DeviceError, DeviceState

Checks = Callable[[Device, list[str]], None]
Explain = Callable[[DeviceError], list[str]]


def run(kind: str, uri: str, device: Device, checks: Checks, not_ready: str,
        explain: Explain | None = None) -> list[str]:
    """Runs ``checks(device, lines)`` on an opened ``device`` and returns the admin's lines.

    ``checks`` appends its lines and raises :class:`DeviceError` to fail; ``explain`` turns
    that error into lines of the driver's own words (default: code, text and action).
    ``not_ready`` is the code reported when the device is not READY and says no reason.
    """
    lines = [f"{kind} self-test on {uri}"]
    try:
        lines.append(f"state: {device.state.value}")
        if device.state is not DeviceState.READY:
            err = device.last_error
            return lines + [f"reason: {err}", f"RESULT: FAIL {err.code if err else not_ready}"]
        try:
            checks(device, lines)
        except DeviceError as exc:
            return lines + (explain or _explain)(exc) + [f"RESULT: FAIL {exc.code}"]
        return lines + ["RESULT: PASS"]
    finally:
        device.close()


def _explain(exc: DeviceError) -> list[str]:
    return [f"failed: {exc.code}: {exc.error.text}", f"action: {exc.error.action.value}"]
