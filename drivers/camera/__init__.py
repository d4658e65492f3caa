# SPDX-License-Identifier: Apache-2.0
"""Cameras: ``open_camera(name, uri)`` picks the backend by URI scheme.

``v4l2://`` real device, ``file://`` video or stills, ``sim://`` synthetic.
Backend modules (and OpenCV) are imported only when one is asked for.
"""
from __future__ import annotations

import importlib
import logging
from typing import cast

from drivers.base import DeviceError, DeviceUri
from drivers.registry import check_uri
from drivers.camera.interface import (CAM_BAD_URI, CAM_NO_BACKEND, CAM_NOT_FOUND, CAM_NOT_OPEN,
                                      CAM_OPEN_FAILED, CAM_READ_FAILED, Camera)

log = logging.getLogger(__name__)

BACKENDS = {
    "v4l2": ("drivers.camera.v4l2_backend", "V4l2Camera"),
    "file": ("drivers.camera.file_backend", "FileCamera"),
    "sim": ("drivers.camera.simulator", "SimulatedCamera"),
}

__all__ = ["Camera", "open_camera", "make_camera", "build", "BACKENDS", "CAM_BAD_URI", "CAM_NO_BACKEND",
           "CAM_NOT_FOUND", "CAM_NOT_OPEN", "CAM_OPEN_FAILED", "CAM_READ_FAILED"]


def make_camera(name: str, uri: str | DeviceUri) -> Camera:
    """Build the backend for ``uri`` without opening it. Raises ``CAM_BAD_URI``/``CAM_NO_BACKEND``.

    This is the package's ``build`` (the factory contract of :mod:`drivers.registry`).
    """
    parsed = check_uri(uri, {scheme: None for scheme in BACKENDS}, CAM_BAD_URI)
    module_name, class_name = BACKENDS[parsed.scheme]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DeviceError(CAM_NO_BACKEND, f"{module_name}: {exc}") from None
    return getattr(module, class_name)(name, parsed)


build = make_camera


def open_camera(name: str, uri: str | DeviceUri) -> Camera:
    """Build and open the camera named by ``uri``; always returns a device.

    Never falls back to another backend: when the chosen one cannot be built or
    start, the returned camera is in FAULT with a coded ``CAM_*`` error
    (``last_error``) so the services that need it can show "unavailable".
    Blocks for the device's warm-up; call it off the UI thread.
    """
    from drivers.registry import create, open_device
    raw = uri.raw if isinstance(uri, DeviceUri) else uri
    return cast(Camera, open_device(create("camera", name, raw)))
