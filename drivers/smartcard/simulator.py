# SPDX-License-Identifier: Apache-2.0
"""``sim://``: an in-process stand-in for pcscd, a reader and cards, scriptable from tests and demos.

:class:`SimulatedPcsc` offers the same functions as the pyscard layer
(:class:`~drivers.smartcard.pcsc_backend.ScardLayer`), with pcsc-lite's result
codes and state bits, so the real monitor loop runs on it unchanged.  Script it
with :meth:`insert_card`, :meth:`remove_card`, :meth:`unplug`, :meth:`plug`,
:meth:`stop_service`, :meth:`start_service` and :meth:`restart_service`.
:class:`SimCard` answers APDUs; the vpcd test card reuses it.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

from . import apdu, ssc
from . import errors as X

OK = X.SCARD_S_SUCCESS
SW_OK = b"\x90\x00"
# A PC/SC Part 3 ATR for a contactless MIFARE Classic 1K (what a PC/SC reader reports for a badge)
ATR_MIFARE_1K = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
ATR_CPU = bytes.fromhex("3B6800008073C84000009000")         # a T=0 processor card
ATR_SSC = bytes.fromhex("3B6C00005353432D44454D4F2D303030")  # a T=0 card, historical "SSC-DEMO-000" (made up)


@dataclass
class SimCard:
    """A card: ATR, optional UID (answer to FF CA), optional SSC card number (SSSE/EF05 item 07)."""
    atr: bytes
    uid: bytes | None = None
    ssc_number: str | None = None
    mute: bool = False
    ef05_locked: bool = False       # SSSE present but EF05 needs keys (answers 6982)

    def respond(self, command: bytes, selected: dict) -> bytes:
        """The R-APDU for ``command``; ``selected`` keeps the card's selection between calls."""
        cmd = bytes(command)
        if cmd[:4] == apdu.GET_UID[:4]:
            if self.uid is None:
                return b"\x6a\x81"
            le = cmd[4] if len(cmd) > 4 else 0
            if le and le != len(self.uid):
                return bytes([0x6C, len(self.uid)])
            return self.uid + SW_OK
        if cmd[:4] == b"\x00\xa4\x04\x00" and len(cmd) >= 5:
            found = self.ssc_number is not None and cmd[5:5 + cmd[4]] == ssc.SSSE_AID
            selected["df"] = "ssse" if found else None
            return SW_OK if found else b"\x6a\x82"
        if cmd[:4] == b"\x00\xa4\x02\x00" and cmd[5:7] == b"\xef\x05" and selected.get("df") == "ssse":
            selected["ef"] = 0xEF05
            return SW_OK
        if cmd[:2] == b"\x00\xb2" and selected.get("ef") == 0xEF05 and len(cmd) >= 4:
            if self.ef05_locked:
                return b"\x69\x82"
            if cmd[2] != ssc.ITEM_CARD_NUMBER:
                return b"\x6a\x83"
            value = (self.ssc_number or "").encode("ascii")
            return bytes([ssc.ITEM_CARD_NUMBER, len(value)]) + value + SW_OK
        if cmd[:2] in (b"\x00\xa4",):
            return b"\x6a\x82"
        return b"\x6d\x00"


def profile(name: str) -> SimCard:
    """Fictitious demo cards: ``badge`` (a MIFARE staff badge), ``ssc`` (社会保障卡), ``cpu``, ``mute``."""
    cards = {
        "badge": lambda: SimCard(ATR_MIFARE_1K, uid=bytes.fromhex("04A1B2C3D4")),
        "mifare": lambda: SimCard(ATR_MIFARE_1K, uid=bytes.fromhex("0455667788")),
        "ssc": lambda: SimCard(ATR_SSC, uid=bytes.fromhex("11223344"), ssc_number="D00000017"),
        "cpu": lambda: SimCard(ATR_CPU),
        "mute": lambda: SimCard(ATR_CPU, mute=True),
    }
    if name not in cards:
        raise KeyError(f"no simulated card {name!r}; known: {', '.join(cards)}")
    return cards[name]()


class SimulatedPcsc:
    """pcscd + readers + cards in memory.  Thread-safe; every method returns pcsc-lite result codes."""

    def __init__(self, readers: tuple[str, ...] = ("Simulated PCD 00 00",)):
        self._cond = threading.Condition()
        self._readers: dict[str, SimCard | None] = {r: None for r in readers}
        self._counter: dict[str, int] = {r: 0 for r in readers}   # insert/remove events, like pcsc-lite
        self._pnp = 0
        self._up = True
        self._generation = 0
        self._ids = itertools.count(1)
        self._contexts: dict[int, int] = {}
        self._cancelled: set[int] = set()
        self._handles: dict[int, tuple[str, int, dict]] = {}
        self.commands: list[bytes] = []                    # every C-APDU, for tests

    # -- scripting -------------------------------------------------------------
    def insert_card(self, card: SimCard | str, reader: str | None = None) -> None:
        self._change(reader, profile(card) if isinstance(card, str) else card)

    def remove_card(self, reader: str | None = None) -> None:
        self._change(reader, None)

    def unplug(self, reader: str | None = None) -> None:
        with self._cond:
            name = reader or next(iter(self._readers))
            self._readers.pop(name, None)
            self._pnp += 1
            self._cond.notify_all()

    def plug(self, reader: str = "Simulated PCD 00 00") -> None:
        with self._cond:
            self._readers.setdefault(reader, None)
            self._counter.setdefault(reader, 0)
            self._pnp += 1
            self._cond.notify_all()

    def stop_service(self) -> None:
        """pcscd dies: every context becomes invalid; cards lose power."""
        with self._cond:
            self._up = False
            self._generation += 1
            self._handles.clear()
            self._cond.notify_all()

    def start_service(self) -> None:
        with self._cond:
            self._up = True
            self._cond.notify_all()

    def restart_service(self, down_for: float = 0.0) -> None:
        self.stop_service()
        if down_for:
            time.sleep(down_for)
        self.start_service()

    def _change(self, reader: str | None, card: SimCard | None) -> None:
        with self._cond:
            name = reader or next(iter(self._readers))
            self._readers[name] = card
            self._counter[name] = self._counter.get(name, 0) + 1
            self._cond.notify_all()

    # -- the PC/SC layer ---------------------------------------------------------
    def _bad(self, ctx) -> int:
        if not self._up:
            return X.SCARD_E_NO_SERVICE
        return OK if self._contexts.get(ctx) == self._generation else X.SCARD_E_INVALID_HANDLE

    def establish(self):
        with self._cond:
            if not self._up:
                return X.SCARD_E_NO_SERVICE, None
            ctx = next(self._ids)
            self._contexts[ctx] = self._generation
            return OK, ctx

    def release(self, ctx) -> int:
        with self._cond:
            return OK if self._contexts.pop(ctx, None) is not None else X.SCARD_E_INVALID_HANDLE

    def list_readers(self, ctx):
        with self._cond:
            hr = self._bad(ctx)
            if hr == OK and not self._readers:
                hr = X.SCARD_E_NO_READERS_AVAILABLE
            return hr, (list(self._readers) if hr == OK else [])

    def cancel(self, ctx) -> int:
        with self._cond:
            self._cancelled.add(ctx)
            self._cond.notify_all()
            return OK

    def _state(self, name: str) -> tuple[int, bytes]:
        if name == X.PNP_READER:
            return self._pnp << 16, b""
        if name not in self._readers:
            return X.STATE_UNKNOWN, b""
        card = self._readers[name]
        bits = X.STATE_EMPTY if card is None else X.STATE_PRESENT | (X.STATE_MUTE if card.mute else 0)
        return (self._counter[name] << 16) | bits, (card.atr if card is not None else b"")

    def get_status_change(self, ctx, timeout_ms: int, states):
        deadline = time.monotonic() + timeout_ms / 1000
        with self._cond:
            while True:
                hr = self._bad(ctx)
                if ctx in self._cancelled:
                    self._cancelled.discard(ctx)
                    hr = X.SCARD_E_CANCELLED
                if hr != OK:
                    return hr, []
                out = [(n, *self._state(n)) for n, _ in states]
                if any(new != (old & ~X.STATE_CHANGED) for (_, old), (_, new, _) in zip(states, out)):
                    return OK, [(n, s | X.STATE_CHANGED, a) for n, s, a in out]
                left = deadline - time.monotonic()
                if left <= 0:
                    return X.SCARD_E_TIMEOUT, []
                self._cond.wait(left)

    def connect(self, ctx, reader: str):
        with self._cond:
            hr = self._bad(ctx)
            if hr != OK:
                return hr, None, 0
            if reader not in self._readers:
                return X.SCARD_E_UNKNOWN_READER, None, 0
            card = self._readers[reader]
            if card is None:
                return X.SCARD_E_NO_SMARTCARD, None, 0
            if card.mute:
                return X.SCARD_W_UNRESPONSIVE_CARD, None, 0
            handle = next(self._ids)
            self._handles[handle] = (reader, self._counter[reader], {})
            return OK, handle, 1

    def transmit(self, handle, proto, command: bytes):
        with self._cond:
            if not self._up:
                return X.SCARD_E_NO_SERVICE, b""
            if handle not in self._handles:
                return X.SCARD_E_INVALID_HANDLE, b""
            reader, count, selected = self._handles[handle]
            card = self._readers.get(reader)
            if card is None or self._counter.get(reader) != count:
                return X.SCARD_W_REMOVED_CARD, b""
            self.commands.append(bytes(command))
            return OK, card.respond(bytes(command), selected)

    def status(self, handle):
        with self._cond:
            if handle not in self._handles:
                return X.SCARD_E_INVALID_HANDLE, b""
            card = self._readers.get(self._handles[handle][0])
            return (OK, card.atr) if card is not None else (X.SCARD_W_REMOVED_CARD, b"")

    def disconnect(self, handle) -> int:
        with self._cond:
            return OK if self._handles.pop(handle, None) is not None else X.SCARD_E_INVALID_HANDLE
