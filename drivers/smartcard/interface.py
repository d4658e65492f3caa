# SPDX-License-Identifier: Apache-2.0
"""The PC/SC smart-card reader as the kiosk sees it (kind ``"smartcard"``).

Events (``DeviceEvent.kind`` → ``data``), delivered on the driver's monitor thread:

* ``state_changed`` → ``{"state": DeviceState, "error": DeviceError | None}`` (from :class:`Device`);
  READY when the reader is there, ABSENT with SC_READER_ABSENT / SC_NO_SERVICE when the
  reader or pcscd is gone (debounced; a quick pcscd restart does not flicker), FAULT for
  configuration problems.
* ``card_inserted`` → ``{"card": SmartCard}`` — a card arrived and was read (ATR, UID, SSC number)
* ``card_read_failed`` → ``{"error": DeviceError, "atr": bytes}`` — a card is there but could not be read
* ``card_removed`` → ``{"reason": "removed" | "reader_lost"}`` — the card left, or the reader/pcscd
  went away while it was in (it is reported again as inserted when seen again)
"""
from __future__ import annotations

import abc
import threading
from typing import Any

from drivers.base import Device, DeviceError, FaultedDevice

from . import errors as X
from .card import BadgeRule, SmartCard, match_badge


class SmartCardReader(Device, abc.ABC):
    kind = "smartcard"

    def __init__(self, name: str, badges: tuple[BadgeRule, ...] = ()):
        super().__init__(name)
        self.badges = badges
        self._card: SmartCard | None = None
        self._card_cond = threading.Condition()

    @abc.abstractmethod
    def open(self) -> None:
        """Start monitoring the reader.  Any thread; returns within ~1 s with the first state known.

        Never raises for a missing reader or pcscd: the state says ABSENT and the
        monitor keeps retrying.  Raises DeviceError(SC_BACKEND_START) if it cannot start at all.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Stop monitoring and release the PC/SC context.  Idempotent; any thread except a listener."""

    @property
    def current_card(self) -> SmartCard | None:
        """The card in the reader now (already read), or None."""
        return self._card

    def wait_for_card(self, timeout: float = 10.0) -> SmartCard:
        """Block up to ``timeout`` s until a card is in and read; returns it.

        Worker thread only.  Raises DeviceError SC_NO_CARD on timeout, SC_CLOSED if closed.
        """
        with self._card_cond:
            if not self._card_cond.wait_for(lambda: self._card is not None or self._closed(), timeout):
                raise DeviceError(X.SC_NO_CARD, f"{timeout:.1f} s")
            if self._card is None:
                raise DeviceError(X.SC_CLOSED)
            return self._card

    def is_staff_badge(self, card: SmartCard | None) -> str | None:
        """The staff id if ``card`` matches the configured ``staff_badges`` (by UID or ATR), else None.

        Pure and fast; any thread.
        """
        if card is None:
            return None
        return match_badge(self.badges, card.atr, card.uid)

    def capabilities(self) -> dict[str, Any]:
        return {"reads": ["atr", "uid", "ssc_card_number"], "staff_badges": len(self.badges)}

    # -- for backends --------------------------------------------------------
    def _closed(self) -> bool:
        return False

    def _set_card(self, card: SmartCard | None) -> None:
        with self._card_cond:
            self._card = card
            self._card_cond.notify_all()


class FaultedSmartCardReader(FaultedDevice, SmartCardReader):
    """What :func:`open_smartcard` returns when no backend could be built or started: FAULT, with why."""

    def wait_for_card(self, timeout: float = 10.0) -> SmartCard:
        raise self.reason
