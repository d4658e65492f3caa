# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the id_reader tests (imported by file name; no package needed)."""
import datetime as dt
import threading

from drivers.id_reader.card import CardType, IdCard
from drivers.id_reader.textblock import encode_text_block

from waiting import wait_recorded

# Answer budgets (s) that a good answer meets even on a loaded machine: an answer that misses
# its budget costs a retry, and a test that counts retries would fail by timing luck. A test
# whose fault needs a budget to run out shortens only that one (quick()).
BUDGETS = {"find": 1.0, "select": 1.0, "read": 2.0, "read_fp": 2.0, "address": 1.0, "sam": 1.0}
FAST = dict(poll_interval=0.03, removal_hold=0.08, plug_hold=0.08, timeouts=BUDGETS)


def quick(*names: str, seconds: float = 0.25) -> dict:
    """The budgets with ``names`` cut to ``seconds``: for a test whose fault is a missed budget."""
    return {**BUDGETS, **{n: seconds for n in names}}


def spec_card() -> IdCard:
    """The fictitious person of spec 5.9 (张三, 110101199001010015)."""
    return IdCard(CardType.RESIDENT, "张三", "1", dt.date(1990, 1, 1), "110101199001010015",
                  dt.date(2020, 1, 1), dt.date(2030, 1, 1), nation_code="01",
                  address="北京市东城区测试路1号", authority="北京市公安局东城分局")


def spec_text_block() -> bytes:
    return encode_text_block(spec_card())


class EventLog:
    """Collects DeviceEvents; ``wait(kind)`` blocks until one arrives (polling, no fixed sleeps)."""

    def __init__(self):
        self.events = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self):
        return [e.kind for e in self.events]

    def wait(self, predicate, timeout=3.0):
        if isinstance(predicate, str):
            kind = predicate
            predicate = lambda e: e.kind == kind  # noqa: E731
        return wait_recorded(self._cond, lambda: self.events, predicate, timeout, lambda: str(self.kinds()))

    def wait_state(self, state, timeout=3.0):
        return self.wait(lambda e: e.kind == "state_changed" and e.data["state"] is state, timeout)

    def clear(self):
        with self._cond:
            self.events.clear()
