# SPDX-License-Identifier: Apache-2.0
"""What a polling reader has told about the card on it: whether polling is on, the "fresh"
check (a card found by the first probe after polling was turned on was lying there before:
``card_lying``, never read), a card handled and not yet lifted (its removal debounced), and
a failed read reported once per placement; and the supervising thread's rounds.
Pure bookkeeping, no I/O."""
from __future__ import annotations

import threading

from drivers.base import Debouncer


class Placement:
    def __init__(self, removal_hold: float) -> None:
        self.removal_hold = removal_hold
        self.polling = False
        self.fresh = False           # polling just started: a card found now was lying there before
        self.fresh_done = threading.Event()
        self.card_on = False         # a card was handled and has not been removed
        self.failed = False          # card_read_failed already reported for this placement
        self._removal = Debouncer(removal_hold)

    def set_polling(self, on: bool) -> None:
        """Turning polling on arms the fresh check."""
        if on and not self.polling:
            self.fresh_done.clear()
            self.fresh = True
        self.polling = on

    def lying(self, present: bool) -> bool:
        """After a probe: True when the card is one that lay there before polling began
        (it counts as handled from now on)."""
        fresh, self.fresh = self.fresh, False
        self.fresh_done.set()
        if fresh and present and not self.card_on:
            self.mark_on()
            return True
        return False

    def removed(self, present: bool) -> bool:
        """With a card on: True when it has been gone for ``removal_hold`` seconds."""
        if self._removal.feed(present) is False:
            self.card_on = False
            return True
        return False

    def lift(self) -> bool:
        """The reader went away: True when a card was on it (it counts as removed)."""
        was_on, self.card_on = self.card_on, False
        return was_on

    def mark_on(self) -> None:
        self.card_on = True
        self._removal = Debouncer(self.removal_hold)
        self._removal.stable = True


class Rounds:
    """How many rounds the reader's supervising thread has begun. :meth:`wait` ``(n)`` blocks
    until it has begun ``n`` more, so ``n - 1`` whole rounds ran after the call: for tests and
    benches, "nothing happened in two polls" is then a fact, not a guess about time."""

    def __init__(self) -> None:
        self.count = 0
        self._cond = threading.Condition()

    def tick(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def wait(self, n: int, timeout: float = 5.0) -> bool:
        """False when the thread did not get round ``n`` more times within ``timeout`` s."""
        with self._cond:
            target = self.count + n
            return self._cond.wait_for(lambda: self.count >= target, timeout)
