# SPDX-License-Identifier: Apache-2.0
"""Process-level protection of citizens' data: no core dumps of a kiosk process.

A crash must not write the card, the photo or a face frame into a core file
(``core_pattern = core`` writes it into the working directory). Called first
thing by each kiosk process; the systemd units also set ``LimitCORE=0``.
See ``docs/privacy.md``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource

log = logging.getLogger(__name__)
PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3


def no_core_dumps() -> dict[str, object]:
    """RLIMIT_CORE = 0 (soft and hard, also for children) and PR_SET_DUMPABLE 0 (no core, and
    /proc/PID/mem and ptrace only for CAP_SYS_PTRACE). Never raises; returns what was set."""
    done: dict[str, object] = {}
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        done["rlimit_core"] = resource.getrlimit(resource.RLIMIT_CORE)
    except (ValueError, OSError) as exc:
        log.warning("could not turn core dumps off (RLIMIT_CORE): %s", exc)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0)")
        done["dumpable"] = libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError) as exc:
        log.warning("could not mark the process non-dumpable: %s", exc)
    return done
