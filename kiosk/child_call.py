# SPDX-License-Identifier: Apache-2.0
"""One request to a fresh ``python -m <module>`` child process: JSON in on stdin, JSON out.

For the work whose libraries the kiosk must not hold all day (issue 18): pypinyin's phrase tables
(:mod:`kiosk.pinyin_keys`) and jieba's dictionary (:mod:`kiosk.words`) load in the child, which
ends when its answer is written. If the child cannot run, the work is done in this process and the
log says so: the kiosk still answers, it only costs the memory.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Callable

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 300


def ask(module: str, request: dict, in_process: Callable[[dict], dict]) -> dict:
    """``request`` answered by ``python -m module`` (see :func:`serve`), or by ``in_process``."""
    try:
        done = subprocess.run([sys.executable, "-m", module], input=json.dumps(request).encode(),
                              capture_output=True, check=True, timeout=TIMEOUT_SECONDS)
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        log.warning("%s child process failed (%s): computing in the kiosk process", module, exc)
        return in_process(request)


def serve(handler: Callable[[dict], dict]) -> None:
    """The child's side: one request from stdin, its answer to stdout."""
    sys.stdout.write(json.dumps(handler(json.loads(sys.stdin.read())), ensure_ascii=False))
