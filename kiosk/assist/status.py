# SPDX-License-Identifier: Apache-2.0
"""What the assist service tells the screens: its states and one immutable status
(docs/remote-assist.md, *States*)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CallState(StrEnum):
    """The assist states (a StrEnum: each compares equal to, and formats as, the word the hub
    protocol and the docs use)."""
    IDLE = "idle"
    REQUESTING = "requesting"
    QUEUED = "queued"
    RINGING = "ringing"
    CONNECTED = "connected"
    NO_HELPER = "no_helper"
    TIMEOUT = "timeout"
    ENDED = "ended"
    HUB_LOST = "hub_lost"
    UNAVAILABLE = "unavailable"


STATES = tuple(CallState)
WAITING = (CallState.REQUESTING, CallState.QUEUED, CallState.RINGING)
ACTIVE = WAITING + (CallState.CONNECTED,)
REST = (CallState.IDLE, CallState.UNAVAILABLE)
OVER = (CallState.NO_HELPER, CallState.TIMEOUT, CallState.ENDED, CallState.HUB_LOST)

# Which state may follow which (docs/remote-assist.md, *States*); staying in a state (a new queue
# position) is always allowed. ``kiosk.assist.call.AssistCall`` logs any other step as a warning
# (the hub's messages cross the citizen's taps; a warning is a bug to look at, never a crash), and
# the assist tests fail on one (tests/assist/conftest.py).
TRANSITIONS: dict[CallState, frozenset[CallState]] = {
    # at rest: a request (or the hub refusing/welcoming this terminal)
    CallState.IDLE: frozenset({CallState.REQUESTING, CallState.UNAVAILABLE}),
    CallState.UNAVAILABLE: frozenset({CallState.IDLE, CallState.REQUESTING}),
    # waiting: the queue, the answer, or the end (cancel: back to rest; refused: unavailable)
    **{w: frozenset(WAITING + (CallState.CONNECTED,) + OVER + REST) for w in WAITING},
    # talking: the end (hang-up, the hub lost, the session wiped or the terminal refused)
    CallState.CONNECTED: frozenset(OVER + REST),
    # over: told to the citizen, then rest, or a new request at once
    **{o: frozenset(REST + (CallState.REQUESTING,) + OVER) for o in OVER},
}


def allowed(before: CallState, after: CallState) -> bool:
    return before == after or after in TRANSITIONS[before]


@dataclass(frozen=True)
class ChatLine:
    sender: str          # "kiosk" (the citizen) or "helper"
    text: str
    at: float            # the service clock's time


@dataclass(frozen=True)
class AssistStatus:
    state: CallState = CallState.IDLE
    reason: str | None = None        # why a request or call is over (protocol reason codes)
    position: int | None = None
    estimate_s: int | None = None
    helper_name: str | None = None
    chat: tuple[ChatLine, ...] = ()
    muted: bool = False
    linked: bool = False             # the hub socket is up

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", CallState(self.state))   # a hub word becomes its state (ValueError: none)
