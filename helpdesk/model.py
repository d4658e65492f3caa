# SPDX-License-Identifier: Apache-2.0
"""Plain data the router works on: presence states, requests, call records."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class Presence(str, enum.Enum):
    OFFLINE = "offline"
    AWAY = "away"
    AVAILABLE = "available"
    RINGING = "ringing"   # available, with one ring pending
    BUSY = "busy"         # in a call


IN_SERVICE = (Presence.AVAILABLE, Presence.RINGING, Presence.BUSY)


class RoutingError(Exception):
    """A client asked for something its state does not allow; ``code`` is sent back
    (with ``fields``, e.g. ``retry_after_s``)."""

    def __init__(self, code: str, message: str = "", **fields: object) -> None:
        super().__init__(message or code)
        self.code, self.fields = code, fields


@dataclass
class RoutingRules:
    ring_s: float = 15.0
    max_wait_s: float = 300.0
    elder_factor: float = 1.5
    default_call_s: float = 180.0
    startup_grace_s: float = 0.0   # after a hub start, wait this long for helpers to reconnect


@dataclass
class Helper:
    name: str
    display_name: str
    state: Presence = Presence.OFFLINE
    idle_since: float = 0.0
    request_id: str | None = None          # the ring or call this helper holds
    recent_calls: list[str] = field(default_factory=list)


@dataclass
class Request:
    id: str
    seq: int
    terminal_id: str
    terminal_name: str
    large_text: bool
    requested_at: float
    tried: set[str] = field(default_factory=set)
    helper: str | None = None              # ringing or connected helper
    ring_started: float | None = None
    answered_at: float | None = None
    last_sent: tuple | None = None         # last (position, estimate) pushed

    @property
    def state(self) -> str:
        if self.helper is None:
            return "queued"
        return "ringing" if self.answered_at is None else "connected"


@dataclass(frozen=True)
class CallRecord:
    request_id: str
    terminal_id: str
    helper: str | None
    large_text: bool
    requested_at: float
    answered_at: float | None
    ended_at: float | None
    outcome: str    # in_call completed cancelled timeout no_helper kiosk_dropped helper_dropped


class CallSink(Protocol):
    def call_started(self, rec: CallRecord) -> None: ...
    def call_ended(self, rec: CallRecord) -> None: ...
    def call_note(self, request_id: str, helper: str, note: str) -> None: ...


class NullSink:
    def call_started(self, rec: CallRecord) -> None: pass
    def call_ended(self, rec: CallRecord) -> None: pass
    def call_note(self, request_id: str, helper: str, note: str) -> None: pass
