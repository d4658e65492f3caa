# SPDX-License-Identifier: Apache-2.0
"""手写: one handwritten character → ranked candidates, with zinnia and Debian's Simplified Chinese model.

A thin ctypes binding to ``libzinnia.so.0`` (Debian ``libzinnia0``) and the model of Debian's
``tegaki-zinnia-simplified-chinese`` (``/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model``).
No Kivy: the writing pad (screens) hands over strokes as lists of (x, y) points in its own
coordinates, top-left origin, and shows what :meth:`Recognizer.classify` returns.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
from pathlib import Path
from typing import Sequence

MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
LIBRARY = "libzinnia.so.0"

Stroke = Sequence[tuple[float, float]]


class HandwritingUnavailable(RuntimeError):
    """The library or the model is missing or unreadable; the keyboard offers 拼音 instead."""


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    vp, sz, ci = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    sigs = {
        "zinnia_recognizer_new": ([], vp), "zinnia_recognizer_destroy": ([vp], None),
        "zinnia_recognizer_open": ([vp, ctypes.c_char_p], ci), "zinnia_recognizer_strerror": ([vp], ctypes.c_char_p),
        "zinnia_recognizer_classify": ([vp, vp, sz], vp),
        "zinnia_character_new": ([], vp), "zinnia_character_destroy": ([vp], None),
        "zinnia_character_clear": ([vp], None),
        "zinnia_character_set_width": ([vp, sz], None), "zinnia_character_set_height": ([vp, sz], None),
        "zinnia_character_add": ([vp, sz, ci, ci], ci),
        "zinnia_result_value": ([vp, sz], ctypes.c_char_p), "zinnia_result_score": ([vp, sz], ctypes.c_float),
        "zinnia_result_size": ([vp], sz), "zinnia_result_destroy": ([vp], None),
    }
    for name, (args, res) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    return lib


class Recognizer:
    """``Recognizer().classify(strokes, width, height, n=10)`` → [(character, score), ...], best first.

    Opening maps the 26 MB model (about 0.1 s); classify takes a few ms. Thread-safe (one lock).
    Raises :class:`HandwritingUnavailable` when the library or the model cannot be loaded.
    """

    def __init__(self, model: str | Path = MODEL, library: str = LIBRARY):
        try:
            self._lib = _bind(ctypes.CDLL(library))
        except OSError as exc:
            raise HandwritingUnavailable(f"{library}: {exc} (Debian package libzinnia0)") from None
        if not Path(model).is_file():
            raise HandwritingUnavailable(f"{model}: no such model (Debian package tegaki-zinnia-simplified-chinese)")
        self._rec = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._rec, str(model).encode()):
            why = (self._lib.zinnia_recognizer_strerror(self._rec) or b"").decode(errors="replace")
            self._lib.zinnia_recognizer_destroy(self._rec)
            self._rec = None
            raise HandwritingUnavailable(f"{model}: {why}")
        self._lock = threading.Lock()

    def classify(self, strokes: Sequence[Stroke], width: float, height: float, n: int = 10) -> list[tuple[str, float]]:
        """Candidates for the character drawn as ``strokes`` on a ``width`` × ``height`` pad."""
        strokes = [s for s in strokes if len(s) >= 1]
        if not strokes or width <= 0 or height <= 0 or self._rec is None:
            return []
        with self._lock:
            char = self._lib.zinnia_character_new()
            try:
                self._lib.zinnia_character_set_width(char, int(width))
                self._lib.zinnia_character_set_height(char, int(height))
                for sid, stroke in enumerate(strokes):
                    for x, y in stroke:
                        xi = min(max(int(x), 0), int(width))
                        yi = min(max(int(y), 0), int(height))
                        self._lib.zinnia_character_add(char, sid, xi, yi)
                result = self._lib.zinnia_recognizer_classify(self._rec, char, max(1, n))
                if not result:
                    return []
                try:
                    return [((self._lib.zinnia_result_value(result, i) or b"").decode("utf-8", "replace"),
                             float(self._lib.zinnia_result_score(result, i)))
                            for i in range(self._lib.zinnia_result_size(result))]
                finally:
                    self._lib.zinnia_result_destroy(result)
            finally:
                self._lib.zinnia_character_destroy(char)

    def close(self) -> None:
        if getattr(self, "_rec", None):
            self._lib.zinnia_recognizer_destroy(self._rec)
            self._rec = None

    def __del__(self) -> None:
        self.close()
