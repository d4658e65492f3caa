# SPDX-License-Identifier: Apache-2.0
"""呼叫帮办 and 协助模式 inside the app: one controller between the assist service,
the session's routes, the two overlays (waiting banner, helper toolbar) and the
screen capture.

The service (``kiosk.assist.service.AssistService``, no Kivy) calls back from its
own asyncio thread; everything here runs on the Kivy main thread, reached through
``Clock.schedule_once``. Which call screen shows follows the service's ``state``:

- requesting/queued/ringing: ``assist_wait`` (or the banner while the citizen browses)
- connected: ``assist_call``; after it, back to the route before the call
- no_helper/timeout/hub_lost/unavailable after waiting: ``assist_fallback``
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kivy.clock import Clock

from kiosk.i18n import N_, _
from kiosk.assist_mode import AssistMode, device_lines
from kiosk.assist_routes import CALL_SCREENS, WAITING, CallView, Step, call_screen, follow, open_screen, overlays

from .assist_callback_send import CALLBACK_SENDING, can_send_callback, leave_callback  # noqa: F401
from .assist_video import CallVideo

if TYPE_CHECKING:
    from .assist_toolbar import HelperToolbar

log = logging.getLogger(__name__)

ADMIN_SCREENS = ("admin_login", "admin")      # screens/admin_flow.py: a badge there is the admin's
TICK_SECONDS = 0.5
VIDEO_FPS = 15          # the call's video rate: both videos are drawn together, at most this often
SOFTWARE_GL_FPS = 7.5   # the same under software GL, where every redraw of the window costs ~50 ms CPU
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swiftshader", "software rasterizer")


def draw_rate() -> float:
    """Video redraws per second: VIDEO_FPS on a GPU, SOFTWARE_GL_FPS on software GL (Mesa
    llvmpipe redraws the whole 1280x800 window in ~50 ms of CPU: 15 redraws a second
    would take 75 % of a core for drawing alone)."""
    try:
        from kivy.graphics.opengl import GL_RENDERER, glGetString
        renderer = (glGetString(GL_RENDERER) or b"").decode("ascii", "replace").lower()
    except Exception:                 # no GL context yet: assume the GPU the kiosk should have
        return VIDEO_FPS
    return SOFTWARE_GL_FPS if any(name in renderer for name in SOFTWARE_RENDERERS) else VIDEO_FPS
CALL_ENDED = {"hub_lost": N_("网络中断，通话已结束。如需帮助，请再次呼叫或到服务台咨询。")}
_AUTO = object()


def make_service(kiosk):
    """The AssistService the composition root built (kiosk/wiring.py); None when no hub is
    configured. Screens never construct the service."""
    return getattr(kiosk, "assist", None)


def controller(app) -> "AssistController":
    """The app's controller, made (and its service started) on first use."""
    ctl = getattr(app, "assist_ctl", None)
    return ctl if ctl is not None else attach(app)


def attach(app, service=_AUTO) -> "AssistController":
    """Makes the app's controller (replacing an earlier one); tests pass a fake service."""
    old = getattr(app, "assist_ctl", None)
    if old is not None:
        old.detach()
    ctl = AssistController(app, make_service(app.kiosk) if service is _AUTO else service)
    app.assist_ctl = ctl
    ctl.start()
    return ctl


def _register(service, name: str, fn) -> bool:
    """Registers a frame callback: ``service.<name>(fn)``, or assigns it if it is a slot."""
    slot = getattr(service, name, _AUTO)
    if slot is _AUTO:
        return False
    if callable(slot):
        slot(fn)
    else:
        setattr(service, name, fn)
    return True


class AssistController:
    def __init__(self, app, service):
        from .assist_banner import AssistBanner, OnTop
        from .screen_capture import ScreenCapture

        self.app, self.service = app, service
        self.session = app.kiosk.session
        self.mode = AssistMode(app.kiosk.config, self.session)
        self.capture = ScreenCapture()
        self.banner = AssistBanner(ctl=self)
        self._toolbar: HelperToolbar | None = None      # built for assist mode only (property below)
        self.controls = OnTop(self.banner, floor=lambda: self._toolbar.top if self._toolbar is not None
                              and self._toolbar.parent else 0)
        self.in_call = self.waiting = self.hung_up = False
        self.has_self_view = False
        self.video = CallVideo(draw_rate(), self._draw)
        self.pointer = None          # the helper's 请点这里 ring (screens/assist_pointer.py)
        self._tick_event = None
        self._attached = False

    @property
    def toolbar(self) -> "HelperToolbar":
        """The helper's toolbar (协助模式), built when needed, let go when the mode ends (issue 18)."""
        if self._toolbar is None:
            from .assist_toolbar import HelperToolbar
            self._toolbar = HelperToolbar(ctl=self)
        return self._toolbar

    @property
    def available(self) -> bool:
        """A service that can call now: not when the hub refuses this terminal ("unavailable")."""
        return self.service is not None and self.state != "unavailable"

    @property
    def state(self) -> str:
        return self.service.state if self.service is not None else "unavailable"

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> None:
        self._attached = True
        self.session.on_wipe(self._on_session_end)
        self.mode.subscribe(self._on_mode_changed)
        self.app.ui.bind(route=self._on_route)
        self.app.bind(on_stop=self._on_app_stop)
        self._tick_event = Clock.schedule_interval(self.tick, TICK_SECONDS)
        self.mode.watch_badges(self.app.kiosk.devices.get("smartcard"),      # on 管理登录 and the
                               post=lambda fn: Clock.schedule_once(lambda _dt: None if   # admin screen a
                                   self.session.route.screen in ADMIN_SCREENS else fn()))  # badge is theirs
        if self.service is None:
            return
        self.service.subscribe(self._on_service)
        _register(self.service, "on_remote_frame", lambda f: self.video.put("remote", f))
        self.has_self_view = _register(self.service, "on_local_frame", lambda f: self.video.put("local", f))
        if hasattr(self.service, "video_fps"):
            self.service.video_fps = draw_rate()     # the child sends no frame the screen would not draw
        self.service.set_screen_source(self.capture.latest)
        if getattr(self.service, "pointer", None) is not None:
            from .assist_pointer import PointerOverlay
            self.pointer = PointerOverlay(self.service.pointer, min(draw_rate(), 10.0),
                                          large=lambda: self.session.large_text)
            self.pointer.start()
        self.service.start()

    def detach(self) -> None:
        if not self._attached:
            return
        self._attached = False
        self.mode.stop_watching_badges()
        self.mode.end("detached")
        self.mode.unsubscribe(self._on_mode_changed)
        self.app.ui.unbind(route=self._on_route)
        self.app.unbind(on_stop=self._on_app_stop)
        if self._tick_event is not None:
            self._tick_event.cancel()
        self.capture.stop()
        self.controls.hide()
        if self.pointer is not None:
            self.pointer.stop()
        if self._toolbar is not None and self._toolbar.parent is not None:
            self._toolbar.parent.remove_widget(self._toolbar)
        self._toolbar = None
        if self.service is not None:
            self.service.stop()

    def _on_app_stop(self, *_args) -> None:
        self.detach()

    def tick(self, *_args) -> None:
        self.mode.tick()
        if self.service is not None and (self.state in WAITING or self.state == "connected"):
            self.session.touch()      # waiting for or talking to a helper is not being idle

    # -- the citizen's intents ------------------------------------------------------
    def call(self) -> bool:
        """呼叫帮办: the consent screen, or False when the service is not there or unavailable."""
        if not self.available:
            return False
        self.session.go(call_screen(self.state))
        return True

    def decline(self) -> None:
        self.session.back()

    def request(self) -> None:
        self.waiting = True
        self.session.replace("assist_wait")
        self.service.request(large_text=self.session.large_text)

    def keep_browsing(self) -> None:
        self.session.back()

    def cancel(self) -> None:
        self.waiting = False
        self.service.cancel()
        if self.session.route.screen == "assist_wait":
            self.session.back()
        self._sync()

    def show_wait(self) -> None:
        self.session.go("assist_wait")

    def return_to_call(self) -> None:
        self.session.go("assist_call")

    def set_muted(self, muted: bool) -> None:
        self.service.set_muted(muted)

    def hangup(self) -> None:
        self.hung_up = True
        self.service.hangup()
        self._close_call("ended")
        self._sync()

    @property
    def can_send_callback(self) -> bool:
        """The service sends call-back numbers to the hub (else they stay in session memory)."""
        return can_send_callback(self.service)

    def leave_callback(self, number: str, done=None, reason: str = "") -> str:
        """留电回拨 (screens/assist_callback_send.py); the answer is the text to show now."""
        return leave_callback(self.service, self.session, number, done, reason)

    # -- state from the service ------------------------------------------------------
    def _on_service(self, *_args) -> None:
        Clock.schedule_once(self._sync)       # any thread; never re-enters the intents above

    def _sync(self, *_args) -> None:
        if not self._attached or self.service is None:
            return
        state, route = self.state, self.session.route.screen
        home = self.app.screens.get("home")
        if home is not None and hasattr(home, "assist_available"):
            home.assist_available = self.available      # the 呼叫帮办 tile follows the hub
        if hasattr(self.app, "assist_ready"):
            self.app.assist_ready = self.available      # 呼叫帮办 or 找工作人员 on every screen
        view, steps = follow(state, route, CallView(self.waiting, self.in_call, self.hung_up))
        self.waiting, self.hung_up = view.waiting, view.hung_up      # in_call: by the steps below
        for step, at in steps:          # kiosk/assist_routes.py decides; this only carries out
            if step is Step.CLOSE_CALL:
                self._close_call(at)
            elif step is Step.SHOW_WAIT:
                self.session.replace("assist_wait")
            elif step is Step.OPEN_CALL:
                self._helper = getattr(self.service, "helper_name", None) or ""
                self._open("assist_call")
                self.in_call = True
                self.capture.start()
            elif step is Step.OPEN_FALLBACK:
                self._open("assist_fallback", reason=at)
            elif step is Step.BACK:
                self.session.back()
        for name in CALL_SCREENS:
            screen = self.app.screens.get(name)
            if screen is not None and hasattr(screen, "refresh"):
                screen.refresh(self)
        self._update_overlays()

    def _open(self, screen: str, **params) -> None:
        if open_screen(self.session.route.screen) == "replace":
            self.session.replace(screen, **params)
        else:
            self.session.go(screen, **params)

    def _close_call(self, state: str) -> None:
        self.in_call = False
        self.capture.stop()
        self.video.clear()
        if self.session.route.screen == "assist_call":
            from .rating import may_rate
            if may_rate(self.app.kiosk):        # 好差评: the call can be rated (skippable)
                self.session.replace("rate", target="call", helper=getattr(self, "_helper", ""))
            else:
                self.session.back()
        screen = self.app.screens.get("assist_call")
        if screen is not None:
            screen.wipe()
        self.app.notify(_(CALL_ENDED.get(state, N_("通话已结束。"))))

    @property
    def video_fps(self) -> float:
        return self.video.fps

    def _draw(self, frames: dict) -> None:
        screen = self.app.screens.get("assist_call")
        if screen is None or not self.in_call:
            return
        for which, frame in frames.items():
            screen.set_frame(which, frame)

    # -- assist mode ---------------------------------------------------------------------
    def open_staff_pin(self) -> None:
        self.session.go("staff_pin")

    def helper_action(self, action: str, **details) -> None:
        """A toolbar action (kiosk/assist_mode.py AssistMode.act: audited, then done)."""
        self.mode.act(action, **details)

    def device_status(self) -> list[str]:
        return device_lines(getattr(self.app.kiosk, "devices", None))

    def _on_mode_changed(self, _mode) -> None:
        self._update_overlays()

    def _on_session_end(self) -> None:
        if not self._attached:
            return
        if self.service is not None:
            if self.state == "connected":
                self.service.hangup()
            elif self.state in WAITING:
                self.service.cancel()
        self.in_call = self.waiting = False
        self.capture.stop()
        self.video.clear()
        Clock.schedule_once(lambda _dt: self._update_overlays())

    # -- overlays -------------------------------------------------------------------------
    def _on_route(self, *_args) -> None:
        self._update_overlays()

    def _update_overlays(self) -> None:
        shown = overlays(self.state if self.service is not None else None, self.session.route.screen,
                         CallView(self.waiting, self.in_call, self.hung_up))
        self.banner.calling = shown.calling
        self.banner.refresh(self)
        _sync_toolbar(self)
        if shown.controls:
            self.controls.show()              # on the Window, above everything, keyboard included
        else:
            self.controls.hide()


def _sync_toolbar(ctl: AssistController) -> None:
    """The helper's toolbar on the root while assist mode is on; at its end the toolbar goes (a
    kiosk where no helper signs in never holds its 13 widgets and their label textures)."""
    if ctl.mode.active:
        _show(ctl.app, ctl.toolbar, True)
        ctl.toolbar.refresh(ctl)
    elif ctl._toolbar is not None:
        _show(ctl.app, ctl._toolbar, False)
        ctl._toolbar.close_panel()
        ctl._toolbar = None


def _show(app, widget, shown: bool) -> None:
    """Puts an overlay on the app's root (under the countdown) or takes it off."""
    root = app.root
    if shown and widget.parent is None:
        countdown = getattr(app, "overlay", None)     # stay under the countdown
        index = root.children.index(countdown) + 1 if countdown in root.children else 0
        root.add_widget(widget, index=index)
    elif not shown and widget.parent is not None:
        widget.parent.remove_widget(widget)
