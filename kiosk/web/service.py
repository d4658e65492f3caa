# SPDX-License-Identifier: Apache-2.0
"""网上办 at the terminal: one citizen's page in the kiosk's own browser, for one session.

The browser is a device (drivers/browser); this service decides when it runs and what it
may open. A page opens only for an address the hall's allowlist (``web.allowed_hosts``)
takes; Chromium starts on a fresh RAM profile when the citizen taps 在本机办理 / 网上办事 /
注册账号, and is ended with its profile at the session's end (the session's wipe), so the
next citizen's page sees nothing of this one. The screen (screens/web.py) draws the page's
frames below the kiosk's bar and sends the citizen's taps and keys back through here.

Opening and closing run on one worker thread in order, never on the UI thread; taps and
keys are posted to the browser's own thread and never wait.
"""
from __future__ import annotations

import enum
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from ..i18n import N_
from ..observe import Observers
from .policy import Allowlist
from .upload_camera import CaptureSteps, UploadCamera

log = logging.getLogger(__name__)

UNREACHABLE = N_("网上办事网站暂时打不开（网络或网站的原因）。")
CRASHED = N_("网页出了问题，已为您重新打开。刚才填写的内容可能需要重新填写。")
NOT_HERE = N_("本机暂时不能打开网上办事。")
SCROLL_STEP = 1.0           # page pixels scrolled per pixel the finger moved


class WebState(enum.Enum):
    CLOSED = "closed"       # no page (no Chromium running)
    OPENING = "opening"     # Chromium starting / the first page loading
    OPEN = "open"           # the page is shown and takes input
    FAILED = "failed"       # could not open: ``message`` says so (the screen adds the way on)


@dataclass(frozen=True)
class Ask:
    """What the page asks the citizen: ``kind`` is alert, confirm, prompt, chooser (a file
    upload) or camera (getUserMedia); ``text`` is the page's own words, cut (for a chooser: what it
    accepts; for the camera: the site's host)."""
    kind: str
    text: str

    def _takes(self, *kinds: str) -> bool:
        accept = [a.strip().lower() for a in self.text.split(",") if a.strip()]
        return self.kind == "chooser" and (not accept or any(a in kinds for a in accept))

    @property
    def takes_image(self) -> bool:
        """The chooser takes a PNG (a signature): no ``accept``, or one naming images or .png."""
        return self._takes("image/*", "image/png", ".png")

    @property
    def takes_jpeg(self) -> bool:
        return self._takes("image/*", "image/jpeg", ".jpg", ".jpeg")

    @property
    def takes_pdf(self) -> bool:
        return self._takes("application/pdf", ".pdf")


PAGE_CAMERA = "the web page"    # the camera lent to Chromium (a page's 人脸认证, after the citizen's yes)
UPLOAD_NOT_YET = N_("本机暂时不能上传这种材料。您可以用手机扫码继续办理，或请工作人员帮助。")
SIGNATURE_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A page's PDF for the kiosk's print preview (证书自助打印): in memory only."""
    pdf: bytes
    pages: int
    preview_png: bytes        # the first page, for the preview
    job_key: str              # the same document in the same session prints once


REFUSED_DOCUMENT = {
    "ofd": N_("这是 OFD 格式的电子证照，本机暂时不能打印。请用手机下载，或请工作人员帮助。"),
    "other": N_("本机只能打印 PDF 格式的证照和文件。请用手机下载，或请工作人员帮助。"),
    "too_large": N_("文件太大，本机不能打印。请用手机下载，或请工作人员帮助。"),
    "broken": N_("这个文件打不开，不能打印。请用手机下载，或请工作人员帮助。"),
}


@dataclass(frozen=True)
class Frame:
    jpeg: bytes
    width: int
    height: int
    seq: int


class WebService(CaptureSteps):
    """``open(url, width, height)``, input, ``close()``; observers get the service on a state
    change (``changes``) and on each new frame (``frames``), from worker threads."""

    def __init__(self, config: Any, session: Any, device: Any, document_camera: Any = None):
        self.allow = Allowlist(config["web.allowed_hosts"])
        self.portal_url: str = config["web.portal_url"]
        self.account_url: str = config["web.account_url"]
        self.timeout = float(config["web.open_timeout_seconds"])
        self.device = device
        self.document_camera = document_camera
        self.upload_max = int(config["web.upload_max_kb"]) * 1024
        self._camera = UploadCamera(document_camera)
        self.camera_share: Any = None   # kiosk.device_watch.Handover of the face camera (wiring sets it)
        self._size = (1280, 724)
        self.state = WebState.CLOSED
        self.message = ""
        self.url = ""               # what the citizen opened (the page may have moved on)
        self.editable = False       # a text field in the page has focus: the keyboard is wanted
        self.frame: Frame | None = None
        self.ask: Ask | None = None  # the page's open dialog, until the citizen answers
        self.document: Document | None = None   # a PDF waiting in the print preview
        self.refusal = ""            # why a page's download cannot be printed ("" when none)
        self.session = session
        self.changes: Observers[WebService] = Observers("web")
        self.frames: Observers[WebService] = Observers("web frames")
        self._seq = 0
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web")
        session.on_wipe(self.close)

    # -- what may open ----------------------------------------------------------------
    @property
    def available(self) -> bool:
        """The browser can run here (Chromium installed and started fine)."""
        state = getattr(getattr(self.device, "state", None), "value", "")
        return self.device is not None and state in ("ready", "busy")

    def can_open(self, url: str) -> bool:
        return bool(url) and self.available and self.allow.allows(url)

    # -- one citizen's page -------------------------------------------------------------
    def open(self, url: str, width: int, height: int) -> None:
        """Shows ``url`` in a ``width``×``height`` view; the page already open for this
        address stays as it is (返回 then 在本机办理 again loses nothing)."""
        if self.state in (WebState.OPEN, WebState.OPENING) and url == self.url:
            return
        if not self.can_open(url):
            self._set(WebState.FAILED, NOT_HERE)
            return
        self.url = url
        self._size = (width, height)
        self._set(WebState.OPENING, "")
        self._worker.submit(self._open, url, width, height)

    def _open(self, url: str, width: int, height: int) -> None:
        try:
            if self.device.state.value == "busy":
                self.device.end_session()
            self.device.start_session(self.allow.check, width, height)
            self.device.show(self._on_frame, self._on_focus, width, height, on_ask=self._on_ask,
                             on_document=self._on_document)
            self.device.goto(url, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - the citizen gets the fallback, the log the type
            log.warning("web: the page did not open (%s)", type(exc).__name__)
            self._end()
            if self.url == url:
                self._set(WebState.FAILED, UNREACHABLE)
            return
        if self.url == url:
            self._set(WebState.OPEN, "")

    def close(self) -> None:
        """The session's end: Chromium ended, its RAM profile removed (waits for it)."""
        self.stop_preview()
        if self.state is WebState.CLOSED and self.frame is None:
            return
        self.url = ""
        self._worker.submit(self._end).result(30)
        self._set(WebState.CLOSED, "")

    def _end(self) -> None:
        with self._lock:
            self.frame = None
            self.editable = False
            self.ask = None
            self.document = None
            self.refusal = ""
        try:
            self.device.end_session()
        except Exception as exc:  # noqa: BLE001 - a crashed browser is gone anyway
            log.warning("web: the browser did not end cleanly (%s)", type(exc).__name__)
        if self.camera_share is not None:        # Chromium has let go of it: the kiosk's again
            self.camera_share.take_back(PAGE_CAMERA)

    def shutdown(self) -> None:
        self.close()
        self._worker.shutdown(wait=True)

    # -- from the browser's thread ----------------------------------------------------------
    def _on_frame(self, jpeg: bytes, width: int, height: int) -> None:
        with self._lock:
            self._seq += 1
            self.frame = Frame(jpeg, width, height, self._seq)
        self.frames.notify(self)

    def _on_focus(self, editable: bool, _kind: str) -> None:
        if editable != self.editable:
            self.editable = editable
            self.changes.notify(self)

    def _on_ask(self, kind: str, text: str) -> None:
        if kind == "crashed":
            self._reopen()
            return
        self.ask = Ask(kind, text)
        self.changes.notify(self)

    def _reopen(self) -> None:
        """The page's renderer crashed: the same address opens again in a fresh Chromium; the
        citizen's kiosk session goes on (what the page held is gone, and the citizen is told)."""
        url = self.url
        if not url:
            return
        log.warning("web: the page crashed; opening it again")
        self.refusal = CRASHED
        self._set(WebState.OPENING, "")
        width, height = self._size

        def again() -> None:
            self._end()
            self._open(url, width, height)
        self._worker.submit(again)

    def _on_document(self, kind: str, name: str, data: bytes) -> None:
        """A page's download or window.print(): a PDF goes to the print preview; anything else
        gets a plain refusal. Nothing is kept on disk (the driver read it from RAM and deleted it)."""
        from .documents import DocumentError, read_pdf

        if kind == "too_large":
            self.refusal = REFUSED_DOCUMENT["too_large"]
        elif not data.startswith(b"%PDF"):
            self.refusal = REFUSED_DOCUMENT["ofd" if name.lower().endswith(".ofd") else "other"]
        else:
            try:
                pages, preview = read_pdf(data)
            except DocumentError:
                self.refusal = REFUSED_DOCUMENT["broken"]
            else:
                import hashlib
                key = f"web-{getattr(self.session, 'token', 'x')}-{hashlib.sha256(data).hexdigest()[:16]}"
                self.document, self.refusal = Document(data, pages, preview, key), ""
        self.changes.notify(self)

    def take_document(self) -> Document | None:
        """The preview's 打印 or 取消: the document leaves the service (the caller prints it)."""
        doc, self.document = self.document, None
        self.changes.notify(self)
        return doc

    def clear_refusal(self) -> None:
        self.refusal = ""
        self.changes.notify(self)

    def give_signature(self, png: bytes) -> bool:
        """签名: the citizen's signature (a PNG made on the kiosk, in memory) into the page's open
        file chooser; False when no chooser is open that takes it."""
        ok = png.startswith(b"\x89PNG") and len(png) <= SIGNATURE_MAX_BYTES
        return ok and self.give_file("签名.png", "image/png", png)

    def give_file(self, name: str, mime: str, data: bytes, pdf: bool = False) -> bool:
        """A file made on the kiosk (a signature) or sent from the phone (a PDF, ``pdf``) into
        the page's open chooser, if it takes that kind and (a PDF) it fits ``web.upload_max_kb``."""
        ask = self.ask
        if ask is None or not (ask.takes_pdf if pdf else ask.takes_image) or (pdf and len(data) > self.upload_max):
            return False
        self.ask = None
        self._page(lambda: self.device.give_file(name, mime, data))
        self.changes.notify(self)
        return True

    def answer(self, accept: bool) -> None:
        """确定 (accept) or 取消 on the kiosk's dialog for the page's question. A yes to the camera
        (人脸认证 on the page) lends the kiosk's camera to Chromium until the session ends."""
        ask, self.ask = self.ask, None
        if ask is not None and ask.kind == "camera" and accept and self.camera_share is not None:
            self.camera_share.lend(PAGE_CAMERA)
        if ask is not None and ask.kind != "chooser":
            self._page(lambda: self.device.answer(accept))
        self.changes.notify(self)

    def _set(self, state: WebState, message: str) -> None:
        self.state, self.message = state, message
        self.changes.notify(self)

    # -- the citizen's input (view pixels from the top left) ----------------------------------
    def _page(self, fn: Callable[[], None]) -> None:
        if self.state is WebState.OPEN:
            fn()

    def tap(self, x: float, y: float) -> None:
        self._page(lambda: self.device.tap(x, y))

    def scroll(self, x: float, y: float, dx: float, dy: float) -> None:
        self._page(lambda: self.device.scroll(x, y, dx * SCROLL_STEP, dy * SCROLL_STEP))

    def type_text(self, text: str) -> None:
        self._page(lambda: self.device.type_text(text))

    def press(self, key: str) -> None:
        self._page(lambda: self.device.press(key))

    def zoom(self, large: bool) -> None:
        self._page(lambda: self.device.zoom(150 if large else 100))

    def resize(self, width: int, height: int) -> None:
        """The visible part of the page changed (the keyboard came up or went down)."""
        self._page(lambda: self.device.resize(max(200, int(width)), max(150, int(height))))

    def back(self) -> None:
        self._page(self.device.back)


def build_web(config: Any, session: Any, devices: dict) -> WebService | None:
    """The service when a browser device is configured (it may still be ABSENT: then nothing
    offers 在本机办理, and `ehall-kiosk devices` says why)."""
    device = devices.get("browser")
    return WebService(config, session, device, devices.get("document_camera")) if device is not None else None
