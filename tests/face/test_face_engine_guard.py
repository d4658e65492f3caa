# SPDX-License-Identifier: Apache-2.0
"""The pkg_resources pitfall: face_recognition quits with status 0 when it is missing."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from drivers.base import DeviceError, DeviceState
from drivers.face import FaceVerifier
from drivers.face.dlib_backend import import_face_recognition

HIDE = "import sys; sys.modules['pkg_resources'] = None\n"  # what setuptools >= 81 looks like


def _hide_pkg_resources(monkeypatch):
    for name in [m for m in sys.modules if m.startswith("face_recognition")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pkg_resources", None)


def test_face_guard_raises_coded_error(monkeypatch):
    """GIVEN pkg_resources cannot be imported WHEN the engine imports face_recognition
    THEN DeviceError FACE_ENGINE_UNAVAILABLE naming setuptools<81, not a silent exit."""
    _hide_pkg_resources(monkeypatch)
    with pytest.raises(DeviceError) as caught:
        import_face_recognition()
    assert caught.value.code == "FACE_ENGINE_UNAVAILABLE"
    assert "setuptools<81" in caught.value.detail


def test_face_guard_puts_verifier_in_fault(monkeypatch):
    """GIVEN pkg_resources missing WHEN the verifier opens THEN FAULT with the coded error."""
    _hide_pkg_resources(monkeypatch)
    verifier = FaceVerifier()
    with pytest.raises(DeviceError):
        verifier.open()
    assert verifier.state is DeviceState.FAULT
    assert verifier.last_error.code == "FACE_ENGINE_UNAVAILABLE"


def test_face_guard_subprocess_exit_status():
    """GIVEN a fresh interpreter without pkg_resources
    WHEN face_recognition is imported plainly THEN it exits 0 before the next line (the pitfall);
    WHEN imported through our guard THEN the process fails loudly with the code."""
    plain = subprocess.run([sys.executable, "-c", HIDE + "import face_recognition\nprint('AFTER')"],
                           capture_output=True, text=True, timeout=60)
    assert plain.returncode == 0 and "AFTER" not in plain.stdout
    guarded = subprocess.run([sys.executable, "-c", HIDE + "from drivers.face.dlib_backend import "
                              "import_face_recognition as i\ni()\nprint('AFTER')"],
                             capture_output=True, text=True, timeout=60)
    assert guarded.returncode != 0 and "FACE_ENGINE_UNAVAILABLE" in guarded.stderr


def test_face_install_has_pkg_resources():
    """GIVEN the project's install (pyproject pins setuptools<81) THEN pkg_resources is importable."""
    assert importlib.util.find_spec("pkg_resources") is not None, "install 'setuptools<81'"
