# SPDX-License-Identifier: Apache-2.0
"""Giving memory back between citizens (issue 18, docs/memory.md).

What a session allocates (label textures, search answers, the keyboard's glyphs) is freed when it
ends, but glibc's malloc keeps freed memory in its heap for the next allocation: over a day that
free memory, scattered between live blocks, is what made the kiosk's resident size grow
(bench/bench_soak.py: the heap's free bytes grew, Python's objects and malloc's live bytes did not).

:func:`release` runs once per session end, after the wipe (with the UI, once the UI has let go of
the citizen's screens): a garbage collection (so widgets in reference cycles die now, with their
textures), the native frees the UI registered (the GL deletes Kivy would do at the next frame) and
then ``malloc_trim(0)``, which hands every free page of every malloc arena back to the system. It is a no-op where there is no glibc (musl, macOS)
and never raises: a kiosk that cannot trim still works, it only grows.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
from typing import Callable

log = logging.getLogger(__name__)


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim            # glibc only (AttributeError on musl)
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()
# native frees to run between the collection and the trim (the UI's deferred GL deletes: Kivy
# queues a dead texture's or buffer's GL delete for the next frame, and the GL driver frees its
# memory only then, so a trim before it left that memory in malloc's heap: 10-17 MB under llvmpipe)
_NATIVE_FREES: list[Callable[[], object]] = []


def free_natively_before_trim(fn: Callable[[], object]) -> None:
    """Registers ``fn`` to run in :func:`release` after the collection and before the trim."""
    if fn not in _NATIVE_FREES:
        _NATIVE_FREES.append(fn)


def can_trim() -> bool:
    return _TRIM is not None


def resident_kb() -> int | None:
    """This process's resident set (VmRSS) in kB, or None where /proc has no such line."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def release() -> None:
    """At a session's end: collect cycles, run the registered native frees, then return malloc's
    free pages to the system."""
    try:
        gc.collect()
        for fn in list(_NATIVE_FREES):
            fn()
        if _TRIM is None:
            return
        before = resident_kb()
        _TRIM(0)
        after = resident_kb()
        if before is not None and after is not None:
            log.debug("memory released at session end: %d kB (resident now %d kB)", before - after, after)
    except Exception:                      # never let housekeeping end a kiosk
        log.exception("could not release memory at session end")


def freeze_startup() -> None:
    """Once, when the home screen is first drawn (ehall_kiosk/main.py): what start-up built (the
    catalogue, the search index, the screens) moves to the collector's permanent generation, so the
    collection at each session's end walks only what citizens made since: about 35,000 objects
    instead of 460,000, some 10 ms of CPU instead of 120 on the soak machine (docs/memory.md).
    The price: a start-up object that later becomes cyclic garbage is never collected; start-up's
    objects live as long as the kiosk, so that is at most a one-off, never a per-citizen cost."""
    try:
        gc.collect()
        gc.freeze()
        log.debug("start-up objects frozen for the collector: %d", gc.get_freeze_count())
    except Exception:
        log.exception("could not freeze the start-up objects")
