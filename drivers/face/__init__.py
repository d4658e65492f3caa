# SPDX-License-Identifier: Apache-2.0
"""1:1 face verification (ID-card photo vs live camera) with a head-turn liveness check.

Public API: :class:`FaceVerifier` (a device), :class:`FaceConfig`,
:class:`FaceResult`, :class:`FaceCheck` and the ``FACE_*``/``HINT_*`` codes.
Importing this package loads no model and does no I/O.
"""
from drivers.face.interface import *  # noqa: F401,F403
from drivers.face.interface import FaceConfig, FaceEngine, FaceResult
from drivers.face.verifier import FaceCheck, FaceVerifier

__all__ = ["FaceCheck", "FaceConfig", "FaceEngine", "FaceResult", "FaceVerifier"]
