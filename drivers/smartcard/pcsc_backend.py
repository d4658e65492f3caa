# SPDX-License-Identifier: Apache-2.0
"""The PC/SC backend: a monitor thread over ``SCardGetStatusChange`` (pyscard's ``smartcard.scard``).

The monitor loop is written against a small *layer* (establish, list, wait,
connect, transmit ...): :class:`ScardLayer` is pyscard, and the simulator
provides the same functions in-process, so ``sim://`` runs this very loop.

Why our own loop rather than pyscard's CardMonitor/ReaderMonitor: those are
process-wide singletons whose context dies with pcscd and is never rebuilt.
Here a dead context (SCARD_E_NO_SERVICE / INVALID_HANDLE after a pcscd restart)
is released and re-established while the kiosk keeps running.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from drivers.base import Debouncer, DeviceError, DeviceState, ErrorCode

from . import apdu, ssc
from . import errors as X
from .card import BadgeRule, CardKind, SmartCard, match_badge
from .interface import SmartCardReader

try:  # the vendor library is imported only here, guarded (house style)
    from smartcard import scard as _scard
except ImportError:  # pragma: no cover - exercised via is_available()
    _scard = None

log = logging.getLogger(__name__)
OK = X.SCARD_S_SUCCESS


def is_available() -> bool:
    return _scard is not None


def _u(hr: int) -> int:
    return hr & 0xFFFFFFFF


class ScardLayer:
    """pyscard's ``smartcard.scard`` with unsigned result codes and bytes for data."""

    def establish(self):
        hr, ctx = _scard.SCardEstablishContext(_scard.SCARD_SCOPE_USER)
        return _u(hr), ctx

    def release(self, ctx) -> int:
        return _u(_scard.SCardReleaseContext(ctx))

    def list_readers(self, ctx):
        hr, names = _scard.SCardListReaders(ctx, [])
        return _u(hr), list(names or [])

    def get_status_change(self, ctx, timeout_ms: int, states):
        hr, out = _scard.SCardGetStatusChange(ctx, timeout_ms, list(states))
        return _u(hr), [(n, s, bytes(a)) for n, s, a in (out or [])]

    def cancel(self, ctx) -> int:
        return _u(_scard.SCardCancel(ctx))

    def connect(self, ctx, reader: str):
        hr, handle, proto = _scard.SCardConnect(ctx, reader, _scard.SCARD_SHARE_SHARED,
                                                 _scard.SCARD_PROTOCOL_T0 | _scard.SCARD_PROTOCOL_T1)
        return _u(hr), handle, proto

    def transmit(self, handle, proto, command: bytes):
        hr, resp = _scard.SCardTransmit(handle, proto, list(command))
        return _u(hr), bytes(resp or [])

    def status(self, handle):
        hr, _reader, _state, _proto, atr = _scard.SCardStatus(handle)
        return _u(hr), bytes(atr or [])

    def disconnect(self, handle) -> int:
        return _u(_scard.SCardDisconnect(handle, _scard.SCARD_LEAVE_CARD))


def pick_reader(names: list[str], spec: str) -> str | None:
    """``spec`` "" → the first reader; else the exact name, else the first name starting with it."""
    names = [n for n in names if n != X.PNP_READER]
    if not spec:
        return names[0] if names else None
    if spec in names:
        return spec
    return next((n for n in names if n.startswith(spec)), None)


class PcscSmartCardReader(SmartCardReader):
    """``pcsc://READER`` — see :mod:`drivers.smartcard.interface` for the events.

    ``poll`` bounds each wait (s), ``plug_hold`` debounces reader/pcscd presence (s),
    ``retry`` paces re-establishing a context (s), ``read_ssc`` tries the SSSE read.
    """

    simulator: Any = None   # the sim:// backend's simulator, for scripting it (set by build())

    def __init__(self, name: str, reader: str = "", *, layer=None, badges: tuple[BadgeRule, ...] = (),
                 poll: float = 0.25, plug_hold: float = 0.5, retry: float = 0.5, read_ssc: bool = True,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(name, badges)
        self.reader_spec = reader
        self.layer = layer if layer is not None else ScardLayer()
        self.poll, self.retry, self.read_ssc = poll, retry, read_ssc
        self._plug = Debouncer(plug_hold, clock)
        self._ctx = None
        self._reader: str | None = None
        self._ev = X.STATE_UNAWARE
        self._pnp = X.STATE_UNAWARE
        self._card_present = False
        self._stop = threading.Event()
        self._first = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_close: Callable[[], None] | None = None

    # -- lifecycle ------------------------------------------------------------
    def open(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._first.clear()
        self._set_state(DeviceState.CONNECTING)
        self._thread = threading.Thread(target=self._run, name=f"smartcard-{self.name}", daemon=True)
        self._thread.start()
        self._first.wait(2.0)

    def close(self) -> None:
        self._stop.set()
        ctx = self._ctx
        if ctx is not None:
            self.layer.cancel(ctx)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self._thread = None
        self._drop_context()
        self._set_card(None)
        self._set_state(DeviceState.ABSENT)         # closed on purpose: no error, no warning
        if self.on_close is not None:
            self.on_close()

    def _closed(self) -> bool:
        return self._stop.is_set()

    # -- monitor loop ---------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # the monitor must survive anything the layer throws
                log.exception("%s: monitor step failed; re-establishing the context", self.name)
                self._drop_context()
                self._stop.wait(self.retry)

    def _step(self) -> None:
        if self._ctx is None:
            hr, ctx = self.layer.establish()
            if hr != OK:
                self._observe_reader(None, X.SC_NO_SERVICE, X.hresult_text(hr))
                self._stop.wait(self.retry)
                return
            self._ctx = ctx
            log.info("%s: PC/SC context established", self.name)
        hr, names = self.layer.list_readers(self._ctx)
        if hr in X.CONTEXT_LOST:
            return self._context_lost(hr)
        reader = pick_reader(names if hr == OK else [], self.reader_spec)
        if reader is None:
            self._observe_reader(None, X.SC_READER_ABSENT, f"wanted {self.reader_spec or 'any reader'!r}")
            return self._wait_for_readers()
        if reader != self._reader:
            self._reader, self._ev = reader, X.STATE_UNAWARE
        self._observe_reader(reader)
        hr, states = self.layer.get_status_change(self._ctx, int(self.poll * 1000), [(reader, self._ev)])
        if hr in (X.SCARD_E_TIMEOUT, X.SCARD_E_CANCELLED):
            return
        if hr in X.CONTEXT_LOST:
            return self._context_lost(hr)
        if hr != OK or not states or states[0][1] & (X.STATE_UNKNOWN | X.STATE_UNAVAILABLE):
            self._ev = X.STATE_UNAWARE           # reader going away: the next list_readers tells
            self._stop.wait(min(self.poll, 0.05))
            return
        self._on_status(reader, states[0][1], bytes(states[0][2]))

    def _wait_for_readers(self) -> None:
        hr, states = self.layer.get_status_change(self._ctx, int(self.poll * 1000), [(X.PNP_READER, self._pnp)])
        if hr in X.CONTEXT_LOST:
            return self._context_lost(hr)
        if hr == OK and states:
            self._pnp = states[0][1] & ~X.STATE_CHANGED
        if hr != X.SCARD_E_TIMEOUT:               # no PnP support, or a change: don't spin
            self._stop.wait(min(self.poll, 0.05))

    def _on_status(self, reader: str, ev: int, atr: bytes) -> None:
        prev, self._ev = self._ev, ev & ~X.STATE_CHANGED
        present = bool(ev & X.STATE_PRESENT)
        # pcsc-lite counts insertions/removals in the high 16 bits: a quick swap shows only there
        swapped = present and self._card_present and prev >> 16 and (ev >> 16) - (prev >> 16) >= 2
        if self._card_present and (not present or swapped):
            self._card_present = False
            self._set_card(None)
            self._emit("card_removed", reason="removed")
        if present and not self._card_present:
            self._card_present = True
            self._on_insert(reader, atr, bool(ev & X.STATE_MUTE))

    def _observe_reader(self, reader: str | None, why: ErrorCode | None = None, detail: str = "") -> None:
        present = reader is not None
        if not present and self._card_present:
            self._card_present = False
            self._set_card(None)
            self._emit("card_removed", reason="reader_lost")
        if self._plug.stable is None:
            self._plug.stable, changed = present, present
        else:
            changed = self._plug.feed(present)
        if changed is True or (present and self._plug.stable and self.state is DeviceState.CONNECTING):
            log.info("%s: reader %r ready", self.name, reader)
            self._set_state(DeviceState.READY)
        elif not present and not self._plug.stable and (
                changed is False or self._error is None or self._error.error is not why):
            self._set_state(DeviceState.ABSENT, DeviceError(why, detail))
        self._first.set()

    def _context_lost(self, hr: int) -> None:
        log.warning("%s: PC/SC context lost (%s); re-establishing", self.name, X.hresult_text(hr))
        self._drop_context()
        self._observe_reader(None, X.SC_NO_SERVICE, X.hresult_text(hr))
        self._stop.wait(min(self.retry, 0.1))

    def _drop_context(self) -> None:
        ctx, self._ctx = self._ctx, None
        self._reader, self._ev, self._pnp = None, X.STATE_UNAWARE, X.STATE_UNAWARE
        if ctx is not None:
            self.layer.release(ctx)

    # -- reading a card ------------------------------------------------------
    def _on_insert(self, reader: str, atr: bytes, mute: bool) -> None:
        if mute or not atr:
            self._emit("card_read_failed", error=DeviceError(X.SC_CARD_MUTE), atr=atr)
            return
        self._set_state(DeviceState.BUSY)
        try:
            card = self._read_with_retries(reader, atr)
        except DeviceError as exc:
            if self._closed():
                return                     # closed mid-read on purpose: nothing failed
            log.warning("%s: card read failed: %s", self.name, exc)
            self._emit("card_read_failed", error=exc, atr=atr)
        else:
            log.info("%s: card inserted: %r", self.name, card)
            self._set_card(card)
            self._emit("card_inserted", card=card)
        finally:
            if self.state is DeviceState.BUSY:
                self._set_state(DeviceState.READY)

    def _read_with_retries(self, reader: str, atr: bytes, attempts: int = 4) -> SmartCard:
        """A card swapped faster than the reader polls, or one still powering up, fails its first
        transaction (SCARD_E_NOT_TRANSACTED / W_RESET_CARD) without any removal event: read again.
        (Seen with vpcd: a new card within one 400 ms presence poll keeps the old ATR in the reader
        state, hence the ATR is taken from SCardStatus on the connected card.)"""
        for attempt in range(attempts):
            try:
                return self._read_card(reader, atr)
            except DeviceError as exc:
                if exc.error not in (X.SC_CARD_IO, X.SC_CARD_REMOVED) or attempt == attempts - 1:
                    raise
            if self._stop.wait(0.25):
                raise DeviceError(X.SC_CLOSED)
            hr, states = self.layer.get_status_change(self._ctx, 0, [(reader, X.STATE_UNAWARE)])
            if hr != OK or not states or not states[0][1] & X.STATE_PRESENT:
                raise DeviceError(X.SC_CARD_REMOVED, X.hresult_text(hr))
            atr = bytes(states[0][2])
        raise DeviceError(X.SC_CARD_IO)  # not reached

    def _read_card(self, reader: str, atr: bytes) -> SmartCard:
        hr, handle, proto = self.layer.connect(self._ctx, reader)
        if hr != OK:
            raise _io_error(hr)
        try:
            hr, connected_atr = self.layer.status(handle)   # the ATR of the card we really talk to
            atr = connected_atr if hr == OK and connected_atr else atr
            tx = lambda cmd: self._transmit(handle, proto, cmd)  # noqa: E731
            try:
                info = apdu.parse_atr(atr)
            except DeviceError:
                info = None
            uid_resp = tx(apdu.GET_UID)
            uid = uid_resp.data if uid_resp.ok and uid_resp.data else None
            storage = apdu.storage_card_name(info.historical) if info else None
            kind, number = (CardKind.STORAGE if storage else CardKind.PROCESSOR if info else CardKind.UNREADABLE), None
            if kind == CardKind.PROCESSOR and self.read_ssc and ssc.has_ssse(tx):
                kind, number = CardKind.SOCIAL_SECURITY, ssc.read_card_number(tx)
        finally:
            self.layer.disconnect(handle)
        return SmartCard(reader, atr, info, uid, kind, storage, number, match_badge(self.badges, atr, uid))

    def _transmit(self, handle, proto, command: bytes) -> apdu.Response:
        """One command with the T=0 dance: 6Cxx → resend with that Le, 61xx → GET RESPONSE."""
        hr, raw = self.layer.transmit(handle, proto, command)
        if hr != OK:
            raise _io_error(hr)
        resp = apdu.interpret(raw)
        if resp.sw1 == 0x6C and len(command) == 5:
            return self._transmit(handle, proto, apdu.with_le(command, resp.sw2))
        data = resp.data
        for _ in range(16):
            if resp.sw1 != 0x61:
                break
            hr, raw = self.layer.transmit(handle, proto, apdu.get_response(resp.sw2))
            if hr != OK:
                raise _io_error(hr)
            resp = apdu.interpret(raw)
            data += resp.data
        return apdu.Response(data, resp.sw1, resp.sw2, resp.error)

    def _self_test(self) -> list[str]:
        lines = [f"{self.name}: state {self.state.value}, reader {self._reader or '-'}"]
        if self.state is DeviceState.ABSENT and self._error is not None:
            raise self._error
        return lines


def _io_error(hr: int) -> DeviceError:
    if hr in X.CARD_LOST:
        code = X.SC_CARD_REMOVED
    elif hr in (X.SCARD_W_UNRESPONSIVE_CARD, X.SCARD_W_UNPOWERED_CARD, X.SCARD_E_PROTO_MISMATCH):
        code = X.SC_CARD_MUTE
    else:
        code = X.SC_CARD_IO
    return DeviceError(code, X.hresult_text(hr), native=hr)
