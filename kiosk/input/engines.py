# SPDX-License-Identifier: Apache-2.0
"""The input-method engines, loaded once per process in the background.

The 拼音 lexicon takes about 0.6 s to load (its 联想 table 0.3 s more): the keyboard must not
freeze while it loads. :func:`shared` returns the one :class:`Engines` of the process; its first
:meth:`Engines.start` loads it in a thread. Until then (or when it cannot load) the keyboard still
types letters, and says so.

The 手写 model maps 26 MB that stay resident while it is open (issue 18), and most citizens never
write: it opens when a keyboard turns to 手写 (:meth:`Engines.open_handwriting`, in a thread,
about 0.1 s) and closes at the session's end (:meth:`Engines.close_handwriting`).
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Engines:
    """``pinyin`` and ``handwriting`` are None until loaded; ``problems`` says what could not load."""

    def __init__(self):
        self.pinyin = None
        self._handwriting = None
        self.problems: dict[str, str] = {}
        self._lock = threading.Lock()
        self._handwriting_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()
        self.settled = threading.Event()        # no re-ranking under way (candidates stay put)
        self.settled.set()
        self._hall_key = None

    def prefer(self, key, texts) -> None:
        """The hall's words first in 拼音 (PinyinEngine.prefer), once per catalogue ``key``, in a
        thread; ``texts()`` gives the item names and keywords."""
        with self._lock:
            if key == self._hall_key:
                return
            self._hall_key = key
            self.settled.clear()

        def run() -> None:
            try:
                self.ready.wait()
                if self.pinyin is not None:
                    self.pinyin.prefer(texts())
            except Exception:       # noqa: BLE001 - a failed re-ranking leaves the plain order
                log.exception("拼音: the hall's words could not be preferred")
            finally:
                self.settled.set()
        threading.Thread(target=run, name="ime-hall-words", daemon=True).start()

    def start(self) -> "Engines":
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._load, name="ime-engines", daemon=True)
                self._thread.start()
        return self

    @property
    def handwriting(self):
        """The 手写 recognizer, opened here if it is not (waiting for an opening under way);
        None when it cannot open (``problems`` says why, and it is not tried again)."""
        with self._handwriting_lock:
            if self._handwriting is None and "handwriting" not in self.problems:
                from .handwriting import HandwritingUnavailable, Recognizer
                try:
                    self._handwriting = Recognizer()
                except HandwritingUnavailable as exc:
                    self.problems["handwriting"] = str(exc)
                    log.warning("手写 unavailable: %s", exc)
            return self._handwriting

    def open_handwriting(self) -> None:
        """Opens the recognizer in a thread, so the first stroke finds it open."""
        if self._handwriting is None:
            threading.Thread(target=lambda: self.handwriting, name="ime-handwriting", daemon=True).start()

    def close_handwriting(self) -> None:
        """Unmaps the model (the session ended); the next 手写 opens it again."""
        with self._handwriting_lock:
            recognizer, self._handwriting = self._handwriting, None
        if recognizer is not None:
            recognizer.close()

    def _load(self) -> None:
        try:
            from .pinyin import PinyinEngine
            try:
                engine = PinyinEngine()
                engine.following("")            # builds the 联想 table now, not on the first commit
                self.pinyin = engine
            except (OSError, ValueError) as exc:
                self.problems["pinyin"] = str(exc)
                log.warning("拼音 unavailable: %s", exc)
        finally:
            self.ready.set()


_shared: Engines | None = None
_shared_lock = threading.Lock()


def shared() -> Engines:
    """The process's engines (loading starts on the first call)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Engines()
    return _shared.start()
