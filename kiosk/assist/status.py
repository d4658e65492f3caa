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
