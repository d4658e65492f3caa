# SPDX-License-Identifier: Apache-2.0
"""What a polling reader has told about the card on it: whether polling is on, the "fresh"
check (a card found by the first probe after polling was turned on was lying there before:
``card_lying``, never read), a card handled and not yet lifted (its removal debounced), and
a failed read reported once per placement. Pure bookkeeping, no I/O."""
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
