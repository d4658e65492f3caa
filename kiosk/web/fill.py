# SPDX-License-Identifier: Apache-2.0
"""填入证件信息: the identified citizen's name, ID number, address or validity typed into the web form.

Elderly citizens struggle most with typing an 18-digit number on a touchscreen, and the card is
already read. But the kiosk's core never holds the clear number (issue 16): the identity worker
does. So the core only asks: when a text field of an allowed page has the focus and the session
holds a card the worker read, the web screen offers 姓名 / 证件号码 / 住址 / 有效期限, each shown
masked; the tap sends the
worker the page's own DevTools address and the hall's allowlist, and the worker types it in
(kiosk/identity_worker_fill.py). The core learns a code, and shows what was filled masked.
"""
from __future__ import annotations

import enum
import logging
import threading
from typing import Any

from ..i18n import N_
from ..observe import Observers

log = logging.getLogger(__name__)
ANSWER_S = 8.0

FIELD_NAMES = {"name": N_("姓名"), "number": N_("证件号码"), "address": N_("住址"), "validity": N_("有效期限")}
MESSAGES = {
    "not_allowed": N_("这个网页不在本机可访问范围内，不能自动填入。"),
    "no_field": N_("请先点一下网页上要填写的输入框，再点填入。"),
    "no_card": N_("身份信息已清除。如需填入，请重新核验身份。"),
    "no_page": N_("网页暂时无法自动填入，请用键盘输入。"),
    "no_value": N_("您的证件上没有这一项。"),
}


class FillState(enum.Enum):
    IDLE = "idle"
    FILLING = "filling"
    DONE = "done"           # ``message``: what was filled, masked
    FAILED = "failed"       # ``message``: why not, in plain words


class IdentityFill:
    """``offered`` says whether 填入 can be shown now; ``fill(field)`` does it on a thread; observers
    get the service on each change (``changes``), from that thread."""

    def __init__(self, web: Any, session: Any, allowed: list[str]):
        self.web, self.session, self.allowed = web, session, list(allowed)
        self.state = FillState.IDLE
        self.message: Any = ""
        self.changes: Observers[IdentityFill] = Observers("identity fill")
        self._lock = threading.Lock()
        session.on_wipe(self.reset)

    def _card(self) -> Any:
        """The session's card when the identity worker holds it (a handle it can fill from)."""
        card = getattr(self.session.identity, "card", None)
        reader = getattr(card, "reader", None)
        return card if getattr(card, "handle", "") and callable(getattr(reader, "fill", None)) else None

    @property
    def offered(self) -> bool:
        """A text field of the citizen's page has the focus, and an identified card can fill it."""
        return bool(self.web.editable) and getattr(self.web.state, "value", "") == "open" and \
            self._card() is not None

    def masked(self, field: str) -> str:
        """What the button shows of ``field``: masked (测**例, 1100**********0013, 北京市****…)."""
        card = self._card()
        getter = getattr(card, f"masked_{field}", None) if field in FIELD_NAMES else None
        return str(getter() or "") if callable(getter) else ""

    def fields(self) -> dict[str, str]:
        """The fields this card has, each masked, in the card's order."""
        return {field: masked for field in FIELD_NAMES if (masked := self.masked(field))}

    def fill(self, field: str) -> None:
        """On the citizen's tap; returns at once."""
        card = self._card()
        with self._lock:
            if self.state is FillState.FILLING:
                return
            self.state, self.message = FillState.FILLING, ""
        self.changes.notify(self)
        threading.Thread(target=self._fill, args=(card, field, self.masked(field)), name="identity-fill",
                         daemon=True).start()

    def _fill(self, card: Any, field: str, masked: str) -> None:
        code = "no_card"
        try:
            address = self.web.device.devtools_page() if card is not None else None
            if card is not None:
                code = card.reader.fill(card.handle, field, address or "", self.allowed).result(ANSWER_S) \
                    if address else "no_page"
        except Exception as exc:  # noqa: BLE001 - a dead browser or worker: the citizen types instead
            log.warning("填入证件信息: %s", type(exc).__name__)
            code = "no_page"
        log.info("填入证件信息 (%s): %s", field, code)        # the code only, never the value
        with self._lock:
            if code == "filled":
                self.state = FillState.DONE
                self.message = N_("已填入{field}：{value}", field=FIELD_NAMES.get(field, ""), value=masked)
            else:
                self.state, self.message = FillState.FAILED, MESSAGES.get(code, MESSAGES["no_page"])
        self.changes.notify(self)

    def reset(self) -> None:
        with self._lock:
            self.state, self.message = FillState.IDLE, ""
        self.changes.notify(self)
