# SPDX-License-Identifier: Apache-2.0
"""手机上传 at the kiosk: the page's file chooser answered from the citizen's own phone.

The citizen taps 手机上传; the kiosk asks the hub for a one-time link (helpdesk/phone_upload.py),
in the session's language (an English session's link opens the page in English), and shows it
as a QR code for its 10 minutes. The file the phone sends comes back over the hub
link to this terminal only: a photo (the hub made it an upright JPEG) goes into the page's
chooser as the document camera's pages do (a JPEG, or a PDF, within ``web.upload_max_kb``); a
PDF goes in as it is when the chooser takes PDFs and it fits. Nothing is written to disk; the
session's end, 取消 or the page's next question forget the link (and tell the hub).

The hub keeps links in memory only (it stores nothing of this): when its connection drops, the
code on screen is void (手机上传暂时不能用…); if the hub comes back while the citizen is still
looking at that message, the kiosk asks again by itself and a new code shows.
"""
from __future__ import annotations

import base64
import enum
import io
import logging
import time
from typing import Any, Callable

from ..i18n import N_, current
from ..observe import Observers

log = logging.getLogger(__name__)


class PhoneState(enum.Enum):
    IDLE = "idle"
    ASKING = "asking"        # waiting for the hub's link
    SHOWING = "showing"      # the QR is up: waiting for the phone
    DONE = "done"            # the file went into the page
    FAILED = "failed"        # ``message`` says why


NO_HUB = N_("手机上传暂时不能用。您可以拍照上传，或请工作人员帮助。")
EXPIRED = N_("二维码已过期。如需手机上传，请再点一次“手机上传”。")
NOT_TAKEN = N_("手机传来的文件这个网页不接收。请换一张照片或换一个文件再试。")
TOO_LARGE = N_("手机传来的 PDF 太大，这个网页不接收。请拍照上传。")


class PhoneUpload:
    """``start()`` (a chooser is open), ``cancel()``; ``state``, ``url``, ``remaining_s()``;
    observers get it on every change, from the hub link's thread."""

    def __init__(self, web: Any, hub: Any, session: Any, clock: Callable[[], float] = time.monotonic):
        self.web, self.hub, self.clock = web, hub, clock
        self.state = PhoneState.IDLE
        self.url = ""
        self.message = ""
        self.expires = 0.0
        self.linked = False
        self._lost = False         # the hub went while a code was asked for or shown
        self.changes: Observers[PhoneUpload] = Observers("phone upload")
        hub.tap(self._on_hub)
        session.on_wipe(self.cancel)

    @property
    def available(self) -> bool:
        """The hub is there to make a link (the chooser's 手机上传 shows)."""
        return self.linked

    def remaining_s(self) -> int:
        return max(0, int(self.expires - self.clock() + 0.999)) if self.state is PhoneState.SHOWING else 0

    def start(self) -> None:
        self._lost = False
        self._set(PhoneState.ASKING, "")
        self.hub.send_to_hub({"type": "upload_link", "lang": current()})   # English: the phone's page too

    def cancel(self) -> None:
        if self.state in (PhoneState.ASKING, PhoneState.SHOWING):
            self.hub.send_to_hub({"type": "upload_cancel"})
        self.url, self.expires, self._lost = "", 0.0, False
        self._set(PhoneState.IDLE, "")

    def tick(self) -> None:
        """The screen's countdown: a link past its time is forgotten, and the citizen told."""
        if self.state is PhoneState.SHOWING and self.remaining_s() == 0:
            self.hub.send_to_hub({"type": "upload_cancel"})
            self.url = ""
            self._set(PhoneState.FAILED, EXPIRED)

    def _set(self, state: PhoneState, message: str) -> None:
        self.state, self.message = state, message
        self.changes.notify(self)

    # -- from the hub (the link's thread) ---------------------------------------------------
    def _on_hub(self, msg: dict) -> None:
        kind = msg.get("type")
        if kind == "link":
            self.linked = bool(msg.get("up"))
            if not self.linked and self.state in (PhoneState.ASKING, PhoneState.SHOWING):
                self.url = ""
                self._set(PhoneState.FAILED, NO_HUB)
                self._lost = True              # the hub went (a restart forgets its links)
            elif self.linked and self._lost and self.state is PhoneState.FAILED:
                self.start()                   # back, and the citizen still waits: a new code shows
        elif kind == "upload_link" and self.state is PhoneState.ASKING:
            url = msg.get("url")
            if msg.get("error") or not isinstance(url, str) or not url.startswith(("https://", "http://")):
                self._set(PhoneState.FAILED, NO_HUB)
                return
            self.url = url
            self.expires = self.clock() + float(msg.get("expires_s") or 600)
            self._set(PhoneState.SHOWING, "")
        elif kind == "upload" and self.state is PhoneState.SHOWING:
            self._take(str(msg.get("mime", "")), str(msg.get("data", "")))

    def _take(self, mime: str, data64: str) -> None:
        self.url = ""
        try:
            data = base64.b64decode(data64, validate=True)
        except ValueError:
            self._set(PhoneState.FAILED, NOT_TAKEN)
            return
        if mime == "application/pdf":
            ok = data.startswith(b"%PDF-") and self.web.give_file("手机上传.pdf", mime, data, pdf=True)
            why = TOO_LARGE if data.startswith(b"%PDF-") and len(data) > self.web.upload_max else NOT_TAKEN
        else:
            ok, why = self._give_photo(data), NOT_TAKEN
        del data
        if ok:
            self._set(PhoneState.DONE, "")
        else:
            self._set(PhoneState.FAILED, why)

    def _give_photo(self, data: bytes) -> bool:
        import numpy as np
        from PIL import Image, UnidentifiedImageError
        try:
            with Image.open(io.BytesIO(data)) as img:
                page = np.asarray(img.convert("RGB"))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return False
        return self.web.give_capture([page])
