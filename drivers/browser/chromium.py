# SPDX-License-Identifier: Apache-2.0
"""Debian's Chromium as a device, driven over the DevTools protocol on Chromium's own pipe
(:mod:`.cdp`, :mod:`.cdp_page`): no driver process between the kiosk and Chromium.

One citizen, one session: :meth:`Browser.start_session` launches Chromium on a fresh profile in a
RAM folder (``/dev/shm`` when there is one), :meth:`Browser.end_session` ends the process and
removes the folder, so the next citizen's page sees no cookie, storage, cache or history of the
last. Every top-level navigation, redirect and popup is put to ``check(url)`` (the core's
allowlist, kiosk/web/policy.py) first: a refused one gets the kiosk's refusal page instead, and
popups (``window.open``, ``target=_blank``) open in the same view. The driver knows nothing of
citizens or allowlists: policy comes in as that callable.

The citizen's taps and keys go to the page in order on the browser's input thread
(:meth:`_post`); the page's events come on the pipe's event thread.
"""
from __future__ import annotations

import html
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from drivers.base import DeviceError, DeviceState, DeviceUri

from . import cdp
from .cdp_page import Page, PageError
from .errors import WEB_CRASHED, WEB_NO_BROWSER, WEB_START_FAILED
from .interface import BrowserDevice, Check
from .view import CAMERA_ASK, FOCUS_WATCH, PRINT_HOOK, AskSink, DocSink, FocusSink, FrameSink, View

log = logging.getLogger(__name__)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-translate",
         "--disable-features=Translate,DownloadBubble,SpareRendererForSitePerProcess,MediaRouter",
         "--disable-dev-tools", "--noerrdialogs", "--disable-infobars", "--password-store=basic",
         "--use-mock-keychain", "--lang=zh-CN", "--accept-lang=zh-CN",
         "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
         "--disable-backgrounding-occluded-windows", "--disable-hang-monitor", "--disable-prompt-on-repost",
         "--disable-client-side-phishing-detection", "--disable-default-apps",
         "--remote-debugging-pipe",
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


HEADLESS = ["--headless", "--hide-scrollbars", "--mute-audio"]
FAKE_CAMERA = ["--use-fake-device-for-media-stream"]     # Chromium's synthetic camera and microphone


def _end_process(proc: subprocess.Popen) -> None:
    """Waits for Chromium to exit, and kills its process group when it does not."""
    try:
        proc.wait(5)
        return
    except subprocess.TimeoutExpired:
        log.warning("web: Chromium did not close cleanly")
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:                               # gone meanwhile
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        log.error("web: Chromium does not end after SIGKILL (pid %d)", proc.pid)


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
        self._proc: subprocess.Popen | None = None
        self._pipe: cdp.Pipe | None = None
        self._page: Page | None = None
        self._profile: Path | None = None
        self._check: Check = lambda _url: None
        self.refused: list[str] = []          # hosts refused in this session (never paths)
        self._view: View | None = None
        self._on_focus: FocusSink = lambda _editable, _kind: None
        self._ending = False

    # -- device -----------------------------------------------------------------------
    def open(self) -> None:
        if not os.access(self.binary, os.X_OK):
            self._set_state(DeviceState.ABSENT, DeviceError(WEB_NO_BROWSER, self.binary))
            return
        self._set_state(DeviceState.READY)

    def close(self) -> None:
        self.end_session()
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(10)
            self._thread = None

    # -- the input thread: the citizen's taps and keys, in order -------------------------------
    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - the page may have moved on
                log.warning("web: an input to the page failed (%s)", type(exc).__name__)

    def _post(self, fn: Callable[[], Any]) -> None:
        """``fn`` on the input thread without waiting (a citizen's tap or key): a failure is
        logged by type only (the page's text may carry citizen data)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="browser-input", daemon=True)
            self._thread.start()
        self._jobs.put(fn)

    # -- one citizen's session ----------------------------------------------------------
    def start_session(self, check: Check, width: int = 1280, height: int = 800) -> None:
        if self.state is not DeviceState.READY:
            raise self.last_error or DeviceError(WEB_NO_BROWSER, self.binary)
        self._check = check
        self.refused = []
        self._ending = False
        self._launch(width, height)
        self._set_state(DeviceState.BUSY)

    def _launch(self, width: int, height: int) -> None:
        self._profile, env = _session_profile(self.font_dirs)
        (self._profile / "downloads").mkdir()
        argv = [self.binary, *FLAGS, f"--user-data-dir={self._profile / 'profile'}",
                f"--window-size={width},{height}", *(HEADLESS if self.headless else []),
                *(FAKE_CAMERA if self.fake_camera else []), "about:blank"]
        try:
            self._proc, self._pipe = cdp.launch(argv, env)
            self._page = Page(self._pipe, [SAME_VIEW, FOCUS_WATCH, PRINT_HOOK, CAMERA_ASK], self._guard,
                              self._binding, self._crashed, (width, height))
            self._pipe.on("Pipe.closed", lambda _p, _s: self._crashed())
            self._pipe.send("Browser.setDownloadBehavior", {"behavior": "allowAndName", "eventsEnabled": True,
                                                            "downloadPath": str(self._profile / "downloads")})
            self._page.attach()
        except (OSError, cdp.CdpError, PageError, TimeoutError) as exc:
            self._stop_chromium()
            raise DeviceError(WEB_START_FAILED, type(exc).__name__) from None

    def _crashed(self) -> None:
        """The page's renderer (or all of Chromium) died while the citizen's session was open."""
        if self._ending or self.state is not DeviceState.BUSY:
            return
        self._set_state(DeviceState.FAULT, DeviceError(WEB_CRASHED, "renderer"))
        if self._view is not None:
            self._view.crashed()

    def _guard(self, url: str) -> str | None:
        """A top-level navigation or one of its redirects (each stops at the Fetch domain): None
        lets it go, else the refusal page is served in its place."""
        refusal = self._check(url)
        if refusal is None:
            return None
        host = getattr(refusal, "host", "")
        self.refused.append(host)
        log.info("web: refused a page on %s (%s)", host or "-", getattr(refusal, "reason", ""))
        return REFUSED_PAGE.format(host=html.escape(host))

    def _binding(self, name: str, args: list, url: str, reply: Callable[[Any], None]) -> None:
        """The kiosk's functions the page calls (drivers/browser/cdp_page.py BRIDGE); ``url`` is the
        calling frame's, as Chromium reports it."""
        view = self._view
        if name == "focus" and args:
            self._on_focus(bool(args[0]), str(args[1] if len(args) > 1 else "")[:20])
        elif name == "print" and view is not None:
            self._post(view.print_page)
        elif name == "camera":
            if view is None or not url or self._check(url) is not None:
                reply(False)
            else:
                view.camera(_origin(url), reply)

    def goto(self, url: str, timeout: float = 30.0) -> None:
        """Opens ``url``; raises (PageError, TimeoutError) when it is not there within ``timeout`` seconds."""
        self._session_page().goto(url, timeout)

    def evaluate(self, script: str) -> Any:
        """The value of the expression ``script`` in the page (the kiosk's own bridges and tests)."""
        return self._session_page().evaluate(script)

    def _session_page(self) -> Page:
        if self._page is None:
            raise PageError("no session")
        return self._page

    # -- the page as the kiosk draws it (drivers/browser/view.py) ----------------------------
    def show(self, on_frame: FrameSink, on_focus: FocusSink, width: int, height: int,
             on_ask: AskSink | None = None, on_document: DocSink | None = None) -> None:
        """Frames of the page at ``width``×``height`` go to ``on_frame`` (from the pipe's event
        thread), focus changes to ``on_focus``, the page's dialogs and file choosers to
        ``on_ask`` (answered with :meth:`answer`); until the session ends."""
        self._on_focus = on_focus
        assert self._profile is not None
        self._view = View(self._session_page(), on_frame, on_ask or (lambda _kind, _text: None),
                          on_document or (lambda _kind, _name, _data: None), self._profile)
        self._view.start(width, height)

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
        input thread may be inside the tap the dialog blocks."""
        view = self._view
        if view is not None:
            view.answer(accept)

    def give_file(self, name: str, mime: str, data: bytes) -> None:
        self._post(lambda: self._view_do(lambda v: v.give_file(name, mime, data)))

    def resize(self, width: int, height: int) -> None:
        self._post(lambda: self._view_do(lambda v: v.resize(width, height)))

    def back(self) -> None:
        page = self._page
        if page is not None:
            self._post(page.back)

    def devtools_page(self) -> str | None:
        """The shown page's own DevTools address (``ws://127.0.0.1:PORT/devtools/page/ID``), or None:
        the port Chromium wrote into the profile and the page's target id."""
        page, profile = self._page, self._profile
        if page is None or profile is None or not page.target:
            return None
        try:
            port = int((profile / "profile" / "DevToolsActivePort").read_text().split()[0])
        except (OSError, ValueError, IndexError) as exc:
            log.warning("browser: no DevTools address for the page (%s)", type(exc).__name__)
            return None
        return f"ws://127.0.0.1:{port}/devtools/page/{page.target}"

    def end_session(self) -> None:
        """Ends Chromium and removes its RAM profile: nothing of this citizen is left, whatever
        fails on the way (a broken pipe, a browser that crashed or does not answer)."""
        self._ending = True
        view, self._view = self._view, None
        self._on_focus = lambda _editable, _kind: None
        try:
            if view is not None:
                view.stop()
        except Exception as exc:  # noqa: BLE001 - the browser is ended below all the same
            log.warning("browser: the screencast did not stop (%s)", type(exc).__name__)
        finally:
            self._stop_chromium()
        if self.state in (DeviceState.BUSY, DeviceState.FAULT):
            self._set_state(DeviceState.READY)

    def _stop_chromium(self) -> None:
        pipe, proc, self._pipe, self._proc, self._page = self._pipe, self._proc, None, None, None
        try:
            if pipe is not None:
                try:
                    pipe.send("Browser.close", timeout=5)
                except (cdp.CdpError, TimeoutError, OSError) as exc:   # a crashed browser is gone anyway
                    log.warning("browser: Browser.close not answered (%s)", type(exc).__name__)
                finally:
                    pipe.close()
        finally:
            if proc is not None:
                _end_process(proc)
            if self._profile is not None:         # the citizen's profile goes in every case
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None

    @property
    def profile(self) -> Path | None:
        return self._profile
