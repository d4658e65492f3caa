# SPDX-License-Identifier: Apache-2.0
"""What the assist service tells the screens: its states and one immutable status
(docs/remote-assist.md, *States*)."""
from __future__ import annotations

from dataclasses import dataclass

STATES = ("idle", "requesting", "queued", "ringing", "connected", "no_helper", "timeout",
          "ended", "hub_lost", "unavailable")
WAITING = ("requesting", "queued", "ringing")
ACTIVE = WAITING + ("connected",)


@dataclass(frozen=True)
class ChatLine:
    sender: str          # "kiosk" (the citizen) or "helper"
    text: str
    at: float            # the service clock's time


@dataclass(frozen=True)
class AssistStatus:
    state: str = "idle"
    reason: str | None = None        # why a request or call is over (protocol reason codes)
    position: int | None = None
    estimate_s: int | None = None
    helper_name: str | None = None
    chat: tuple[ChatLine, ...] = ()
    muted: bool = False
    linked: bool = False             # the hub socket is up
