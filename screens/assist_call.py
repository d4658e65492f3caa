# SPDX-License-Identifier: Apache-2.0
"""The video call with a helper: their video large, the citizen's self-view small,
a plain banner that they can see the screen, 静音 and 挂断, and the helper's messages.

Frames arrive as numpy RGB arrays (top row first) through the controller, on the
main thread, at the video's own frame rate; each is copied into a texture that is
made again only when the size changes. Blitting into the same texture changes
nothing Kivy watches, so the video widget's canvas is asked to redraw
(``canvas.ask_update()``): without it the picture stays on its first frame.
"""
from __future__ import annotations

from kivy.graphics import Callback
from kivy.graphics.opengl import GL_BLEND, glDisable, glEnable
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.image import Image

from kiosk.i18n import N_

from .widgets import KioskScreen

CHAT_LINES = 3


def frame_texture(frame, texture: Texture | None) -> Texture:
    """Copies an H×W×3 uint8 RGB frame into ``texture`` (a new one if the size differs)."""
    height, width = frame.shape[:2]
    if texture is None or texture.size != (width, height):
        texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.flip_vertical()               # numpy rows start at the top, GL at the bottom
    texture.blit_buffer(frame.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    return texture


class OpaqueVideo(Image):
    """A call video drawn without GL blending: its frames are opaque, and on software GL
    (llvmpipe) blending makes every pixel read the window's pixel back first: the helper's video,
    the largest thing a call redraws 7.5 times a second, costs about a fifth less (docs/remote-assist.md).
    Blending is off only while a frame is shown fully opaque; back on for everything after it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.canvas.before.add(Callback(self._opaque))
        self.canvas.after.add(Callback(_blend_on))

    def _opaque(self, _instr) -> None:
        if self.texture is not None and self.opacity >= 1 and self.color[3] >= 1:
            glDisable(GL_BLEND)


def _blend_on(_instr) -> None:
    glEnable(GL_BLEND)


def helper_lines(chat, limit: int = CHAT_LINES) -> str:
    """The helper's last messages, one per line (the citizen's own are not repeated)."""
    texts = []
    for msg in chat or ():
        if isinstance(msg, dict):
            if msg.get("from", "helper") == "helper" and msg.get("text"):
                texts.append(str(msg["text"]))
        elif isinstance(msg, str):
            texts.append(msg)
    return "\n".join(texts[-limit:])


class AssistCallScreen(KioskScreen):
    remote = ObjectProperty(None, allownone=True)
    local = ObjectProperty(None, allownone=True)
    helper_name = StringProperty("")
    chat_text = StringProperty("")
    muted = BooleanProperty(False)
    has_self_view = BooleanProperty(False)

    def show(self, **params) -> None:
        from .assist_flow import controller
        self.title = N_("视频帮办")
        self.refresh(controller(self.app))

    def refresh(self, ctl) -> None:
        svc = ctl.service
        if svc is None or not ctl.in_call:       # after the call: stay wiped
            return
        self.helper_name = svc.helper_name or ""
        self.chat_text = helper_lines(svc.chat)
        self.muted = bool(svc.muted)
        self.has_self_view = ctl.has_self_view

    def set_frame(self, which: str, frame) -> None:
        widget = self.ids.remote_video if which == "remote" else self.ids.self_view
        old = self.remote if which == "remote" else self.local
        texture = frame_texture(frame, old)
        if texture is not old:                  # a new size: a new texture, Kivy redraws itself
            setattr(self, which, texture)
            widget.texture = texture
        else:                                   # same texture, new pixels: ask for the redraw
            widget.canvas.ask_update()

    def toggle_mute(self) -> None:
        from .assist_flow import controller
        controller(self.app).set_muted(not self.muted)

    def hangup(self) -> None:
        from .assist_flow import controller
        controller(self.app).hangup()

    def keep_browsing(self) -> None:
        self.session.back()

    def wipe(self) -> None:
        self.remote = self.local = None
        self.ids.remote_video.texture = None
        self.ids.self_view.texture = None
        self.helper_name = self.chat_text = ""
        self.muted = False
