# SPDX-License-Identifier: Apache-2.0
"""The state model every device driver shares.

One :class:`DeviceState` enum, coded :class:`DeviceError` values that carry a
severity and the action they need, capabilities kept apart from status,
events to listeners, and a self-test hook. Drivers import neither ``kiosk``
nor Kivy; listeners are called on the driver's own thread and must hand work
to their own thread themselves (the kiosk's UI bridge does).
"""
from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


class DeviceState(enum.Enum):
    ABSENT = "absent"          # configured but not found (unplugged)
    CONNECTING = "connecting"  # opening / probing
    READY = "ready"
    BUSY = "busy"              # a job or read is in progress
    DEGRADED = "degraded"      # works, with a warning (paper near end, ...)
    FAULT = "fault"            # cannot work until the error's action is taken


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    FATAL = "fatal"


class Action(enum.Enum):
    """What it takes to clear an error."""
    NONE = "none"
    RETRY = "retry"                  # try the same thing again
    USER = "user"                    # the citizen can fix it (place the card flat ...)
    STAFF = "staff"                  # hall staff can clear it (refill paper, close cover)
    MAINTENANCE = "maintenance"      # a technician is needed
    CONFIGURATION = "configuration"  # the admin's config is wrong


@dataclass(frozen=True)
class ErrorCode:
    """A stable, documented error: ``IDR_CHECKSUM``, ``PRN_NO_PAPER`` ..."""
    code: str
    severity: Severity
    action: Action
    text: str  # plain English for logs and admins; screens map ``code`` to their own words


class DeviceError(Exception):
    """An error a driver reports. ``native`` keeps the device's own code."""

    def __init__(self, error: ErrorCode, detail: str = "", native: Any = None):
        self.error = error
        self.detail = detail
        self.native = native
        super().__init__(f"{error.code}: {error.text}" + (f" ({detail})" if detail else ""))

    @property
    def code(self) -> str:
        return self.error.code


@dataclass(frozen=True)
class DeviceEvent:
    device: str         # the configured device name ("id_reader")
    kind: str           # "state_changed", "card_inserted", ...
    data: dict = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Health:
    state: DeviceState
    error: DeviceError | None = None
    detail: str = ""


@dataclass(frozen=True)
class DeviceUri:
    """A backend named in config: ``scheme://netloc/path?k=v``.

    ``serial:///dev/ttyUSB0?baud=115200``, ``tcp://127.0.0.1:9100``,
    ``pcsc://READER-NAME``, ``v4l2:///dev/video0``, ``file:///clip.mp4``, ``sim://``.
    """
    raw: str
    scheme: str
    netloc: str
    path: str
    params: dict[str, str]

    @classmethod
    def parse(cls, raw: str) -> "DeviceUri":
        parts = urlsplit(raw)
        if not parts.scheme:
            raise ValueError(f"device URI {raw!r} has no scheme (expected e.g. sim:// or serial:///dev/ttyUSB0)")
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        return cls(raw, parts.scheme, parts.netloc, parts.path, params)


Listener = Callable[[DeviceEvent], None]


class Device:
    """Base of every driver: state, last error, listeners, self-test.

    Subclasses call :meth:`_set_state` and :meth:`_emit`; they override
    :meth:`capabilities`, :meth:`_self_test` and, when they hold anything, :meth:`close`.
    """

    kind = "device"

    def __init__(self, name: str):
        self.name = name
        self._state = DeviceState.ABSENT
        self._error: DeviceError | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()

    # -- status ---------------------------------------------------------
    @property
    def state(self) -> DeviceState:
        return self._state

    @property
    def last_error(self) -> DeviceError | None:
        return self._error

    def health(self) -> Health:
        return Health(self._state, self._error, self._error.detail if self._error else "")

    def capabilities(self) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        """Release what the device holds: port, threads, temp files (a simulator's folder).

        The kiosk calls it for every device at shutdown. Idempotent; any thread except
        a listener's. Drivers that hold something override it; the default holds nothing.
        """

    # -- listeners ------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener not in self._listeners:
                self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, kind: str, **data: Any) -> None:
        event = DeviceEvent(self.name, kind, data)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not kill the driver thread
                log.exception("listener %r failed on %s", listener, kind)

    def _set_state(self, state: DeviceState, error: DeviceError | None = None) -> None:
        with self._lock:
            changed = state != self._state or error is not self._error
            self._state, self._error = state, error
        if changed:
            if error is not None:
                log.warning("%s: %s -> %s (%s)", self.name, self.kind, state.value, error.code)
            self._emit("state_changed", state=state, error=error)

    def fault(self, error: ErrorCode, detail: str = "") -> None:
        """Put the device in FAULT with a reason the admin and the UI can show."""
        self._set_state(DeviceState.FAULT, DeviceError(error, detail))

    # -- self-test ------------------------------------------------------
    def self_test(self) -> list[str]:
        """Run the device's self-test; returns lines for the admin.

        Raises :class:`DeviceError` when the test fails.
        """
        return self._self_test()

    def _self_test(self) -> list[str]:
        return [f"{self.name}: state {self._state.value}"]


class FaultedDevice(Device):
    """What a factory returns when no backend could be built or started.

    It stays in FAULT with the reason (``reason``) that the admin and the UI
    show; every operation raises it. Device interfaces subclass it together
    with their own interface: ``class FaultedX(FaultedDevice, XInterface)``.
    """

    def __init__(self, name: str, error: DeviceError, kind: str | None = None):
        super().__init__(name)
        if kind is not None:
            self.kind = kind
        self.reason = error
        self._set_state(DeviceState.FAULT, error)

    def open(self) -> None:
        raise self.reason

    def close(self) -> None:
        pass

    def _self_test(self) -> list[str]:
        raise self.reason


class Debouncer:
    """Reports a presence change only after it held for ``hold`` seconds.

    Hot-plug and card-presence polling feed raw observations; a USB cable that
    flickers does not make the UI flicker. ``clock`` is injectable for tests.
    """

    def __init__(self, hold: float = 0.3, clock: Callable[[], float] = time.monotonic):
        self.hold = hold
        self.clock = clock
        self.stable: bool | None = None
        self._candidate: bool | None = None
        self._since = 0.0

    def feed(self, present: bool) -> bool | None:
        """Feed one observation; returns the new stable value when it changes."""
        now = self.clock()
        if present == self.stable:
            self._candidate = None
            return None
        if present != self._candidate:
            self._candidate, self._since = present, now
        if now - self._since >= self.hold:
            self.stable, self._candidate = present, None
            return present
        return None
