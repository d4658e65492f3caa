# SPDX-License-Identifier: Apache-2.0
"""The page as the kiosk shows it: frames out, touches and keys in.

Chromium runs headless; the kiosk draws the page itself, below its own bar, from DevTools
screencast frames (``Page.startScreencast``: JPEG frames sent only when the page changes),
and hands the citizen's taps, drags and typed text back over the same protocol. So there is
no Chromium window to escape from: no address bar, tabs, devtools, context menu or dialog of
Chromium's own, and no key reaches the page unless the kiosk's keyboard typed it (Ctrl+L,
F12, Alt+F4… cannot be pressed at all). The remote helper's view of the kiosk's screen is
then the composed screen, page included.

The page's events come on the DevTools pipe's event thread (:mod:`.cdp`); the citizen's input
on the browser's input thread (:class:`drivers.browser.chromium.Browser`).
"""
from __future__ import annotations

import base64
import logging
import mimetypes
import os
import tempfile
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .cdp import CdpError
from .cdp_page import Page, PageError

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
    """One citizen's page view: the screencast, the page's questions and the citizen's input."""

    def __init__(self, page: Page, on_frame: FrameSink, on_ask: AskSink, on_document: DocSink, folder: Path):
        self.page, self.pipe = page, page.pipe
        self.on_frame, self.on_ask, self.on_document = on_frame, on_ask, on_document
        self.folder = folder              # the session's RAM folder: downloads, the citizen's files
        # the open question: ("dialog", session, default text) or ("camera", origin, reply)
        self.asking: tuple | None = None
        self.closing = False              # the session is ending: no new question
        self.chooser: tuple[str, int] | None = None    # (session, backend node) of the open chooser
        self.cameras: dict[str, bool] = {}   # origins the citizen let use the camera
        self.downloads: dict[str, str] = {}  # guid -> suggested name
        self.size = (0, 0)
        self.percent = 100      # 大字: the page's zoom
        for method, handler in (("Page.screencastFrame", self._frame),
                                ("Page.javascriptDialogOpening", self._dialog),
                                ("Page.fileChooserOpened", self._chooser),
                                ("Browser.downloadWillBegin", self._download_begins),
                                ("Browser.downloadProgress", self._download_progress)):
            self.pipe.on(method, handler)
        page.on_loaded = self._zoom_again

    def start(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.page.set_size(width, height)
        self.page.send("Page.startScreencast", {"format": "jpeg", "quality": 80, "maxWidth": width, "maxHeight": height})

    def resize(self, width: int, height: int) -> None:
        """A new view size (the kiosk keyboard came up or went down): the page is laid out again
        for it, and a focused field is scrolled into what stays visible."""
        if (width, height) == self.size:
            return
        self.page.send("Page.stopScreencast")
        self.start(width, height)
        self.page.evaluate("(() => { const el = document.activeElement; if (el && el !== document.body && "
                           "el.scrollIntoViewIfNeeded) el.scrollIntoViewIfNeeded(true); })()")

    def stop(self) -> None:
        self.closing = True
        self.page.on_loaded = lambda: None
        try:
            self.page.send("Page.stopScreencast", timeout=5)
        except (PageError, TimeoutError):       # the page may already be gone
            pass

    def _frame(self, params: dict, session: str) -> None:
        if session != self.page.session:
            return
        self.pipe.post("Page.screencastFrameAck", {"sessionId": params["sessionId"]}, session)
        meta = params.get("metadata") or {}
        try:
            self.on_frame(base64.b64decode(params["data"]), int(meta.get("deviceWidth", self.size[0])),
                          int(meta.get("deviceHeight", self.size[1])))
        except Exception:  # noqa: BLE001 - the kiosk's sink must not stop the screencast
            log.exception("web: a page frame could not be handed over")

    def crashed(self) -> None:
        self.on_ask("crashed", "")       # the kiosk opens the page again

    # -- the page asks the citizen ---------------------------------------------------------------
    def _dialog(self, params: dict, session: str) -> None:
        """alert / confirm / prompt wait for the citizen's answer on a kiosk dialog (:meth:`answer`);
        a page that asks before it unloads is let go (the kiosk's own buttons decide where the
        citizen goes). One at a time: a page that stacks them gets no second one until the first
        is answered."""
        kind = params.get("type", "alert")
        if kind == "beforeunload" or self.closing or self.asking is not None:
            self.pipe.post("Page.handleJavaScriptDialog", {"accept": kind == "beforeunload"}, session)
            return
        self.asking = ("dialog", session, params.get("defaultPrompt", ""))
        self.on_ask(kind, (params.get("message") or "")[:MESSAGE_MAX])

    def camera(self, origin: str, reply: Callable[[Any], None]) -> None:
        """The page wants the camera or microphone (getUserMedia; the navigation guard has
        allowed its site): the citizen answers on the kiosk's dialog. Yes grants them to that
        origin only, for the rest of the session; a no is asked again next time."""
        if origin in self.cameras:
            reply(True)
            return
        if self.asking is not None or self.closing:
            reply(False)
            return
        self.asking = ("camera", origin, reply)
        self.on_ask("camera", urlsplit(origin).hostname or "")

    def answer(self, accept: bool) -> None:
        """The citizen's answer (from any thread) to the open dialog or camera question."""
        asking, self.asking = self.asking, None
        if asking is None:
            return
        if asking[0] == "dialog":
            args = {"accept": bool(accept)} | ({"promptText": asking[2]} if accept and asking[2] else {})
            self.pipe.post("Page.handleJavaScriptDialog", args, asking[1])
            return
        origin, reply = asking[1], asking[2]
        if not accept:
            reply(False)
            return
        granted = self.pipe.post("Browser.grantPermissions", {"permissions": ["videoCapture", "audioCapture"],
                                                              "origin": origin})
        self.cameras[origin] = True
        granted.add_done_callback(lambda f: reply(f.exception() is None))

    def _chooser(self, params: dict, session: str) -> None:
        """A file chooser (材料上传): nothing is chosen until the citizen picks a way on the kiosk
        (签名 …); its ``accept`` goes with the question, so the kiosk offers only what fits."""
        node = params.get("backendNodeId")
        if node is None:
            return
        self.chooser = (session, node)
        accept = ""
        try:
            obj = self.pipe.send("DOM.resolveNode", {"backendNodeId": node}, session, 10)["object"]["objectId"]
            accept = self.pipe.send("Runtime.callFunctionOn", {
                "objectId": obj, "functionDeclaration": "function() { return this.accept || ''; }",
                "returnByValue": True}, session, 10)["result"].get("value") or ""
        except (CdpError, KeyError, TimeoutError):     # the element went away: anything
            pass
        self.on_ask("chooser", str(accept)[:200])

    def give_file(self, name: str, mime: str, data: bytes) -> None:
        """The file the citizen made on the kiosk (a signature, a capture) into the page's
        chooser: written to the session's RAM folder (removed with the session), never to disk.
        Chromium gives the page the type its name's ending says: a name whose ending does not
        say ``mime`` gets that type's ending."""
        chooser, self.chooser = self.chooser, None
        if chooser is None:
            return
        name = os.path.basename(name) or "file"
        if mimetypes.guess_type(name)[0] != mime:
            name += mimetypes.guess_extension(mime) or ""
        folder = Path(tempfile.mkdtemp(prefix="file-", dir=self.folder))
        path = folder / name
        path.write_bytes(data)
        self.pipe.send("DOM.setFileInputFiles", {"files": [str(path)], "backendNodeId": chooser[1]}, chooser[0])

    # -- what the page gives the citizen ---------------------------------------------------------
    def print_page(self) -> None:
        """``window.print()``: the page as a PDF (A4, backgrounds) for the kiosk's print preview."""
        try:
            data = self.page.send("Page.printToPDF", {
                "printBackground": True, "paperWidth": 8.27, "paperHeight": 11.7, "marginTop": 0,
                "marginBottom": 0, "marginLeft": 0, "marginRight": 0}, 60)["data"]
        except (PageError, TimeoutError, KeyError) as exc:     # the page went away
            log.warning("web: the page could not be printed to PDF (%s)", type(exc).__name__)
            return
        self.on_document("print", "page.pdf", base64.b64decode(data))

    def _download_begins(self, params: dict, _session: str) -> None:
        self.downloads[params["guid"]] = params.get("suggestedFilename") or "download"

    def _download_progress(self, params: dict, _session: str) -> None:
        """A finished download: read from the session's RAM folder, given to the kiosk, and
        deleted; over :data:`DOCUMENT_MAX` it is refused unread."""
        state, guid = params.get("state"), params.get("guid", "")
        if state == "inProgress" and params.get("receivedBytes", 0) > DOCUMENT_MAX and guid in self.downloads:
            self.pipe.post("Browser.cancelDownload", {"guid": guid})
            self.on_document("too_large", self.downloads.pop(guid)[:120], b"")
            return
        if state not in ("completed", "canceled") or guid not in self.downloads:
            return
        name = self.downloads.pop(guid)
        path = self.folder / "downloads" / guid
        try:
            if state == "canceled":
                raise OSError("canceled")
            size = path.stat().st_size
            data = b"" if size > DOCUMENT_MAX else path.read_bytes()
            path.unlink()
        except OSError as exc:
            log.warning("web: a download did not arrive (%s)", type(exc).__name__)
            return
        self.on_document("download" if data else "too_large", name[:120], data)

    # -- input (view pixels from the top left, as the frames are drawn) -------------------------
    def tap(self, x: float, y: float) -> None:
        self.page.tap(x, y)

    def scroll(self, x: float, y: float, dx: float, dy: float) -> None:
        self.page.wheel(x, y, dx, dy)

    def type_text(self, text: str) -> None:
        self.page.insert_text(text)

    def press(self, key: str) -> None:
        if key not in ("Backspace", "Enter", "Tab", "Shift+Tab", "Delete", "ArrowLeft", "ArrowRight"):
            raise ValueError(f"key {key!r} is not one the kiosk keyboard sends")
        self.page.press(key)

    def zoom(self, percent: int) -> None:
        """The page's text and boxes at ``percent`` % (CSS zoom: text reflows, taps stay in view
        pixels), kept across navigations: applied again on each page's DOMContentLoaded."""
        self.percent = max(100, min(300, int(percent)))
        self._apply_zoom()

    def _zoom_again(self) -> None:
        if self.percent != 100:
            self._apply_zoom()

    def _apply_zoom(self) -> None:
        self.pipe.post("Runtime.evaluate", {"expression": f"document.documentElement.style.zoom = '{self.percent}%'"},
                       self.page.session)
