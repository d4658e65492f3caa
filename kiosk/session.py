# SPDX-License-Identifier: Apache-2.0
"""The citizen's session: where they are, what they did, and when it ends.

A session starts with the first touch on the home screen and ends when the
citizen presses 结束/Home-and-leave, or after ``idle_seconds`` without a touch
plus a ``countdown_seconds`` warning. Ending wipes every piece of session
state (route history, search text, large-text choice, identity and anything
registered with :meth:`Session.on_wipe`), so nothing a citizen did is visible
to the next one.

Time comes from an injected clock; :meth:`tick` is called by the UI a few
times a second (tests call it directly, with a fake clock).
"""
from __future__ import annotations

import enum
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import i18n
from .observe import Observers

log = logging.getLogger(__name__)


class Phase(enum.Enum):
    IDLE = "idle"            # attract/home screen, nobody using the terminal
    ACTIVE = "active"
    COUNTDOWN = "countdown"  # "are you still there?" with a countdown


@dataclass(frozen=True)
class Route:
    screen: str
    params: dict[str, Any] = field(default_factory=dict)


HOME = Route("home")
# 结束办理 offers the rating first (GB/T 39734 5.1.3) when the session did business: an item viewed
# (its page, its QR, its guide printed there), a web session, a helper call, an identity checked,
# a work order filed; a session that only looked around ends at once
BUSINESS = frozenset({"item", "qr", "web", "assist_call", "identified", "order_done"})
RATE = "rate"


class Session:
    def __init__(self, idle_seconds: float, countdown_seconds: float, *,
                 large_text_default: bool = False, language_default: str = i18n.SOURCE, clock: Callable[[], float] = time.monotonic,
                 identity_idle_seconds: float | None = None, rating_seconds: float = 30,
                 after_end: Callable[[], None] | None = None):
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        # while an identity is held: from the last touch to the wipe, countdown included (short)
        self.identity_idle_seconds = identity_idle_seconds
        # the rating at 结束办理: untouched this long, the session ends without it
        self.rating_seconds = rating_seconds
        # whether a rating can be kept now (the kiosk's records, kiosk/core.py); None: never offered
        self.can_rate: Callable[[], bool] | None = None
        self.large_text_default = large_text_default
        i18n.use(language_default)          # checks it: an unknown language is an error here
        self.language_default = language_default
        self.clock = clock
        self._observers: Observers[Session] = Observers("session")
        self._wipers: list[Callable[[], None]] = []
        # after the wipe and the return home (kiosk.memory.release: freed memory goes back); a UI
        # that lets go of more on its next frame (screens/app.py) takes it over and runs it then
        self.after_end = after_end
        self.ended_count = 0
        self._reset()

    def _reset(self) -> None:
        self.phase = Phase.IDLE
        self.token = secrets.token_hex(8)   # names this session's jobs (print once per session)
        self.history: list[Route] = [HOME]
        self.search_text = ""
        self.large_text = self.large_text_default
        self.language = self.language_default   # EN / 中文: the next citizen starts from the default
        i18n.use(self.language)
        self.identity: Any = None
        self.confirm_home = False          # 首页 with an identity held: 继续办理 / 结束并清除 is asked
        self._countdown_len = self.countdown_seconds
        self.data: dict[str, Any] = {}     # other per-session state services keep
        self.visited: set[str] = set()     # the screens this session went to (names only)
        self.last_item = ""                # the last item page opened (the 结束办理 rating's target)
        self.rated = False                 # a rating was kept in this session: 结束办理 asks no more
        self.last_touch = self.clock()
        self.countdown_started = 0.0

    # -- observers -----------------------------------------------------------
    def subscribe(self, listener: Callable[["Session"], None]) -> None:
        self._observers.subscribe(listener)

    def unsubscribe(self, listener: Callable[["Session"], None]) -> None:
        self._observers.unsubscribe(listener)

    def on_wipe(self, wiper: Callable[[], None]) -> None:
        """Registers a callable that erases a service's session data at the end."""
        self._wipers.append(wiper)

    def _changed(self) -> None:
        self._observers.notify(self)

    # -- intents from the screens ---------------------------------------------
    @property
    def route(self) -> Route:
        return self.history[-1]

    def touch(self) -> None:
        """Any touch: the citizen is here. Starts a session from the home screen."""
        self.last_touch = self.clock()
        changed = self.phase is not Phase.ACTIVE
        self.phase = Phase.ACTIVE
        if changed:
            self._changed()

    def _visit(self, route: Route) -> Route:
        self.visited.add(route.screen)
        if route.screen == "item" and route.params.get("id"):
            self.last_item = str(route.params["id"])
        return route

    def go(self, screen: str, **params: Any) -> None:
        self.touch()
        self.history.append(self._visit(Route(screen, params)))
        self._changed()

    def replace(self, screen: str, **params: Any) -> None:
        """Changes the current route without a Back step (e.g. a list's page)."""
        self.touch()
        self.history[-1] = self._visit(Route(screen, params))
        self._changed()

    def go_past(self, leaving: str, screen: str, **params: Any) -> None:
        """Goes to ``screen`` with the trailing ``leaving`` routes dropped, so 返回 from there
        never steps back into a flow that is over (a submitted form's steps)."""
        self.touch()
        while len(self.history) > 1 and self.history[-1].screen == leaving:
            self.history.pop()
        self.history.append(self._visit(Route(screen, params)))
        self._changed()

    def back(self) -> None:
        self.touch()
        if len(self.history) > 1:
            self.history.pop()
        self._changed()

    def home(self) -> None:
        """Back to the home screen; the session (and its choices) continue, but a search starts
        afresh (the next letters typed must not join the old query).

        With an identity held nothing moves yet: ``confirm_home`` asks 继续办理 (stay where you are,
        :meth:`keep_identity`) or 结束并清除 (:meth:`end`), so an identity never waits on the home
        screen for the next person. On the rating at 结束办理 it ends the session (the citizen
        said they were done)."""
        if self.ending:
            self.end("finished")
            return
        self.touch()
        if self.identity is not None:
            self.confirm_home = True
        else:
            self.history = [HOME]
            self.search_text = ""
        self._changed()

    def keep_identity(self) -> None:
        """继续办理: the identified citizen stays where they were."""
        self.touch()
        self.confirm_home = False
        self._changed()

    def set_identity(self, identity: Any) -> None:
        """The identity flow's result (any thread); listeners are told so every screen can show it."""
        self.identity = identity
        self._changed()

    def identity_label(self) -> str:
        """The held identity as the banner shows it: masked only ("" when none)."""
        ident = self.identity
        if ident is None or getattr(ident, "wiped", False):
            return ""
        return f"{getattr(ident, 'masked_name', '')}  {getattr(ident, 'masked_number', '')}".strip()

    def set_large_text(self, on: bool) -> None:
        self.touch()
        self.large_text = bool(on)
        self._changed()

    def set_language(self, language: str) -> None:
        """EN / 中文: every text the kiosk writes follows, for this session (kiosk/i18n.py)."""
        self.touch()
        i18n.use(language)
        self.language = language
        self._changed()

    def more_time(self) -> None:
        """The citizen answered the countdown: carry on where they were."""
        self.touch()

    # -- 结束办理 ------------------------------------------------------------------
    def did_business(self) -> bool:
        """Whether this session did something a citizen can rate (:data:`BUSINESS`)."""
        return self.identity is not None or bool(self.visited & BUSINESS)

    @property
    def ending(self) -> bool:
        """The rating at 结束办理 is up: 跳过, a rating, 首页 or its timeout end the session."""
        route = self.history[-1]
        return route.screen == RATE and bool(route.params.get("ending"))

    def finish(self) -> None:
        """结束办理 (the identity banner, the web bar, 结束并清除, the countdown): when the session did
        business, a rating can be kept and none was yet, the rating comes first (GB/T 39734 5.1.3)
        and the session ends after it (:meth:`end`); otherwise it ends now. 返回 on the rating goes
        back to where the citizen was (they changed their mind)."""
        can_rate = self.can_rate is not None and self.can_rate()
        if self.ending or self.rated or not can_rate or not self.did_business():
            self.end("finished")
            return
        self.touch()
        self.confirm_home = False
        # the rating names the service (the last item opened), never the citizen
        self.history.append(Route(RATE, {"target": "session", "target_id": self.last_item, "ending": True}))
        self._changed()

    def end(self, reason: str = "finished") -> None:
        """Ends the session: wipes everything and returns to the home screen."""
        log.info("session ended (%s)", reason)   # never log what the citizen did
        for wiper in list(self._wipers):
            try:
                wiper()
            except Exception:
                log.exception("a session wiper failed")
        if self.identity is not None and hasattr(self.identity, "wipe"):
            self.identity.wipe()
        self.ended_count += 1
        self._reset()
        self._changed()
        if self.after_end is not None:
            try:
                self.after_end()
            except Exception:
                log.exception("the session's after-end step failed")

    # -- time ------------------------------------------------------------------
    def seconds_left(self) -> float:
        """Seconds left on the countdown (only meaningful in COUNTDOWN)."""
        return max(0.0, self._countdown_len - (self.clock() - self.countdown_started))

    def _limits(self) -> tuple[float, float]:
        """(idle before the countdown, countdown length): short while an identity is held."""
        if self.identity is None or self.identity_idle_seconds is None:
            return self.idle_seconds, self.countdown_seconds
        total = min(self.identity_idle_seconds, self.idle_seconds + self.countdown_seconds)
        countdown = min(self.countdown_seconds, total / 2)
        return total - countdown, countdown

    def tick(self) -> None:
        now = self.clock()
        if self.ending:         # the rating at 结束办理: no countdown, the citizen said they were done
            limit = self.rating_seconds
            if self.identity is not None and self.identity_idle_seconds is not None:
                limit = min(limit, self.identity_idle_seconds)    # an identity never waits longer
            if now - self.last_touch >= limit:
                self.end("timeout")
            return
        idle, countdown = self._limits()
        if self.phase is Phase.ACTIVE and now - self.last_touch >= idle:
            self.phase = Phase.COUNTDOWN
            self.countdown_started = now
            self._countdown_len = countdown
            self._changed()
        elif self.phase is Phase.COUNTDOWN and self.seconds_left() <= 0:
            self.end("timeout")
