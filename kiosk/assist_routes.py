# SPDX-License-Identifier: Apache-2.0
"""Which call screen the citizen sees, as a pure function of the assist state, the screen
shown and what the citizen has done: the routing rules of 呼叫帮办, with no Kivy, no
network and no clock, so they are tested as a table (tests/unit/test_assist_routes.py).

``screens/assist_flow.py`` (the controller) feeds every state change through
:func:`follow` and carries out the :class:`Step` s it returns; it keeps only the drawing
and the service calls.

The states are ``kiosk.assist.status.CallState`` members, a StrEnum equal to the hub
protocol's words; they are named here by those words so that a kiosk without a hub never
loads the assist package (aiortc, websockets).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

WAITING = ("requesting", "queued", "ringing")
CONNECTED = "connected"
OVER = ("no_helper", "timeout", "hub_lost", "unavailable")      # a request that ended unanswered
CONSENT, WAIT, CALL, FALLBACK = "assist_consent", "assist_wait", "assist_call", "assist_fallback"
CALL_SCREENS = (CONSENT, WAIT, CALL, FALLBACK)


@dataclass(frozen=True)
class CallView:
    """What the citizen's side knows beyond the service's state."""
    waiting: bool = False      # they asked for a helper and wait (the wait screen or the banner)
    in_call: bool = False      # the call screen is open for a connected call
    hung_up: bool = False      # they tapped 挂断; the service has not said "ended" yet


class Step(Enum):
    CLOSE_CALL = "close_call"          # the call is over: leave the call screen (rating or back)
    SHOW_WAIT = "show_wait"            # the consent screen becomes the wait screen
    OPEN_CALL = "open_call"            # a helper answered: the call screen
    OPEN_FALLBACK = "open_fallback"    # nobody answered: 找工作人员 / 留电回拨, with the reason
    BACK = "back"                      # the request ended quietly: back to where they were


def follow(state: str, screen: str, view: CallView) -> tuple[CallView, tuple[tuple[Step, str], ...]]:
    """The citizen's side after the service reports ``state`` while ``screen`` shows.

    Returns the new view and the steps to take, in order; each step carries the state."""
    steps: list[tuple[Step, str]] = []
    if state != CONNECTED:
        view = replace(view, hung_up=False)
        if view.in_call:
            view = replace(view, in_call=False)
            steps.append((Step.CLOSE_CALL, state))
    if state in WAITING:
        view = replace(view, waiting=True)
        if screen == CONSENT:
            steps.append((Step.SHOW_WAIT, state))
    elif state == CONNECTED:
        view = replace(view, waiting=False)
        if not view.in_call and not view.hung_up:
            view = replace(view, in_call=True)
            steps.append((Step.OPEN_CALL, state))
    elif view.waiting:
        view = replace(view, waiting=False)
        if state in OVER:
            steps.append((Step.OPEN_FALLBACK, state))
        elif screen == WAIT:
            steps.append((Step.BACK, state))
    return view, tuple(steps)


def call_screen(state: str) -> str:
    """呼叫帮办 tapped: the call when there is one, the wait while waiting, else the consent."""
    if state == CONNECTED:
        return CALL
    return WAIT if state in WAITING else CONSENT


def open_screen(shown: str) -> str:
    """How a call screen opens: "replace" over another call screen (so 返回 never leads back
    into an old call step), else "go" (返回 leads back to where the citizen was)."""
    return "replace" if shown in CALL_SCREENS else "go"


@dataclass(frozen=True)
class Overlays:
    waiting: bool      # the banner says 正在呼叫…
    calling: bool      # the banner says 通话中
    controls: bool     # 返回通话 / 挂断 (or 取消呼叫) on top of everything, the keyboard included


def overlays(state: str | None, screen: str, view: CallView) -> Overlays:
    """The in-call strip shows while waiting or talking, on every screen but the wait and call
    screens themselves. ``state`` is None without an assist service."""
    waiting = state is not None and (view.waiting or state in WAITING)
    calling = view.in_call and not view.hung_up
    controls = (waiting and screen not in (CONSENT, WAIT)) or (calling and screen != CALL)
    return Overlays(waiting, calling, controls)
