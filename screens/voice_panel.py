# SPDX-License-Identifier: Apache-2.0
"""语音播报's panel: the bar's 语音 开 button opens it while the voice is on.

音量 − and 音量 + (large targets: the bar's button height, at least 60 dp in large text) make the
voice softer or louder for this session and say the screen's instruction again at the new level,
so the citizen hears the change; 关闭语音 turns the voice off for the session; 完成 closes the panel.
The level is the session's: its end (kiosk/voice/guide.py) puts the hall's level back and
closes the panel. Texts are translated when it opens (it shows over one screen only)."""
from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from kiosk.i18n import N_, _

from . import theme
from .widgets import BodyLabel, KioskButton


class VoicePanel(ModalView):
    def __init__(self, app, **kwargs):
        super().__init__(size_hint=(None, None), auto_dismiss=True, background_color=(0, 0, 0, 0), **kwargs)
        self.app = app
        self.buttons: dict[str, KioskButton] = {}
        self.level = BodyLabel(halign="center", color=theme.TEXT)
        app.kiosk.session.on_wipe(self.dismiss)

    def open_for(self) -> None:
        t = self.app.theme
        self.clear_widgets()
        box = BoxLayout(orientation="vertical", padding=t.pad, spacing=t.gap)
        with box.canvas.before:                   # the screen background: dark text on light, white buttons stand out
            Color(*theme.BG)
            frame = Rectangle(pos=box.pos, size=box.size)
        box.bind(pos=lambda w, pos: setattr(frame, "pos", pos), size=lambda w, size: setattr(frame, "size", size))
        title = BodyLabel(text=_("语音播报"), halign="center", bold=True, color=theme.TEXT)
        title.font_size = t.title
        box.add_widget(title)
        box.add_widget(self.level)
        self.buttons = {}
        for keys in (("down", "up"), ("off", "done")):
            row = BoxLayout(size_hint_y=None, height=t.button_h, spacing=t.gap)
            for key in keys:
                btn = KioskButton(text=_(LABELS[key]), bold=True)
                if key in ("off", "done"):
                    btn.background_color, btn.color = theme.SURFACE, theme.PRIMARY
                btn.bind(on_release=lambda _b, k=key: self.act(k))
                self.buttons[key] = btn
                row.add_widget(btn)
            box.add_widget(row)
        self.add_widget(box)
        self.width = min(self.app.root.width * 0.9, t.button_h * 9)
        self.height = t.title * 1.6 + t.body * 1.6 + 2 * t.button_h + 3 * t.gap + 2 * t.pad + 8
        self.show_level()
        self.open(animation=False)

    def show_level(self) -> None:
        self.level.text = _("音量 {percent}%").format(percent=self.app.kiosk.voice.volume_percent)

    def act(self, key: str) -> None:
        voice = self.app.kiosk.voice
        if key in ("down", "up"):
            voice.volume(key == "up")
            self.show_level()
            self.app.speak_screen(self.app.manager.current)     # heard at the new level
        elif key == "off":
            self.dismiss(animation=False)
            self.app.toggle_voice_off()
        else:
            self.dismiss(animation=False)


LABELS = {"down": N_("音量 −"), "up": N_("音量 +"), "off": N_("关闭语音"), "done": N_("完成")}
