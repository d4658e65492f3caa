# SPDX-License-Identifier: Apache-2.0
"""Debian's Chromium as a device, driven over the DevTools protocol (Playwright's client on the
system binary; never ``playwright install``).

One citizen, one session: :meth:`Browser.start_session` launches Chromium on a fresh profile in a
RAM folder (``/dev/shm`` when there is one), :meth:`Browser.end_session` ends the process and
removes the folder, so the next citizen's page sees no cookie, storage, cache or history of the
last. Every top-level navigation, redirect and popup is put to ``check(url)`` (the core's
allowlist, kiosk/web/policy.py) first: a refused one gets the kiosk's refusal page instead, and
popups (``window.open``, ``target=_blank``) open in the same view. The driver knows nothing of
citizens or allowlists: policy comes in as that callable.

Playwright's sync API belongs to the thread that started it, so every call runs on the
browser's own thread (:meth:`_call`).
"""
from __future__ import annotations

import html
import logging
import os
import queue
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from drivers.base import DeviceError, DeviceState, DeviceUri

from .errors import WEB_CRASHED, WEB_NO_BROWSER, WEB_START_FAILED
from .interface import BrowserDevice, Check
from .view import CAMERA_ASK, FOCUS_WATCH, PRINT_HOOK, AskSink, DocSink, FocusSink, FrameSink, View

log = logging.getLogger(__name__)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-translate",
         "--disable-features=Translate,DownloadBubble,SpareRendererForSitePerProcess,MediaRouter",
         "--disable-dev-tools", "--noerrdialogs", "--disable-infobars", "--password-store=basic",
         # the network service in the browser process, not a utility process of its own: about
         # 36 MB less with a page open (bench/bench_web_total.py: utility 48 -> 8-12 MB)
         "--enable-features=NetworkServiceInProcess2",
         # the identity worker's own way to the page (填入证件信息): a loopback port Chromium picks and
         # names in the RAM profile's DevToolsActivePort, alive only with the citizen's session
         "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1"]
REFUSED_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>不在访问范围</title>
<body style="font:28px sans-serif;text-align:center;padding-top:15%">
<h1 style="font-size:40px">此网站不在本机可访问范围内</h1><p>{host}</p>
<p><button style="font-size:32px;padding:16px 40px" onclick="history.back()">返回上一页</button></p></body></html>"""


# Every page: links and forms that target another window, and window.open, stay in this view.
SAME_VIEW = """(() => {
  const self_ = (el) => { if (el && el.target && el.target !== '_self') el.target = '_self'; };
  document.addEventListener('click', (e) => { let el = e.target;
    while (el && el.tagName !== 'A' && el.tagName !== 'AREA') el = el.parentElement; self_(el); }, true);
  document.addEventListener('submit', (e) => self_(e.target), true);
  window.open = (url) => { if (url) location.assign(url); return window; };
})();"""


FONTS_CONF = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{dirs}<cachedir>{cache}</cachedir></fontconfig>"""


FAKE_CAMERA = ["--use-fake-device-for-media-stream"]     # Chromium's synthetic camera and microphone


def _session_profile(font_dirs: tuple[str, ...]) -> tuple[Path, dict[str, str]]:
    """A fresh profile folder in RAM (``/dev/shm`` when there is one) and Chromium's environment."""
    ram = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    profile = Path(tempfile.mkdtemp(prefix="ehall-web-", dir=ram))
    env = dict(os.environ, HOME=str(profile), XDG_RUNTIME_DIR=str(profile),
               XDG_CONFIG_HOME=str(profile / "config"), XDG_CACHE_HOME=str(profile / "cache"))
    if font_dirs:
        env["FONTCONFIG_FILE"] = str(_fontconfig(profile, font_dirs))
    return profile, env


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _fontconfig(profile: Path, font_dirs: tuple[str, ...]) -> Path:
    """The system's fontconfig plus the kiosk's own font folders (Noto Sans SC), so a page's
    Chinese text has glyphs on a terminal without system CJK fonts."""
    conf = profile / "fonts.conf"
    dirs = "".join(f"<dir>{html.escape(d)}</dir>" for d in font_dirs)
    conf.write_text(FONTS_CONF.format(dirs=dirs, cache=html.escape(str(profile / "fc-cache"))), encoding="utf-8")
    return conf


class Browser(BrowserDevice):
    def __init__(self, name: str, uri: DeviceUri, font_dirs: tuple[str, ...] = ()):
        super().__init__(name)
        self.font_dirs = tuple(font_dirs)     # added to fontconfig's: pages need hanzi glyphs
        self.binary = uri.path or "/usr/bin/chromium"
        self.headless = uri.params.get("headless", "1") != "0"
        self.fake_camera = uri.params.get("fake_camera", "0") == "1"
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pw: Any = None
        self._context: Any = None
        self._page: Any = None
        self._profile: Path | None = None
        self._check: Check = lambda _url: None
        self.refused: list[str] = []          # hosts refused in this session (never paths)
        self._view: View | None = None
        self._on_focus: FocusSink = lambda _editable, _kind: None

    # -- device -----------------------------------------------------------------------
    def open(self) -> None:
        if not os.access(self.binary, os.X_OK):
            self._set_state(DeviceState.ABSENT, DeviceError(WEB_NO_BROWSER, self.binary))
            return
        self._set_state(DeviceState.READY)

    def close(self) -> None:
        if self._thread is not None:
            self.end_session()
            self._jobs.put(None)
            self._thread.join(10)
            self._thread = None

    # -- the browser's own thread --------------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                # While a page is shown, Playwright's events (frames, focus) are delivered only
                # inside its calls: between jobs the thread pumps them for up to 20 ms.
                job = self._jobs.get(timeout=0.002) if self._view is not None else self._jobs.get()
            except queue.Empty:
                self._pump()
                continue
            if job is None:
                break
            fn, future = job
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)
        if self._pw is not None:
            self._pw.stop()
            self._pw = None

    def _pump(self) -> None:
        try:
            if self._page is not None:
                self._page.wait_for_timeout(20)
        except Exception:  # noqa: BLE001 - a closed page: the session's end clears the view
            self._view = None

    def _post(self, fn: Callable[[], Any]) -> None:
        """``fn`` on the browser's thread without waiting (a citizen's tap or key): a failure
        is logged by type only (the page's text may carry citizen data)."""
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - the page may have moved on
                log.warning("web: an input to the page failed (%s)", type(exc).__name__)
        if self._thread is not None:
            self._jobs.put((run, Future()))

    def _call(self, fn: Callable[[], Any], timeout: float = 60.0) -> Any:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="browser", daemon=True)
            self._thread.start()
        future: Future = Future()
        self._jobs.put((fn, future))
        return future.result(timeout)

    # -- one citizen's session ----------------------------------------------------------
    def start_session(self, check: Check, width: int = 1280, height: int = 800) -> None:
        if self.state is not DeviceState.READY:
            raise self.last_error or DeviceError(WEB_NO_BROWSER, self.binary)
        self._check = check
        self.refused = []
        self._call(lambda: self._launch(width, height))
        self._set_state(DeviceState.BUSY)

    def _launch(self, width: int, height: int) -> None:
        from playwright.sync_api import sync_playwright

        if self._pw is None:
            self._pw = sync_playwright().start()
        self._profile, env = _session_profile(self.font_dirs)
        try:
            self._context = self._pw.chromium.launch_persistent_context(
                str(self._profile / "profile"), executable_path=self.binary, headless=self.headless,
                args=FLAGS + [f"--window-size={width},{height}"] + (FAKE_CAMERA if self.fake_camera else []),
                env=env, accept_downloads=True,
                downloads_path=str(self._profile / "downloads"),
                viewport={"width": width, "height": height}, locale="zh-CN")
        except Exception as exc:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise DeviceError(WEB_START_FAILED, type(exc).__name__) from None
        for script in (SAME_VIEW, FOCUS_WATCH, PRINT_HOOK, CAMERA_ASK):
            self._context.add_init_script(script)
        self._context.expose_binding("__ehallCamera", lambda source: self._check(source["frame"].url) is None
                                     and self._view is not None and self._view.camera(_origin(source["frame"].url)))
        self._context.expose_binding("__ehallPrint", lambda _source: self._view_do(lambda v: v.print_page()))
        self._context.expose_binding("__ehallFocus", lambda _source, editable, kind="": self._on_focus(
            bool(editable), str(kind)[:20]))
        self._context.route("**/*", self._guard)
        self._context.on("page", self._on_popup)
        self._page = self._context.pages[0] if self._context.pages else self._context.new_page()
        self._page.on("crash", lambda _p: self._set_state(DeviceState.FAULT, DeviceError(WEB_CRASHED, "renderer")))

    def _guard(self, route: Any) -> None:
        """Top-level navigations: checked before they go out, and their redirects before they are
        followed (Playwright routes only a redirect chain's first request, so the guard fetches
        the page itself without following and checks each Location)."""
        request = route.request
        if not (request.is_navigation_request() and request.frame.parent_frame is None):
            route.continue_()
            return
        if self._refuse(route, request.url):
            return
        try:
            response = route.fetch(max_redirects=0)
        except Exception:  # noqa: BLE001 - unreachable: the browser shows its own error page
            route.continue_()
            return
        location = response.headers.get("location")
        if response.status in (301, 302, 303, 307, 308) and location:
            if self._refuse(route, urljoin(request.url, location)):
                return
        route.fulfill(response=response)

    def _refuse(self, route: Any, url: str) -> bool:
        refusal = self._check(url)
        if refusal is None:
            return False
        host = getattr(refusal, "host", "")
        self.refused.append(host)
        log.info("web: refused a page on %s (%s)", host or "-", getattr(refusal, "reason", ""))
        route.fulfill(status=200, content_type="text/html; charset=utf-8",
                      body=REFUSED_PAGE.format(host=html.escape(host)))
        return True

    def _on_popup(self, popup: Any) -> None:
        """A window that still opens (SAME_VIEW keeps links and window.open in this view) is closed."""
        if self._page is not None and popup != self._page:
            popup.close()

    def goto(self, url: str, timeout: float = 30.0) -> None:
        """Opens ``url``; raises (Playwright's TimeoutError or Error) when it is not there within
        ``timeout`` seconds."""
        self._call(lambda: self._page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000),
                   timeout=timeout + 10)

    def evaluate(self, script: str) -> Any:
        """Runs ``script`` in the page (the kiosk's own bridges and tests)."""
        return self._call(lambda: self._page.evaluate(script))

    def page_call(self, fn: Callable[[Any], Any]) -> Any:
        """``fn(page)`` on the browser's thread (for bridges: typing into the focused field…)."""
        return self._call(lambda: fn(self._page))

    # -- the page as the kiosk draws it (drivers/browser/view.py) ----------------------------
    def show(self, on_frame: FrameSink, on_focus: FocusSink, width: int, height: int,
             on_ask: AskSink | None = None, on_document: DocSink | None = None) -> None:
        """Frames of the page at ``width``×``height`` go to ``on_frame`` (from the browser's
        thread), focus changes to ``on_focus``, the page's dialogs and file choosers to
        ``on_ask`` (answered with :meth:`answer`); until the session ends."""
        self._on_focus = on_focus

        def start() -> None:
            self._view = View(self._page, on_frame, on_ask or (lambda _kind, _text: None),
                              on_document or (lambda _kind, _name, _data: None))
            self._view.start(width, height)
        self._call(start)

    def _view_do(self, fn: Callable[[View], None]) -> None:
        if self._view is not None:
            fn(self._view)

    def tap(self, x: float, y: float) -> None:
        self._post(lambda: self._view_do(lambda v: v.tap(x, y)))

    def scroll(self, x: float, y: float, dx: float, dy: float) -> None:
        self._post(lambda: self._view_do(lambda v: v.scroll(x, y, dx, dy)))

    def type_text(self, text: str) -> None:
        self._post(lambda: self._view_do(lambda v: v.type_text(text)))

    def press(self, key: str) -> None:
        self._post(lambda: self._view_do(lambda v: v.press(key)))

    def zoom(self, percent: int) -> None:
        self._post(lambda: self._view_do(lambda v: v.zoom(percent)))

    def answer(self, accept: bool) -> None:
        """The citizen's answer to the page's open dialog (确定 / 取消). Not a queued job: the
        browser's thread is inside the call the dialog blocks, waiting for exactly this."""
        view = self._view
        if view is not None:
            view.answer(accept)

    def give_file(self, name: str, mime: str, data: bytes) -> None:
        self._post(lambda: self._view_do(lambda v: v.give_file(name, mime, data)))

    def resize(self, width: int, height: int) -> None:
        self._post(lambda: self._view_do(lambda v: v.resize(width, height)))

    def back(self) -> None:
        self._post(lambda: self._page and self._page.go_back(wait_until="commit"))

    def devtools_page(self) -> str | None:
        """The shown page's own DevTools address (``ws://127.0.0.1:PORT/devtools/page/ID``), or None."""
        return self._call(lambda: page_address(self._context, self._page, self._profile), 10) if self._page else None

    def end_session(self) -> None:
        """Ends Chromium and removes its RAM profile: nothing of this citizen is left."""
        if self._thread is None:
            return
        if self._view is not None:
            self._view.closing = True         # a dialog waiting for the citizen lets go first

        def stop() -> None:
            if self._view is not None:
                self._view.stop()
                self._view = None
            self._on_focus = lambda _editable, _kind: None
            try:
                if self._context is not None:
                    self._context.close()
            except Exception:  # noqa: BLE001 - a crashed browser is gone anyway
                log.warning("web: Chromium did not close cleanly")
            self._context = self._page = None
            if self._profile is not None:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None
        self._call(stop)
        if self.state in (DeviceState.BUSY, DeviceState.FAULT):
            self._set_state(DeviceState.READY)

    @property
    def profile(self) -> Path | None:
        return self._profile


def page_address(context: Any, page: Any, profile: Path | None) -> str | None:
    """Where a second DevTools client reaches ``page``: the port Chromium wrote into the profile and
    the page's target id. Browser thread."""
    try:
        port = int((profile / "profile" / "DevToolsActivePort").read_text().split()[0]) if profile else 0
        cdp = context.new_cdp_session(page)
        try:
            target = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
        finally:
            cdp.detach()
    except (OSError, ValueError, IndexError, KeyError) as exc:
        log.warning("browser: no DevTools address for the page (%s)", type(exc).__name__)
        return None
    except Exception as exc:  # noqa: BLE001 - Playwright's errors (a closed page)
        log.warning("browser: no DevTools address for the page (%s)", type(exc).__name__)
        return None
    return f"ws://127.0.0.1:{port}/devtools/page/{target}" if port else None
