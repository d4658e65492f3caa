# SPDX-License-Identifier: Apache-2.0
"""The page as the kiosk shows it: frames out, touches and keys in.

Chromium runs headless; the kiosk draws the page itself, below its own bar, from DevTools
screencast frames (``Page.startScreencast``: JPEG frames sent only when the page changes),
and hands the citizen's taps, drags and typed text back over the same protocol. So there is
no Chromium window to escape from: no address bar, tabs, devtools, context menu or dialog of
Chromium's own, and no key reaches the page unless the kiosk's keyboard typed it (Ctrl+L,
F12, Alt+F4… cannot be pressed at all). The remote helper's view of the kiosk's screen is
then the composed screen, page included.

Everything here runs on the browser's own thread (Playwright's sync API), called from
:class:`drivers.browser.chromium.Browser`.
"""
from __future__ import annotations

import base64
import logging
import os
from typing import Any, Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

FrameSink = Callable[[bytes, int, int], None]     # (JPEG, width, height): the newest frame
FocusSink = Callable[[bool, str], None]            # (an editable field has focus, its input type)
# (kind: "alert" | "confirm" | "prompt" | "chooser", the page's message); the kiosk answers with
# Browser.answer(); "chooser" is a file chooser the page opened (an upload)
AskSink = Callable[[str, str], None]
# (kind: "print" | "download", a file name for the log-free preview, the bytes): what the page
# gives the citizen to take away; the kiosk decides (print preview, or a refusal)
DocSink = Callable[[str, str, bytes], None]
DOCUMENT_MAX = 20 * 1024 * 1024   # a page's download or print: larger ones are refused unread
# window.print() goes to the kiosk's print preview, not Chromium's print dialog
PRINT_HOOK = "(() => { window.print = () => { try { window.__ehallPrint(); } catch (e) {} }; })();"
# A page's getUserMedia (人脸认证 on the portal) asks the kiosk first: the citizen answers on the kiosk's
# own dialog; only a yes grants the camera, to that site only (View.camera).
CAMERA_ASK = """(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = async (constraints) => {
    let ok = false;
    try { ok = await window.__ehallCamera(); } catch (e) {}
    if (!ok) throw new DOMException('The citizen did not agree to use the camera', 'NotAllowedError');
    return original(constraints);
  };
})();"""
MESSAGE_MAX = 300       # a page's dialog text, cut (a hostile page's novel stays out of the screen)

# Which focused element takes typing: text-like inputs, textareas and contenteditable. Reported
# to the kiosk on focus changes (the kiosk shows its keyboard), in every frame of the page.
FOCUS_WATCH = """(() => {
  const NOT_TEXT = ['button','submit','reset','checkbox','radio','file','image','range','color','hidden'];
  const editable = (el) => !!el && (el.isContentEditable || el.tagName === 'TEXTAREA' ||
      (el.tagName === 'INPUT' && !NOT_TEXT.includes((el.type || 'text').toLowerCase()))) &&
      !el.disabled && !el.readOnly;
  const tell = () => { const el = document.activeElement;
    try { window.__ehallFocus(editable(el), el && el.type ? String(el.type) : ''); } catch (e) {} };
  document.addEventListener('focusin', tell, true);
  document.addEventListener('focusout', () => setTimeout(tell, 0), true);
})();"""



class View:
    """One citizen's page view: the screencast and the input of one Playwright page."""

    def __init__(self, page: Any, on_frame: FrameSink, on_ask: AskSink, on_document: DocSink):
        self.page = page
        self.on_frame = on_frame
        self.on_ask = on_ask
        self.on_document = on_document
        self.waiting = False              # the page's dialog is open, waiting for the citizen
        self.reply: bool | None = None    # the citizen's answer to it (set from another thread)
        self.closing = False              # the session is ending: an open dialog is dismissed
        self.chooser: Any = None          # the page's open file chooser, until a file is given
        self.cameras: dict[str, bool] = {}   # origins the citizen let use the camera
        self.cdp = page.context.new_cdp_session(page)
        self.size = (0, 0)
        self.percent = 100      # 大字: the page's zoom
        self.cdp.on("Page.screencastFrame", self._frame)
        page.on("domcontentloaded", self._zoom_again)
        page.on("dialog", self._dialog)
        page.on("filechooser", self._chooser)
        page.on("download", self._download)
        page.on("crash", lambda _page: self.on_ask("crashed", ""))   # the kiosk opens the page again

    def start(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.page.set_viewport_size({"width": width, "height": height})
        self.cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 80,
                                               "maxWidth": width, "maxHeight": height})

    def resize(self, width: int, height: int) -> None:
        """A new view size (the kiosk keyboard came up or went down): the page is laid out again
        for it, and a focused field is scrolled into what stays visible."""
        if (width, height) == self.size:
            return
        self.cdp.send("Page.stopScreencast")
        self.start(width, height)
        self.page.evaluate("(() => { const el = document.activeElement; if (el && el !== document.body && "
                           "el.scrollIntoViewIfNeeded) el.scrollIntoViewIfNeeded(true); })()")

    def stop(self) -> None:
        try:
            self.cdp.send("Page.stopScreencast")
            self.cdp.detach()
        except Exception:  # noqa: BLE001 - the page may already be gone
            pass

    def _frame(self, params: dict) -> None:
        try:
            self.cdp.send("Page.screencastFrameAck", {"sessionId": params["sessionId"]})
        except Exception:  # noqa: BLE001 - a closing page acks nothing
            return
        meta = params.get("metadata") or {}
        try:
            self.on_frame(base64.b64decode(params["data"]), int(meta.get("deviceWidth", self.size[0])),
                          int(meta.get("deviceHeight", self.size[1])))
        except Exception:  # noqa: BLE001 - the kiosk's sink must not stop the screencast
            log.exception("web: a page frame could not be handed over")

    # -- the page asks the citizen ---------------------------------------------------------------
    def _dialog(self, dialog: Any) -> None:
        """alert / confirm / prompt wait for the citizen's answer on a kiosk dialog; a page that
        asks before it unloads is let go (the kiosk's own buttons decide where the citizen goes).

        The page is blocked while its dialog is open, and so is the Playwright call that caused
        it (a click waits for its mouseup): the answer cannot come as a queued job. This handler
        waits for it here, pumping Playwright's events (frames go on), until :meth:`answer` or
        the session's end (``closing``) sets it."""
        if dialog.type == "beforeunload" or self.closing:
            dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss()
            return
        if self.waiting:                      # one at a time: a page that stacks them gets no
            dialog.dismiss()                  # second one until the first is answered
            return
        self.waiting, self.reply = True, None
        self.on_ask(dialog.type, (dialog.message or "")[:MESSAGE_MAX])
        try:
            while self.reply is None and not self.closing:
                self.page.wait_for_timeout(30)
            if self.reply and not self.closing:
                dialog.accept(dialog.default_value) if dialog.type == "prompt" else dialog.accept()
            else:
                dialog.dismiss()
        finally:
            self.waiting, self.reply = False, None

    def camera(self, origin: str) -> bool:
        """The page wants the camera or microphone (getUserMedia; the navigation guard has
        allowed its site): the citizen answers on the kiosk's dialog, waited for here as a dialog
        is. Yes grants them to that origin only, for the rest of the session."""
        if origin in self.cameras:
            return self.cameras[origin]
        if self.waiting or self.closing:
            return False
        self.waiting, self.reply = True, None
        self.on_ask("camera", urlsplit(origin).hostname or "")
        try:
            while self.reply is None and not self.closing:
                self.page.wait_for_timeout(30)
            agreed = bool(self.reply) and not self.closing
        finally:
            self.waiting, self.reply = False, None
        if agreed:                  # a yes stands for the session; a no is asked again next time
            self.page.context.grant_permissions(["camera", "microphone"], origin=origin)
            self.cameras[origin] = True
        return agreed

    def _chooser(self, chooser: Any) -> None:
        """A file chooser (材料上传): nothing is chosen until the citizen picks a way on the kiosk
        (签名 …); its ``accept`` goes with the question, so the kiosk offers only what fits."""
        self.chooser = chooser
        try:
            accept = chooser.element.get_attribute("accept") or ""
        except Exception:  # noqa: BLE001 - the element went away: anything
            accept = ""
        self.on_ask("chooser", accept[:200])

    def print_page(self) -> None:
        """``window.print()``: the page as a PDF (A4, backgrounds) for the kiosk's print preview."""
        try:
            data = self.page.pdf(format="A4", print_background=True)
        except Exception as exc:  # noqa: BLE001 - the page went away
            log.warning("web: the page could not be printed to PDF (%s)", type(exc).__name__)
            return
        self.on_document("print", "page.pdf", data)

    def _download(self, download: Any) -> None:
        """A download: read from the session's RAM folder (the context's downloads path), given
        to the kiosk, and deleted; over :data:`DOCUMENT_MAX` it is refused unread."""
        try:
            path = download.path()
            size = os.path.getsize(path) if path else 0
            data = b"" if size > DOCUMENT_MAX else open(path, "rb").read()
            name = download.suggested_filename or "download"
            download.delete()
        except Exception as exc:  # noqa: BLE001 - a failed or canceled download
            log.warning("web: a download did not arrive (%s)", type(exc).__name__)
            return
        self.on_document("download" if data else "too_large", name[:120], data)

    def give_file(self, name: str, mime: str, data: bytes) -> None:
        """The file the citizen made on the kiosk (a signature, a capture) into the page's
        chooser; from memory, never from disk."""
        chooser, self.chooser = self.chooser, None
        if chooser is not None:
            chooser.set_files({"name": name, "mimeType": mime, "buffer": data})

    def answer(self, accept: bool) -> None:
        """The citizen's answer (from any thread): the waiting dialog handler takes it."""
        if self.waiting:
            self.reply = bool(accept)

    # -- input (view pixels from the top left, as the frames are drawn) -------------------------
    def tap(self, x: float, y: float) -> None:
        self.page.mouse.click(x, y)

    def scroll(self, x: float, y: float, dx: float, dy: float) -> None:
        self.page.mouse.move(x, y)
        self.page.mouse.wheel(dx, dy)

    def type_text(self, text: str) -> None:
        self.page.keyboard.insert_text(text)

    def press(self, key: str) -> None:
        if key not in ("Backspace", "Enter", "Tab", "Shift+Tab", "Delete", "ArrowLeft", "ArrowRight"):
            raise ValueError(f"key {key!r} is not one the kiosk keyboard sends")
        self.page.keyboard.press(key)

    def zoom(self, percent: int) -> None:
        """The page's text and boxes at ``percent`` % (CSS zoom: text reflows, taps stay in view
        pixels), kept across navigations: applied again on each page's DOMContentLoaded."""
        self.percent = max(100, min(300, int(percent)))
        self._apply_zoom(self.page)

    def _zoom_again(self, page: Any) -> None:
        if self.percent != 100:
            self._apply_zoom(page)

    def _apply_zoom(self, page: Any) -> None:
        try:
            page.evaluate(f"document.documentElement.style.zoom = '{self.percent}%'")
        except Exception:  # noqa: BLE001 - a page in the middle of navigating: its load applies it
            pass
