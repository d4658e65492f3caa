# SPDX-License-Identifier: Apache-2.0
"""Cameras: ``open_camera(name, uri)`` picks the backend by URI scheme.

``v4l2://`` real device, ``file://`` video or stills, ``sim://`` synthetic.
Backend modules (and OpenCV) are imported only when one is asked for.
"""
from __future__ import annotations

import importlib
import logging

from drivers.base import DeviceError, DeviceUri
from drivers.camera.interface import (CAM_BAD_URI, CAM_NO_BACKEND, CAM_NOT_FOUND, CAM_NOT_OPEN,
                                      CAM_OPEN_FAILED, CAM_READ_FAILED, Camera)

log = logging.getLogger(__name__)

BACKENDS = {
    "v4l2": ("drivers.camera.v4l2_backend", "V4l2Camera"),
    "file": ("drivers.camera.file_backend", "FileCamera"),
    "sim": ("drivers.camera.simulator", "SimulatedCamera"),
}

__all__ = ["Camera", "open_camera", "make_camera", "BACKENDS", "CAM_BAD_URI", "CAM_NO_BACKEND",
           "CAM_NOT_FOUND", "CAM_NOT_OPEN", "CAM_OPEN_FAILED", "CAM_READ_FAILED"]


def make_camera(name: str, uri: str | DeviceUri) -> Camera:
    """Build the backend for ``uri`` without opening it. Raises ``CAM_BAD_URI``."""
    try:
        parsed = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
    except ValueError as exc:
        raise DeviceError(CAM_BAD_URI, str(exc)) from None
    if parsed.scheme not in BACKENDS:
        raise DeviceError(CAM_BAD_URI, f"unknown camera scheme {parsed.scheme!r} (known: {', '.join(BACKENDS)})")
    module_name, class_name = BACKENDS[parsed.scheme]
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(name, parsed)


def open_camera(name: str, uri: str | DeviceUri) -> Camera:
    """Build and open the camera named by ``uri``.

    Never falls back to another backend: when the chosen one cannot start, the
    returned camera is in FAULT with a coded ``CAM_*`` error (``last_error``)
    so the services that need it can show "unavailable". A malformed URI or an
    unknown scheme raises ``CAM_BAD_URI`` (a configuration error). Blocks for
    the device's warm-up; call it off the UI thread.
    """
    camera = make_camera(name, uri)
    log.info("camera %s: backend %s for %s", name, type(camera).__name__, camera.uri.raw)
    try:
        camera.open()
    except DeviceError as exc:
        log.error("camera %s: cannot start: %s", name, exc)
    return camera
