# SPDX-License-Identifier: Apache-2.0
"""Waiting in tests for something another thread records (device events, service states)."""
from __future__ import annotations

import threading
import time
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


def wait_recorded(cond: threading.Condition, items: Callable[[], Sequence[T]], predicate: Callable[[T], bool],
                  timeout: float, describe: Callable[[], str]) -> T:
    """The first recorded item that ``predicate`` accepts; waits on ``cond`` up to ``timeout`` s.

    The recorder appends under ``cond`` and calls ``notify_all``. Fails with
    ``describe()`` (what was recorded instead) when the time runs out.
    """
    deadline = time.monotonic() + timeout
    with cond:
        while True:
            for item in items():
                if predicate(item):
                    return item
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"nothing matching within {timeout} s; got {describe()}")
            cond.wait(left)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, poll: float = 0.01) -> None:
    """Polls ``predicate`` until it holds; fails naming ``what`` after ``timeout`` s (a generous bound,
    never the expected duration)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(poll)
