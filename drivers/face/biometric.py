# SPDX-License-Identifier: Apache-2.0
"""In-memory holder for biometric data (encodings, frames) with an explicit wipe.

Nothing in ``drivers/face`` writes images or encodings to disk or to logs; they
live only in :class:`BiometricStore` objects that the session wipes at its end.
``wipe()`` zeroes every array in place (so other references see zeros too)
and drops the references. Copies made inside dlib/OpenCV are temporaries
that Python frees; they are not zeroed (Python cannot reach them).
"""
from __future__ import annotations

import threading

import numpy as np


class BiometricStore:
    """Named numpy arrays; ``repr`` never shows contents."""

    def __init__(self) -> None:
        self._items: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.wiped = False

    def put(self, key: str, array: np.ndarray, copy: bool = False) -> np.ndarray:
        """Hold ``array`` under ``key``, zeroing whatever was held there before.

        Without ``copy`` the store *adopts* the caller's array: it is zeroed in
        place by :meth:`wipe` or when the key is replaced, so the caller must
        not use it afterwards (camera frames and fresh encodings are adopted).
        """
        owned = np.array(array, copy=True) if copy or not array.flags.writeable else array
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None and old is not owned:
                old.fill(0)
            self._items[key] = owned
            self.wiped = False
        return owned

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            return self._items.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def wipe(self) -> None:
        """Zero every held array and forget it. Idempotent; any thread."""
        with self._lock:
            for array in self._items.values():
                if array.flags.writeable:
                    array.fill(0)
            self._items.clear()
            self.wiped = True

    def __repr__(self) -> str:
        return f"<BiometricStore {len(self._items)} item(s){' wiped' if self.wiped else ''}>"

    def __del__(self) -> None:  # last resort; sessions call wipe() explicitly
        try:
            self.wipe()
        except Exception:
            pass
