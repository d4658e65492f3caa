# SPDX-License-Identifier: Apache-2.0
"""Headless Debian Chromium (Playwright, never `playwright install`) on the real helper
console, plus a kiosk AssistService with a simulated camera, against an in-process hub.
Loopback only: the ICE patch in assist_testkit.only_loopback is applied by the caller."""
from __future__ import annotations

import contextlib
import os
import shutil
from collections import deque
import threading
import time

import numpy as np
import pytest

from assist_testkit import HubThread, kiosk_config
from kiosk.assist import AssistService

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",                 # else WebRTC skips 127.0.0.1
    "--disable-features=WebRtcHideLocalIpsWithMdns",       # no .local candidates, no mDNS
    "--autoplay-policy=no-user-gesture-required",
]
HELPER = ("wangfang", "password-wangfang", "王芳")
SCREEN_LEFT, SCREEN_RIGHT = (220, 30, 30), (30, 30, 200)   # the kiosk "screen": red | blue


def screen_pattern(width: int = 640, height: int = 360) -> np.ndarray:
    img = np.empty((height, width, 3), np.uint8)
    img[:, : width // 2] = SCREEN_LEFT
    img[:, width // 2:] = SCREEN_RIGHT
    return img


def cjk_fontconfig(folder):
    """A fontconfig with the kiosk's Noto Sans SC: this machine has no system CJK font (a hall's
    console PC has one), and boxes in a screenshot hide what staff would read."""
    from pylopdf_fonts_zh_cn import sans_path

    from drivers.browser.chromium import _fontconfig

    return _fontconfig(folder, (str(sans_path().parent),))


@contextlib.contextmanager
def console_page(tmp_path, hub, name: str, password: str, shown: str, strict: bool = False, **launch):
    """Debian Chromium under the hub's CSP on the staff console, logged in as ``name`` (the
    console shows ``shown``); yields (page, CSP violations seen). For the console's own pages
    (工单, 统计, 补充答案): the hub's real CSP applies, Chinese renders with the kiosk's font.
    ``strict``: page script errors and failed requests (4xx/5xx) count as violations too;
    ``launch``: more Playwright context options (downloads, viewport)."""
    from playwright.sync_api import expect, sync_playwright

    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir(exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**{k: v for k, v in os.environ.items() if k != "HOME"}, "HOME": str(home),
           "XDG_RUNTIME_DIR": str(runtime), "FONTCONFIG_FILE": str(cjk_fontconfig(tmp_path))}
    pw = sync_playwright().start()
    violations: list[str] = []
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS, env=env, **launch)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        if strict:
            page.on("pageerror", lambda e: violations.append(str(e)))
            page.on("response", lambda r: violations.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(hub.http + "/")
        page.fill("#login-name", name)
        page.fill("#login-password", password)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#who")).to_have_text(shown, timeout=10_000)
        yield page, violations
        ctx.close()
    finally:
        pw.stop()


# The console keeps its RTCPeerConnection private; the rig notes each one so that a failing
# test can say what the helper's browser received (KEEP_PEERS, RECEIVE_STATS).
KEEP_PEERS = """(() => { const Orig = window.RTCPeerConnection; if (!Orig) return;
  window.__rigPeers = [];
  window.RTCPeerConnection = function (...args) { const pc = new Orig(...args);
    window.__rigPeers.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Orig.prototype; })();"""
RECEIVE_STATS = """async () => { const out = [];
  for (const pc of (window.__rigPeers || []).slice(-1)) {
    const stats = await pc.getStats();
    stats.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') out.push({
      mid: r.mid, w: r.frameWidth, received: r.framesReceived, decoded: r.framesDecoded,
      dropped: r.framesDropped, keyframes: r.keyFramesDecoded, lost: r.packetsLost,
      nack: r.nackCount, pli: r.pliCount, freezes: r.freezeCount,
      frozen_s: r.totalFreezesDuration, state: pc.connectionState }); });
  }
  return out; }"""


def need_browser() -> None:
    """Chromium and Playwright's client come with the README's set-up: missing, the test fails
    (a skip would hide the console's tests on a machine that was set up wrong)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: run scripts/bootstrap.sh (scripts/apt-packages.txt)")
    import playwright.sync_api  # noqa: F401  (a project dependency, pyproject.toml)


class RemoteFrames:
    """Counts the helper's frames the kiosk decodes and keeps a little about them."""

    def __init__(self) -> None:
        self.count, self.first_at, self.std = 0, None, 0.0
        self.shape: tuple[int, ...] | None = None
        self.lock = threading.Lock()

    def __call__(self, rgb: np.ndarray) -> None:
        with self.lock:
            self.count += 1
            if self.first_at is None:
                self.first_at = time.monotonic()
            if self.count % 5 == 1:
                self.std, self.shape = float(rgb.std()), rgb.shape


class Rig:
    """The hub and the helper's Chromium; with ``kiosk`` (default) also a bare kiosk
    AssistService, without it the caller attaches its own (the Kivy app's)."""

    def __init__(self, tmp_path, kiosk: bool = True, **hub_cfg) -> None:
        from playwright.sync_api import sync_playwright

        self.tmp = tmp_path
        self.hub = HubThread(tmp_path, **hub_cfg).start()
        self.hub.accounts.add(*HELPER)
        home = tmp_path / "home"
        home.mkdir()
        self.pw = sync_playwright().start()
        env = {k: v for k, v in os.environ.items() if k not in ("HOME",)}
        env["HOME"] = str(home)          # Chromium writes under $HOME even with a fresh profile
        runtime = tmp_path / "run"       # PulseAudio's client makes $TMPDIR/pulse-* without one
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        env["FONTCONFIG_FILE"] = str(cjk_fontconfig(tmp_path))   # Chinese glyphs in screenshots
        self.context = self.pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, bypass_csp=True,
            args=FLAGS, env=env, viewport={"width": 1280, "height": 900})
        self.context.add_init_script(KEEP_PEERS)   # diagnostics only: receive_stats() on a failure
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.frames = RemoteFrames()
        self.local_frames: deque = deque(maxlen=1)
        self.kiosk = None
        if kiosk:
            self._start_kiosk()

    def receive_stats(self) -> list[dict]:
        """The helper page's inbound video streams as WebRTC reports them (decoded frames, loss,
        NACK/PLI, freezes): for a failing test's message, never asserted on."""
        try:
            return self.page.evaluate(RECEIVE_STATS)
        except Exception as exc:  # noqa: BLE001 - a diagnosis must not hide the failure
            return [{"error": type(exc).__name__}]

    def _start_kiosk(self) -> None:
        from drivers.camera import make_camera

        self.kiosk = AssistService(kiosk_config(self.hub.url),
                                   camera_factory=lambda: make_camera("assist", "sim://"),
                                   backoff_first_s=0.2)
        self.kiosk.on_remote_frame = self.frames
        self.kiosk.on_local_frame = self.local_frames.append
        self.kiosk.set_screen_source(screen_pattern)
        self.kiosk.start()

    def login_available(self) -> None:
        page = self.page
        page.goto(self.hub.http + "/")
        page.fill("#login-name", HELPER[0])
        page.fill("#login-password", HELPER[1])
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#desk-view", state="visible", timeout=10_000)
        page.click("#btn-available")
        page.wait_for_function("document.getElementById('state').textContent === '可接听'",
                               timeout=10_000)

    def close(self) -> None:
        for step in (getattr(self.kiosk, "stop", lambda: None), self.context.close, self.pw.stop, self.hub.close):
            try:
                step()
            except Exception:
                pass
        shutil.rmtree(self.tmp / "profile", ignore_errors=True)


@pytest.fixture
def rig(tmp_path, monkeypatch):
    """A real hub, the kiosk's AssistService and the helper's console in Chromium (:class:`Rig`),
    ICE on loopback only; closed after the test."""
    from assist_testkit import only_loopback

    need_browser()
    only_loopback(monkeypatch)
    r = Rig(tmp_path)
    yield r
    r.close()
