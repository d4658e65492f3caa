# SPDX-License-Identifier: Apache-2.0
"""身份核验成功: the identity, masked only (张*三, 3701**********123X), and what next."""
from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.i18n import N_

from .widgets import KioskScreen


class IdentifiedScreen(KioskScreen):
    masked_name = StringProperty("")
    masked_number = StringProperty("")
    card_type_text = StringProperty("")
    face_verified = BooleanProperty(False)

    def show(self, **params) -> None:
        self.title = N_("身份核验成功")
        ident = self.session.identity
        self.masked_name = getattr(ident, "masked_name", "")
        self.masked_number = getattr(ident, "masked_number", "")
        self.card_type_text = getattr(ident, "card_type_text", "")
        self.face_verified = bool(getattr(ident, "face_verified", False))

    def carry_on(self) -> None:
        """继续办理: back to where the citizen started the check; the identity stays for this session."""
        self.session.back()

    def finish(self) -> None:
        """结束办理: ends the session, which erases the identity (the rating first, kiosk/session.py)."""
        self.session.finish()

    def wipe(self) -> None:
        self.masked_name = self.masked_number = self.card_type_text = ""
        self.face_verified = False
