# SPDX-License-Identifier: Apache-2.0
"""Assist mode (协助模式): a hall helper elevates the terminal beside a citizen.

A helper enters a staff PIN (or, later, presents a staff badge). The config
holds only salted hashes, one ``"helper_id:hash"`` string per helper in
``assist.staff_pins``; :func:`hash_pin` makes them (docs/assist-mode.md).
Hash formats:

- ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>`` (what :func:`hash_pin` writes)
- ``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``

Five wrong PINs in a row lock the PIN pad for five minutes. The mode ends on
:meth:`AssistMode.end`, after ``assist.mode_timeout_seconds`` without a helper
action, and when the citizen's session ends. Every helper action goes to the
audit log (logger ``ehall.audit``, plus ``assist.audit_log`` if set) with the
helper's id and never with a citizen's data: :meth:`AssistMode.log` accepts
only the detail keys in :data:`AUDIT_FIELDS`.

No Kivy here; time comes from an injected clock. Main thread only.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from datetime import datetime
from typing import Any, Callable

from .observe import Observers

audit = logging.getLogger("ehall.audit")
log = logging.getLogger(__name__)

MAX_WRONG = 5                 # wrong PINs in a row before the lock
LOCK_SECONDS = 300
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 14, 8, 1
PIN_DIGITS = (4, 8)           # a PIN is 4 to 8 digits
# The only details an audit line may carry (no names, ID numbers, phone numbers, search text).
AUDIT_FIELDS = frozenset({"via", "reason", "item", "on", "attempts", "lock_s", "terminal"})


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None, log2_n: int = SCRYPT_LOG2_N) -> str:
    """The config form of a PIN: ``scrypt$14$8$1$<salt>$<hash>`` (16-byte random salt)."""
    if not valid_pin(pin):
        raise ValueError(f"a PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits")
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2 ** log2_n, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32, maxmem=64 * 1024 * 1024)
    return f"scrypt${log2_n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def valid_pin(pin: str) -> bool:
    return pin.isascii() and pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches one stored hash; a malformed hash never matches."""
    try:
        kind, *fields = stored.split("$")
        if kind == "scrypt":
            log2_n, r, p, salt, want = fields
            got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=2 ** int(log2_n),
                                 r=int(r), p=int(p), dklen=len(base64.b64decode(want)),
                                 maxmem=64 * 1024 * 1024)
        elif kind == "pbkdf2_sha256":
            iterations, salt, want = fields
            got = hashlib.pbkdf2_hmac("sha256", pin.encode(), base64.b64decode(salt), int(iterations))
        else:
            return False
        return hmac.compare_digest(got, base64.b64decode(want))
    except (ValueError, TypeError):
        return False


def parse_staff_pins(entries: list[str]) -> dict[str, str]:
    """``["W01:scrypt$…", …]`` → ``{"W01": "scrypt$…"}``; raises ValueError naming a bad entry."""
    out: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        helper, sep, stored = entry.partition(":")
        if not sep or not helper.strip() or not stored.startswith(("scrypt$", "pbkdf2_sha256$")):
            raise ValueError(f"assist.staff_pins entry {n} is not \"helper_id:hash\" (see scripts/hash-pin)")
        out[helper.strip()] = stored
    return out


class AssistMode:
    """The terminal's elevation state for one helper at a time."""

    def __init__(self, config, session, clock: Callable[[], float] | None = None):
        self.session = session
        self.clock = clock or getattr(session, "clock", time.monotonic)
        self.pins = parse_staff_pins(list(config.get("assist.staff_pins", []) or []))
        self.timeout_s = float(config.get("assist.mode_timeout_seconds", 120))
        self.audit_file = config.get("assist.audit_log", "") or ""
        self.terminal = config.get("hall.terminal_id", "")
        self.helper_id: str | None = None
        self.wrong = 0
        self.locked_until = 0.0
        self.last_action = 0.0
        self._observers: Observers[AssistMode] = Observers("assist mode")
        self._badge_reader: Any = None
        self._post: Callable[[Callable[[], None]], None] = lambda fn: fn()
        session.on_wipe(self._on_session_end)

    # -- observers -------------------------------------------------------------
    def subscribe(self, listener: Callable[["AssistMode"], None]) -> None:
        self._observers.subscribe(listener)

    def unsubscribe(self, listener: Callable[["AssistMode"], None]) -> None:
        self._observers.unsubscribe(listener)

    def _changed(self) -> None:
        self._observers.notify(self)

    # -- state -------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.helper_id is not None

    @property
    def configured(self) -> bool:
        return bool(self.pins)

    def lock_seconds_left(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    @property
    def tries_left(self) -> int:
        return MAX_WRONG - self.wrong

    # -- elevation ---------------------------------------------------------------
    def elevate(self, pin: str) -> str | None:
        """The helper id whose PIN this is (and the mode starts), else None.

        Returns None without checking while locked. Every hash is checked, so
        the time taken does not tell which helper's PIN was close.
        """
        if self.lock_seconds_left() > 0:
            self.log("pin_refused_locked")
            return None
        matches = [h for h, stored in self.pins.items() if verify_pin(pin, stored)]
        if not matches:
            self.wrong += 1
            if self.wrong >= MAX_WRONG:
                self.locked_until = self.clock() + LOCK_SECONDS
                self.wrong = 0
                self.log("pin_locked", attempts=MAX_WRONG, lock_s=LOCK_SECONDS)
            else:
                self.log("pin_wrong", attempts=self.wrong)
            self._changed()
            return None
        if len(matches) > 1:
            log.warning("assist.staff_pins: helpers %s share one PIN; using %s",
                        ", ".join(matches), matches[0])
        return self._start(matches[0], "pin")

    def elevate_by_badge(self, staff_id: str) -> str | None:
        """For the staff-badge reader: elevates a helper listed in ``assist.staff_pins``."""
        if staff_id not in self.pins:
            self.log("badge_unknown")
            return None
        return self._start(staff_id, "badge")

    # -- the staff badge: the core decides, the screen only observes the mode ------
    def watch_badges(self, reader: Any, post: Callable[[Callable[[], None]], None]) -> None:
        """Subscribes to the smart-card reader's events: a staff badge elevates like the PIN.

        Events come on the driver's thread; ``post`` hands the elevation to the thread that
        owns this mode (the UI's main thread), so observers are told there."""
        self.stop_watching_badges()
        if not hasattr(reader, "subscribe"):
            return
        self._badge_reader, self._post = reader, post
        reader.subscribe(self._on_card_event)

    def stop_watching_badges(self) -> None:
        reader, self._badge_reader = self._badge_reader, None
        if hasattr(reader, "unsubscribe"):
            reader.unsubscribe(self._on_card_event)

    def _on_card_event(self, event: Any) -> None:
        staff_id = badge_staff_id(event)
        if staff_id:
            self._post(lambda: self.elevate_by_badge(staff_id))

    def _start(self, helper: str, via: str) -> str:
        if self.active and self.helper_id != helper:
            self.end("replaced")
        self.helper_id = helper
        self.wrong = 0
        self.last_action = self.clock()
        self.log("elevated", via=via)
        self._changed()
        return helper

    def touch(self) -> None:
        """A helper action: the inactivity timer starts again."""
        self.last_action = self.clock()

    def end(self, reason: str = "exit") -> None:
        if not self.active:
            return
        self.log("ended", reason=reason)
        self.helper_id = None
        self._changed()

    def act(self, action: str, **details: Any) -> None:
        """A helper toolbar action on the citizen's session: its audit line with the helper id,
        then the action (open_item, large_text, end_session, exit; others are only audited)."""
        if not self.active:
            return
        if action == "open_item":
            self.log(action, item=details["item"])
            self.session.go("item", id=details["item"])
        elif action == "large_text":
            on = not self.session.large_text
            self.log(action, on=on)
            self.session.set_large_text(on)
        elif action == "end_session":
            self.log(action)
            self.session.end("helper")
        elif action == "exit":
            self.end("exit")
        else:
            self.log(action)

    def tick(self) -> None:
        if self.active and self.clock() - self.last_action >= self.timeout_s:
            self.end("inactivity")

    def _on_session_end(self) -> None:
        self.end("session_end")

    # -- audit -------------------------------------------------------------------
    def log(self, action: str, **details: Any) -> str:
        """One audit line (returned): action, helper id, terminal; details from AUDIT_FIELDS only."""
        bad = set(details) - AUDIT_FIELDS
        if bad:
            raise ValueError(f"audit details may not carry {sorted(bad)}")
        if self.helper_id:
            self.touch()
        parts = [f"helper={self.helper_id or '-'}", f"terminal={self.terminal}", f"action={action}"]
        parts += [f"{k}={_clean(v)}" for k, v in sorted(details.items())]
        line = "assist " + " ".join(parts)
        audit.info("%s", line)
        if self.audit_file:
            try:
                with open(self.audit_file, "a", encoding="utf-8") as fh:
                    fh.write(f"{datetime.now().astimezone().isoformat(timespec='seconds')} {line}\n")
            except OSError:
                log.exception("cannot write the audit log %s", self.audit_file)
        return line


def badge_staff_id(event: Any) -> str | None:
    """The staff id of a badge just placed on the card reader (a ``card_inserted`` event), else None."""
    if getattr(event, "kind", None) != "card_inserted":
        return None
    card = (getattr(event, "data", None) or {}).get("card")
    return getattr(card, "staff_id", None) or None


def _clean(value: Any) -> str:
    """One short token: no spaces or newlines that could forge another audit field or line."""
    text = str(value)[:64]
    return "".join(c if c.isprintable() and not c.isspace() and c != "=" else "_" for c in text)


def device_lines(devices: dict | None) -> list[str]:
    """``name state [error]`` per device, for the helper toolbar (kiosk.devices.describe)."""
    if not devices:
        return []
    from .devices import describe

    return [describe(dev).rstrip() for dev in devices.values()]
