# SPDX-License-Identifier: Apache-2.0
"""The kiosk's Kivy app: fonts, kv, the router, idle ticks and lockdown.

``KioskApp(kiosk)`` shows the screens of :mod:`screens`; which screen is
current is decided by the session's route only (the router below). Nothing
runs at import time: fonts and kv load in :meth:`KioskApp.build`.
"""
from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition

from kiosk import i18n
from kiosk.i18n import N_, _
from kiosk.ui_bridge import UiBridge

from . import ask, browse, cache_budget, countdown, home, item, item_list, kivy_listeners, qr, search, widgets
from . import admin, admin_login, assist_call, assist_consent, assist_fallback, assist_wait, staff_pin
from . import consent, face, help_desk, idcard, identified, order, order_done, order_lookup, rating, web
from .end_release import EndRelease
from .screen_set import ScreenSet
from .theme import BG as SCREEN_BG, Theme

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
KV_FILES = ("widgets", "keyboard", "home", "browse", "item_list", "search", "item", "qr", "countdown",
            "assist_keypad", "assist_consent", "assist_wait", "assist_fallback", "assist_call",
            "assist_banner", "assist_toolbar", "staff_pin", "consent", "idcard", "face", "identified",
            "identity_banner", "help_desk", "ask", "order", "rating", "web", "admin_login", "admin", "app")
SCREENS = {"home": home.HomeScreen, "browse": browse.BrowseScreen, "list": item_list.ItemListScreen,
           "search": search.SearchScreen, "item": item.ItemScreen, "qr": qr.QrScreen,
           "assist_consent": assist_consent.AssistConsentScreen, "assist_wait": assist_wait.AssistWaitScreen,
           "assist_fallback": assist_fallback.AssistFallbackScreen, "assist_call": assist_call.AssistCallScreen,
           "staff_pin": staff_pin.StaffPinScreen, "consent": consent.ConsentScreen, "idcard": idcard.IdCardScreen,
           "face": face.FaceScreen, "identified": identified.IdentifiedScreen,
           "identity_help": consent.IdentityHelpScreen, "help": help_desk.HelpDeskScreen,
           "ask": ask.AskScreen, "web": web.WebScreen, "order": order.OrderScreen,
           "order_done": order_done.OrderDoneScreen, "rate": rating.RatingScreen,
           "order_lookup": order_lookup.OrderLookupScreen,
           "admin_login": admin_login.AdminLoginScreen, "admin": admin.AdminScreen}
TICK_SECONDS = 0.5
NOTICE_SECONDS = 8
SORRY = N_("抱歉，刚才出了点问题，已为您返回首页。如需帮助请到服务台咨询。")


def register_fonts() -> None:
    """Noto Sans SC becomes Kivy's default font, so every label renders hanzi."""
    from kivy.core.text import DEFAULT_FONT, LabelBase
    from pylopdf_fonts_zh_cn import sans_path

    LabelBase.register(DEFAULT_FONT, str(sans_path()))


def load_kv() -> None:
    """Loads each kv file once per process (loading twice would stack the rules)."""
    for stem in KV_FILES:
        path = str(HERE / f"{stem}.kv")
        if path not in Builder.files:
            Builder.load_file(path)


class KioskRoot(FloatLayout):
    notice = StringProperty("")
    hosted = BooleanProperty(False)     # the current screen shows the notice in its own layout


class _SaneScreenOnError(ExceptionHandler):
    def __init__(self, app: "KioskApp"):
        super().__init__()
        self.app = app

    def handle_exception(self, inst):
        log.error("unexpected error in the UI", exc_info=inst)
        try:
            self.app.recover()
        except Exception:
            log.exception("could not return to the home screen")
        return ExceptionManager.PASS


class KioskApp(App):
    theme = ObjectProperty(None)
    ui = ObjectProperty(None)
    assist_ready = BooleanProperty(False)     # remote assist can call now: 呼叫帮办, else 找工作人员
    voice_on = BooleanProperty(False)         # 语音播报 is on for this session (the bar's 语音 button)
    voice_ready = BooleanProperty(False)      # a speaker and a voice exist: the 语音 button shows
    # a screen that needs the window's height (a web page with the keyboard up) asks the identity
    # banner to step aside; that screen's own bar keeps 结束办理 (screens/identity_banner.py)
    banner_aside = BooleanProperty(False)
    title = "政务e厅"
    exit_code = 0                             # the process's exit status (重启程序 / 退出到桌面: screens/admin_flow.py)
    # kv's translation function: ``text: app._('按部门')``. It is a new function for each language,
    # so every kv expression that calls it is evaluated again when the language changes.
    _ = ObjectProperty(i18n.translator(i18n.SOURCE))

    def __init__(self, kiosk, kiosk_mode: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.kiosk = kiosk
        self.kiosk_mode = kiosk_mode
        self._tick_event = None
        self._notice_event = None
        self._end_release = None        # the core's step after a session's end, once the app let go
        self._error_handler = _SaneScreenOnError(self)
        self.screens = ScreenSet(None, {})        # the real set once built (screens/screen_set.py)

    # -- building ------------------------------------------------------------
    def build(self):
        from kivy.core.window import Window

        cache_budget.apply()            # every Kivy cache bounded (docs/memory.md)
        kivy_listeners.apply()          # and its listeners (ScrollView's bar colour)
        register_fonts()
        load_kv()
        Window.set_vkeyboard_class(widgets.KioskKeyboard)
        Window.clearcolor = SCREEN_BG    # the screens' background: cleared, never drawn as a layer
        self.theme = Theme()
        self.ui = UiBridge(self.kiosk.session)
        root = KioskRoot()
        self.manager = root.ids.manager
        self.manager.transition = NoTransition()
        self.screens = ScreenSet(self.manager, SCREENS)   # the rest are built when first shown
        self.overlay = countdown.CountdownOverlay()
        root.bind(notice=self._forward_notice)
        self._ = i18n.translator(self.ui.language)
        self.ui.bind(route=self._on_route, large_text=self._on_large_text, phase=self._on_phase,
                     language=self._on_language)
        self.kiosk.session.on_wipe(self._wipe)
        self._end_release = EndRelease(self.kiosk.session, self.screens.drop_unused)   # (its docstring)
        self.theme.apply(self.ui.large_text)
        Window.bind(on_touch_down=self._on_any_touch)
        if self.kiosk_mode:
            Window.bind(on_request_close=self._refuse_close)
        ExceptionManager.add_handler(self._error_handler)
        self._tick_event = Clock.schedule_interval(self._tick, TICK_SECONDS)
        return root

    def on_start(self):
        from .identity_banner import attach

        attach(self)   # the held identity, masked, with 结束办理 on every screen; 首页 asks first
        from .admin_flow import controller as admin_flow

        admin_flow(self)   # the admin screen: staff badges are watched from the start
        self._on_route(self.ui, self.ui.route)

    def on_stop(self):
        from kivy.core.window import Window

        self.stopping = True     # screens leave their layout alone now (SearchScreen.fit)

        if self._tick_event is not None:
            self._tick_event.cancel()
        Window.unbind(on_touch_down=self._on_any_touch)
        Window.unbind(on_request_close=self._refuse_close)
        if self._error_handler in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self._error_handler)
        self._release_keyboards()
        self.ui.close()

    # -- state from the core ---------------------------------------------------
    def _on_route(self, _ui, route) -> None:
        name = route.screen if route.screen in self.screens else "home"
        self.refresh_help()
        try:
            screen = self.screens[name]             # built now if this session had not needed it
            if getattr(screen, "hosts_notice", False):
                screen.notice = self.root.notice    # a notice given before it was built
            screen.show(**route.params)
        except Exception:
            log.exception("screen %s could not show its route", name)
            self.recover()
            return
        self.manager.current = name
        self.root.hosted = bool(getattr(self.screens[name], "hosts_notice", False))
        if self.kiosk.voice is not None:
            self.speak_screen(name)
            self._sync_voice()

    def _forward_notice(self, _root, text: str) -> None:
        for screen in self.screens.built():
            if getattr(screen, "hosts_notice", False):
                screen.notice = text

    def _on_large_text(self, _ui, large: bool) -> None:
        self.theme.apply(large)
        self._sync_voice()

    # -- EN / 中文 ------------------------------------------------------------------
    def toggle_language(self) -> None:
        """The EN / 中文 button: the other language for the rest of this session."""
        self.kiosk.session.set_language("en" if self.ui.language == "zh" else "zh")

    def _on_language(self, _ui, language: str) -> None:
        self._ = i18n.translator(language)        # kv texts follow
        widgets.KioskKeyboard.relabel_all()       # the on-screen keyboard's captions
        screen = self.screens.get(self.manager.current)
        if screen is not None:
            screen.relabel()                      # texts the screen set in Python
        if self.root.notice:
            self.root.notice = ""
        if self.kiosk.voice is not None and self.kiosk.session.phase.value != "idle":
            self.speak_screen(self.manager.current)

    # -- 语音播报 ------------------------------------------------------------------
    def _sync_voice(self, *_args) -> None:
        voice = self.kiosk.voice
        self.voice_ready = bool(voice is not None and voice.available)
        self.voice_on = bool(voice is not None and voice.on)

    def toggle_voice(self) -> None:
        """The bar's 语音: turns the voice on for this session and speaks this screen; while it
        is on (语音 开), opens its panel: 音量 −/+ and 关闭语音 (screens/voice_panel.py)."""
        voice = self.kiosk.voice
        if voice is None:
            return
        if voice.on:
            from .voice_panel import VoicePanel

            if getattr(self, "voice_panel", None) is None:
                self.voice_panel = VoicePanel(self)
            self.voice_panel.open_for()
            return
        voice.toggle()
        self._sync_voice()
        if voice.on:
            self.speak_screen(self.manager.current)

    def speak(self, key: str, text: str, lead: bool = False) -> None:
        """A changing prompt (the queue's place, 请向左转头, a print's outcome), when voice is on:
        ``text`` as shown (public words only: kiosk/voice/tts.py refuses citizen data). ``lead``:
        said before the next screen's instruction instead (the screen that follows at once)."""
        voice = self.kiosk.voice
        if voice is not None and lead:
            voice.lead(text)
        elif voice is not None:
            voice.say(key, text)

    def speak_screen(self, name: str) -> None:
        """The screen's instruction, after what the screen is about (an item page's name)."""
        screen = self.screens.get(name)
        self.kiosk.voice.screen_shown(name, subject=getattr(screen, "spoken_subject", ""))

    def toggle_voice_off(self) -> None:
        """关闭语音 on the voice panel: off for this session, what plays is silenced."""
        voice = self.kiosk.voice
        if voice is not None and voice.on:
            voice.toggle()
            self._sync_voice()

    def _on_phase(self, _ui, phase: str) -> None:
        shown = self.overlay.parent is not None
        if phase == "countdown" and not shown:
            self._release_keyboards()
            self.root.add_widget(self.overlay)
            if self.kiosk.voice is not None:
                self.kiosk.voice.screen_shown("countdown")
        elif phase != "countdown" and shown:
            self.root.remove_widget(self.overlay)

    def _wipe(self) -> None:
        widgets.KioskKeyboard.reset_all()     # letters, strokes and candidates go with the citizen
        for screen in self.screens.built():
            screen.wipe()
        self.root.notice = ""
        self._sync_voice()
        # the screens this citizen needed beyond the five every citizen meets go once home shows
        Clock.schedule_once(self._end_release)

    def _release_keyboards(self) -> None:
        for typing in ("search", "ask", "order", "order_lookup"):
            screen = self.screens.get(typing)
            if screen is not None:
                screen.release_keyboard()

    # -- time, touches, lockdown, errors ---------------------------------------
    def _tick(self, _dt) -> None:
        self.kiosk.session.tick()
        self.ui.sync()

    def _on_any_touch(self, _window, _touch):
        # In the countdown only its own buttons answer (a stray touch must not
        # swallow the 结束办理 tap by ending the countdown first).
        if self.kiosk.session.phase.value != "countdown":
            self.kiosk.session.touch()
        return False

    @staticmethod
    def _refuse_close(*_args, **_kwargs) -> bool:
        return True

    def notify(self, text: str) -> None:
        """A plain message at the top of the screen for a few seconds."""
        self.root.notice = text
        if self._notice_event is not None:
            self._notice_event.cancel()
        self._notice_event = Clock.schedule_once(lambda _dt: setattr(self.root, "notice", ""),
                                                 NOTICE_SECONDS)

    def recover(self) -> None:
        """After an unexpected error: home screen and a plain apology."""
        self._release_keyboards()
        self.kiosk.session.home()
        self.manager.current = "home"
        self.notify(_(SORRY))

    def refresh_help(self) -> None:
        """The help button's words follow the assist service: one label on every screen."""
        from .assist_flow import controller

        self.assist_ready = controller(self).available

    def call_assist(self) -> None:
        """呼叫帮办 when the assist service can call; otherwise 找工作人员 (the desk screen)."""
        from .assist_flow import controller

        if not controller(self).call():
            self.assist_ready = False
            self.kiosk.session.go("help")
