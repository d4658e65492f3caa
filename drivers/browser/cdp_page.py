# SPDX-License-Identifier: Apache-2.0
"""The citizen's one page in one Chromium, over the DevTools pipe (:mod:`.cdp`).

Every target Chromium makes (the page, its out-of-process iframes) is attached paused
(``Target.setAutoAttach`` with ``waitForDebuggerOnStart`` and ``flatten``) and let go only after
it has the kiosk's scripts (run before any of the page's own, in every frame) and the kiosk's one
binding; a second page (a popup the page script still manages to open) is closed, so the view
shows one page. Top-level navigations, redirects included, stop at the Fetch domain and go on
only when ``guard(url)`` lets them (else the guard's page is served in their place).
"""
from __future__ import annotations

import base64
import json
import logging
import threading
import time
from concurrent.futures import Future
from typing import Any, Callable

from .cdp import CdpError, Pipe

log = logging.getLogger(__name__)
# The page's one binding (Runtime.addBinding) and the kiosk's functions made of it: the page calls
# window.__ehallCamera() / __ehallPrint() / __ehallFocus(editable, kind); a call's answer comes
# back through __ehallReply (not writable by the page).
BINDING = "__ehallBinding"
BRIDGE = """(() => {
  const raw = window.__ehallBinding; if (!raw) return;
  let n = 0; const pending = new Map();
  const call = (name, args, wait) => new Promise((resolve) => {
    const id = ++n; if (wait) pending.set(id, resolve); else resolve(undefined);
    raw(JSON.stringify({name, id, args})); });
  Object.defineProperty(window, '__ehallReply', {value: (id, value) => {
    const r = pending.get(id); pending.delete(id); if (r) r(value); }});
  window.__ehallCamera = () => call('camera', [], true);
  window.__ehallPrint = () => call('print', [], false);
  window.__ehallFocus = (...args) => call('focus', args, false);
})();"""
KEYS = {"Backspace": ("Backspace", 8, ""), "Enter": ("Enter", 13, "\r"), "Tab": ("Tab", 9, ""),
        "Delete": ("Delete", 46, ""), "ArrowLeft": ("ArrowLeft", 37, ""), "ArrowRight": ("ArrowRight", 39, "")}
Guard = Callable[[str], "str | None"]        # url -> None (go on) or the page to serve instead
# (name, args, the calling frame's URL, reply(value)): a call of the page's binding
BindingSink = Callable[[str, list, str, Callable[[Any], None]], None]


class PageError(Exception):
    """A page command failed: a navigation error, an exception of a script, a closed page."""


class Page:
    """The shown page of one Chromium: its session, frames, navigation and input."""

    def __init__(self, pipe: Pipe, scripts: list[str], guard: Guard, on_binding: BindingSink,
                 on_crash: Callable[[], None], size: tuple[int, int]):
        self.pipe = pipe
        self.script = "\n".join([BRIDGE, *scripts])
        self.guard, self.on_binding, self.on_crash = guard, on_binding, on_crash
        self.size = size
        self.target = ""                  # the page's target id (= its main frame's id)
        self.session = ""                 # the page's flattened session
        self._ready = threading.Event()
        self.frames: dict[str, str] = {}                     # frame id -> URL
        self.contexts: dict[tuple[str, int], str] = {}        # (session, context id) -> frame id
        self._loaded: set[str] = set()                        # loader ids past DOMContentLoaded
        self._load = threading.Condition()
        self.on_loaded: Callable[[], None] = lambda: None     # each top-level DOMContentLoaded
        for method, handler in (("Target.attachedToTarget", self._attached),
                                ("Fetch.requestPaused", self._paused),
                                ("Runtime.bindingCalled", self._binding),
                                ("Runtime.executionContextCreated", self._context),
                                ("Runtime.executionContextsCleared", self._contexts_cleared),
                                ("Page.frameNavigated", self._navigated),
                                ("Page.navigatedWithinDocument", self._within),
                                ("Page.lifecycleEvent", self._lifecycle),
                                ("Inspector.targetCrashed", self._crashed)):
            pipe.on(method, handler)

    def attach(self, timeout: float = 30.0) -> None:
        """Attaches to Chromium's first page (waits until it is set up and running)."""
        self.pipe.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                "flatten": True})
        if not self._ready.wait(timeout):
            raise PageError("no page to attach to")

    # -- targets -------------------------------------------------------------------------------
    def _attached(self, params: dict, _parent: str) -> None:
        info, session = params["targetInfo"], params["sessionId"]
        kind = info.get("type")
        if kind == "page" and self.session and info["targetId"] != self.target:
            self.pipe.post("Target.closeTarget", {"targetId": info["targetId"]})   # one view: no popups
            return
        if kind not in ("page", "iframe"):
            self.pipe.post("Runtime.runIfWaitingForDebugger", session=session)
            return
        main = kind == "page"
        if main:
            self.target, self.session = info["targetId"], session
        width, height = self.size
        commands: list[tuple[str, dict]] = [
            ("Page.enable", {}), ("Runtime.enable", {}), ("Runtime.addBinding", {"name": BINDING}),
            ("Page.addScriptToEvaluateOnNewDocument", {"source": self.script}),
            ("Page.setInterceptFileChooserDialog", {"enabled": True}),
            ("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True})]
        if main:
            commands += [("Page.setLifecycleEventsEnabled", {"enabled": True}), ("Inspector.enable", {}),
                         ("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                         "requestStage": "Request"}]}),
                         ("Emulation.setFocusEmulationEnabled", {"enabled": True}),
                         ("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                                 "deviceScaleFactor": 1, "mobile": False})]
        futures = [self.pipe.post(method, args, session) for method, args in commands]

        def go(_f: Future) -> None:
            if all(f.done() for f in futures):
                run = self.pipe.post("Runtime.runIfWaitingForDebugger", session=session)
                if main:
                    run.add_done_callback(lambda _r: self._ready.set())
        for future in futures:
            future.add_done_callback(go)

    def _crashed(self, _params: dict, session: str) -> None:
        if session == self.session:
            self.on_crash()

    # -- the navigation guard ------------------------------------------------------------------
    def _paused(self, params: dict, session: str) -> None:
        request_id = params["requestId"]
        if params.get("resourceType") == "Document" and params.get("frameId") == self.target:
            page = self.guard(params["request"]["url"])
            if page is not None:
                self.pipe.post("Fetch.fulfillRequest", {
                    "requestId": request_id, "responseCode": 200, "body": base64.b64encode(page.encode()).decode(),
                    "responseHeaders": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}]}, session)
                return
        self.pipe.post("Fetch.continueRequest", {"requestId": request_id}, session)

    # -- frames and their scripts' calls -------------------------------------------------------
    def _navigated(self, params: dict, _session: str) -> None:
        frame = params["frame"]
        self.frames[frame["id"]] = frame.get("url", "") + frame.get("urlFragment", "")

    def _within(self, params: dict, _session: str) -> None:
        self.frames[params["frameId"]] = params.get("url", "")

    def _context(self, params: dict, session: str) -> None:
        context = params["context"]
        aux = context.get("auxData") or {}
        if aux.get("frameId"):
            self.contexts[(session, context["id"])] = aux["frameId"]

    def _contexts_cleared(self, _params: dict, session: str) -> None:
        for key in [k for k in self.contexts if k[0] == session]:
            del self.contexts[key]

    def _binding(self, params: dict, session: str) -> None:
        if params.get("name") != BINDING:
            return
        try:
            call = json.loads(params["payload"])
            name, call_id, args = str(call["name"]), int(call["id"]), list(call.get("args") or [])
        except (ValueError, KeyError, TypeError):
            return
        context = params["executionContextId"]
        url = self.frames.get(self.contexts.get((session, context), ""), "")

        def reply(value: Any) -> None:
            self.pipe.post("Runtime.evaluate", {"expression": f"window.__ehallReply({call_id}, {json.dumps(value)})",
                                                "contextId": context}, session)
        self.on_binding(name, args, url, reply)

    # -- navigation ----------------------------------------------------------------------------
    def _lifecycle(self, params: dict, session: str) -> None:
        if session != self.session or params.get("frameId") != self.target or params.get("name") != "DOMContentLoaded":
            return
        with self._load:
            self._loaded.add(params["loaderId"])
            if len(self._loaded) > 200:
                self._loaded.clear()
            self._load.notify_all()
        self.on_loaded()

    def goto(self, url: str, timeout: float = 30.0) -> None:
        """Opens ``url``, back when its DOMContentLoaded came; raises :class:`PageError` (a network
        error) or TimeoutError."""
        result = self.send("Page.navigate", {"url": url}, timeout)
        if result.get("errorText"):
            raise PageError(result["errorText"])
        loader = result.get("loaderId")
        if not loader:
            return                                  # within the document: no load
        end = time.monotonic() + timeout
        with self._load:
            while loader not in self._loaded:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the page did not load within {timeout} s")
                self._load.wait(left)

    def back(self) -> None:
        history = self.send("Page.getNavigationHistory")
        index = history.get("currentIndex", 0)
        if index > 0:
            self.send("Page.navigateToHistoryEntry", {"entryId": history["entries"][index - 1]["id"]})

    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """The value of ``expression`` in the page's main frame (JSON-like; promises awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise PageError((details.get("exception") or {}).get("description") or details.get("text", "error"))
        return result.get("result", {}).get("value")

    def send(self, method: str, params: dict | None = None, timeout: float = 30.0) -> dict:
        try:
            return self.pipe.send(method, params, self.session, timeout)
        except CdpError as exc:
            raise PageError(str(exc)) from None

    # -- input (view pixels) -------------------------------------------------------------------
    def tap(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def wheel(self, x: float, y: float, dx: float, dy: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        self.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": x, "y": y, "deltaX": dx, "deltaY": dy})

    def insert_text(self, text: str) -> None:
        self.send("Input.insertText", {"text": text})

    def press(self, key: str) -> None:
        """One of :data:`KEYS`, or ``Shift+Tab``."""
        shift = key == "Shift+Tab"
        name, code, text = KEYS["Tab" if shift else key]
        common = {"key": name, "code": name, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        if shift:
            self.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Shift", "code": "ShiftLeft",
                                                 "windowsVirtualKeyCode": 16, "modifiers": 8})
        down = {"type": "keyDown", "text": text, "unmodifiedText": text} if text else {"type": "rawKeyDown"}
        self.send("Input.dispatchKeyEvent", {**common, **down})
        self.send("Input.dispatchKeyEvent", {**common, "type": "keyUp"})
        if shift:
            self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Shift", "code": "ShiftLeft",
                                                 "windowsVirtualKeyCode": 16})

    def set_size(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                         "deviceScaleFactor": 1, "mobile": False})
