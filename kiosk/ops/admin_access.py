# SPDX-License-Identifier: Apache-2.0
"""Who may open the admin screen (管理), with which role, and the admin audit log.

Two roles, kept apart in config (docs/operations.md):

- **admin** (管理员): ``admin.pins`` (``"staff_id:hash"`` from scripts/hash-pin) and, for
  badges, ``admin.badge_ids``. Everything on the admin screen, 退出到桌面 included.
- **helper** (帮办): the hall helpers of ``assist.staff_pins`` (and their badges), when
  ``admin.helpers`` is true. Everything except 退出到桌面.

Reached by a long press plus a PIN, or by a staff badge on the card reader: an admin's badge
opens it from any screen; a helper's badge only while the 管理登录 screen waits for one (on other
screens a helper's badge is assist mode's, kiosk/assist_mode.py).

Five wrong PINs in a row lock the PIN for five minutes. Every step is one line in the local audit
log (``admin.audit_log``, and the ``ehall.audit`` logger) and one :class:`AdminEvent` to
:attr:`AdminAccess.events`, which the hub link may forward; neither ever carries citizen data.

No Kivy here; time comes from an injected clock. Main thread only (badge events are posted there).
"""
from __future__ import annotations

import enum
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..assist_mode import LOCK_SECONDS, MAX_WRONG, _clean, badge_staff_id, parse_staff_pins, verify_pin
from ..observe import Observers

audit_log = logging.getLogger("ehall.audit")
log = logging.getLogger(__name__)

# The only details an admin audit line may carry: no names, ID numbers, phones or search text.
AUDIT_FIELDS = frozenset({"via", "role", "device", "result", "code", "kind", "attempts", "lock_s",
                          "reason", "value", "version"})


class Role(enum.Enum):
    ADMIN = "admin"
    HELPER = "helper"


# what each role may do on the admin screen beyond looking (the screen hides the rest)
ADMIN_ONLY = frozenset({"exit_to_desktop"})


@dataclass(frozen=True)
class Grant:
    staff_id: str
    role: Role
    via: str                      # "pin" | "badge"

    def may(self, action: str) -> bool:
        return self.role is Role.ADMIN or action not in ADMIN_ONLY


@dataclass(frozen=True)
class AdminEvent:
    """One audited step, for the hub's report: ``kind`` is the action (``pin_locked``, ``login``,
    ``self_test`` …). ``at`` is wall-clock time (ISO 8601)."""
    kind: str
    terminal: str
    staff_id: str = ""
    details: dict = field(default_factory=dict)
    at: str = ""


def default_audit_path() -> Path:
    """Under systemd, the unit's StateDirectory (/var/lib/ehall-kiosk); else $XDG_STATE_HOME."""
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0]) / "admin-audit.log"
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "ehall-kiosk" / "admin-audit.log"


class AdminAudit:
    """The local audit log of admin actions, plus the events the hub may forward."""

    def __init__(self, path: str | Path | None, terminal: str):
        self.path = Path(path) if path else default_audit_path()
        self.terminal = terminal
        self.events: Observers[AdminEvent] = Observers("admin events")

    def write(self, action: str, staff_id: str = "", **details: Any) -> str:
        bad = set(details) - AUDIT_FIELDS
        if bad:
            raise ValueError(f"admin audit details may not carry {sorted(bad)}")
        parts = [f"staff={_clean(staff_id) or '-'}", f"terminal={_clean(self.terminal)}", f"action={action}"]
        parts += [f"{k}={_clean(v)}" for k, v in sorted(details.items())]
        line = "admin " + " ".join(parts)
        audit_log.info("%s", line)
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(f"{now} {line}\n")
        except OSError:
            log.exception("cannot write the admin audit log %s", self.path)
        self.events.notify(AdminEvent(action, self.terminal, staff_id,
                                      {k: _clean(v) for k, v in details.items()}, now))
        return line

    def tail(self, n: int = 50) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:]
        except OSError:
            return []


class AdminAccess:
    """PIN and badge logins to the admin screen, with the lockout."""

    def __init__(self, config, audit: AdminAudit, clock: Callable[[], float] = time.monotonic):
        self.audit = audit
        self.clock = clock
        self.admins = parse_staff_pins(list(config.get("admin.pins", []) or []))
        self.admin_badges = set(config.get("admin.badge_ids", []) or []) | set(self.admins)
        helpers_ok = bool(config.get("admin.helpers", True))
        self.helpers = parse_staff_pins(list(config.get("assist.staff_pins", []) or [])) if helpers_ok else {}
        self.wrong = 0
        self.locked_until = 0.0
        self.awaiting_badge = False       # the 管理登录 screen is shown: a helper's badge counts too
        self.grants: Observers[Grant] = Observers("admin grants")
        self._reader: Any = None
        self._post: Callable[[Callable[[], None]], None] = lambda fn: fn()

    @property
    def configured(self) -> bool:
        return bool(self.admins or self.helpers or self.admin_badges)

    def lock_seconds_left(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    @property
    def tries_left(self) -> int:
        return MAX_WRONG - self.wrong

    def login_pin(self, pin: str) -> Grant | None:
        """The grant for this PIN (admins first), else None; None without checking while locked."""
        if self.refuse_locked():
            return None
        return self.finish_pin(self.match_pin(pin))

    def refuse_locked(self) -> bool:
        """True (and audited) while the PIN is locked: then nothing is checked."""
        if self.lock_seconds_left() > 0:
            self.audit.write("pin_refused_locked")
            return True
        return False

    def match_pin(self, pin: str) -> Grant | None:
        """Whose PIN this is, changing nothing: any thread (scrypt takes ~50-90 ms per hash, so a
        hall's 20 staff take 1-2 s; the login screen checks on a worker). Every hash is checked,
        so the time taken does not tell whose PIN was close."""
        admins = [s for s, h in self.admins.items() if verify_pin(pin, h)]
        helpers = [s for s, h in self.helpers.items() if verify_pin(pin, h)]
        if admins:
            return Grant(admins[0], Role.ADMIN, "pin")
        return Grant(helpers[0], Role.HELPER, "pin") if helpers else None

    def finish_pin(self, match: Grant | None) -> Grant | None:
        """The main thread's half of a PIN login: the grant, or a wrong PIN counted (the lockout)."""
        if match is not None:
            self.wrong = 0
            return self._grant(match)
        self.wrong += 1
        if self.wrong >= MAX_WRONG:
            self.locked_until = self.clock() + LOCK_SECONDS
            self.wrong = 0
            log.warning("admin screen: %d wrong PINs, the PIN is locked for %d s", MAX_WRONG, LOCK_SECONDS)
            self.audit.write("pin_locked", attempts=MAX_WRONG, lock_s=LOCK_SECONDS)
        else:
            self.audit.write("pin_wrong", attempts=self.wrong)
        return None

    def login_badge(self, staff_id: str) -> Grant | None:
        """An admin's badge always; a helper's only while the login screen waits for a badge."""
        if staff_id in self.admin_badges:
            return self._grant(Grant(staff_id, Role.ADMIN, "badge"))
        if staff_id in self.helpers and self.awaiting_badge:
            return self._grant(Grant(staff_id, Role.HELPER, "badge"))
        return None

    def _grant(self, grant: Grant) -> Grant:
        self.audit.write("login", grant.staff_id, via=grant.via, role=grant.role.value)
        self.grants.notify(grant)
        return grant

    # -- the staff badge on the smart-card reader ------------------------------------
    def watch_badges(self, reader: Any, post: Callable[[Callable[[], None]], None]) -> None:
        """Card events come on the driver's thread; ``post`` hands them to the main thread."""
        self.stop_watching_badges()
        if not hasattr(reader, "subscribe"):
            return
        self._reader, self._post = reader, post
        reader.subscribe(self._on_card_event)

    def stop_watching_badges(self) -> None:
        reader, self._reader = self._reader, None
        if hasattr(reader, "unsubscribe"):
            reader.unsubscribe(self._on_card_event)

    def _on_card_event(self, event: Any) -> None:
        staff_id = badge_staff_id(event)
        if staff_id:
            self._post(lambda: self._badge_on_main(staff_id))

    def _badge_on_main(self, staff_id: str) -> None:
        self.login_badge(staff_id)
