# SPDX-License-Identifier: Apache-2.0
"""网上办 at the terminal: the citizen's page below the kiosk's own bar.

The page is drawn from the browser's frames (kiosk/web, drivers/browser/view.py), so the bar
(结束办理, 返回, 大字, help) is always above it and usable, the idle timer counts touches in
the page like any other, and the remote helper's view of the screen includes the page. A
tap on the page is sent as a click, a drag scrolls it, and when a text field in the page has
focus the kiosk's keyboard comes up and types into it.
"""
from __future__ import annotations

import io
import threading

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.web.service import UPLOAD_NOT_YET

from .signature import SignaturePad  # noqa: F401 - used in web.kv

# PageInput is a TextInput, and importing TextInput opens Kivy's window: registered lazily
Factory.register("PageInput", module="screens.page_input")
from kiosk.i18n import N_, _

from .web_fill import FillSteps
from .web_preview import PrintPreview
from .widgets import KioskScreen

DRAG_PX = 12            # a finger that moves further than this scrolls instead of tapping
OPENING = N_("正在打开网上办事页面，请稍候…")
# the way on when the page cannot open, by where the citizen came from
WAY_ON = {"item": N_("您可以返回指南，扫码用手机办理，或请工作人员帮助。"), "home": N_("请稍后再试，或请工作人员帮助。")}
# a page's getUserMedia (人脸认证 on the portal): the citizen's consent, as the identity flow asks it
CAMERA_WORDS = N_("网站“{host}”要使用本机的摄像头和麦克风（例如人脸认证），会拍到您的面部。您同意吗？")
CAMERA_KEEP = N_("画面只发给这个网站，用于本次办理；本机不保存。不同意也可以：请用手机办理，或请工作人员帮助。")


class PageView(Widget):
    """The page's newest frame, scaled to this widget; touches go to the page."""
    texture = ObjectProperty(None, allownone=True)
    web = ObjectProperty(None, allownone=True)          # kiosk.web.WebService
    shown_h = NumericProperty(0)                        # the frame's height on the screen

    def show_frame(self) -> None:
        frame = self.web.frame if self.web is not None else None
        if frame is None:
            return
        pixels = decode_jpeg(frame.jpeg)
        texture = self.texture
        if texture is None or texture.size != (pixels.width, pixels.height) or texture.colorfmt != pixels.fmt:
            texture = Texture.create(size=(pixels.width, pixels.height), colorfmt=pixels.fmt)
            texture.flip_vertical()
        texture.blit_data(pixels)
        self.texture = texture
        self.shown_h = pixels.height * self.scale()
        self.canvas.ask_update()

    def scale(self) -> float:
        """Window pixels per page pixel: the page fills the width and hangs from the top (with
        the keyboard up it is shorter than this widget; the keyboard covers the rest)."""
        frame = self.web.frame if self.web is not None else None
        return self.width / frame.width if frame is not None and frame.width else 1.0

    def page_xy(self, x: float, y: float) -> tuple[float, float]:
        """A window point as page pixels from the page's top left."""
        k = self.scale()
        return (x - self.x) / k, (self.top - y) / k

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or self.web is None:
            return super().on_touch_down(touch)
        from kivy.uix.behaviors import FocusBehavior

        # the page decides where typing goes (it reports its focus): a tap on it must not
        # take the kiosk keyboard away from a field in the page
        FocusBehavior.ignored_touch.append(touch)
        touch.grab(self)
        touch.ud["page_drag"] = False
        touch.ud["page_last"] = touch.pos
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if not touch.ud["page_drag"] and (abs(touch.x - touch.ox) > DRAG_PX or abs(touch.y - touch.oy) > DRAG_PX):
            touch.ud["page_drag"] = True
        if touch.ud["page_drag"]:
            lx, ly = touch.ud["page_last"]
            x, y = self.page_xy(*touch.pos)
            # the content follows the finger: a finger moving up scrolls the page down
            self.web.scroll(x, y, -(touch.x - lx), touch.y - ly)
            touch.ud["page_last"] = touch.pos
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if not touch.ud["page_drag"]:
            self.web.tap(*self.page_xy(*touch.pos))
        return True


def decode_jpeg(jpeg: bytes):
    """A page frame's JPEG as Kivy's ImageData (rows top first), decoded by Kivy's SDL2_image loader:
    no PIL or numpy in the kiosk for the page (issue 18: PIL's modules and buffers stayed after a
    web session)."""
    from kivy.core.image import ImageLoader

    loader = next(lo for lo in ImageLoader.loaders if lo.can_load_memory() and "jpg" in lo.extensions())
    image = loader("__inline__", ext="jpg", rawdata=io.BytesIO(jpeg), inline=True, nocache=True, keep_data=True)
    return image._data[0]        # the loader's decoded pixels (Kivy keeps no copy: nocache)


def _texture(rgb, texture):
    """An RGB frame (numpy, top row first) into a Kivy texture (reused when the size matches)."""
    height, width = rgb.shape[:2]
    if texture is None or texture.size != (width, height):
        texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.flip_vertical()
    texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    return texture


class AskLayer(FloatLayout):
    """A layer over the page (the page's question, the signature pad, the camera, the print
    preview): while it is up it is drawn and takes every touch on the page's area (its own
    buttons answer; the page waits); while down it is invisible and takes none."""
    active = BooleanProperty(False)          # web.kv: drawn only while active

    def on_touch_down(self, touch):
        if not self.active or not self.collide_point(*touch.pos):
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        return super().on_touch_move(touch) if self.active else False

    def on_touch_up(self, touch):
        return super().on_touch_up(touch) if self.active else False


class WebScreen(FillSteps, PrintPreview, KioskScreen):
    opening = BooleanProperty(False)     # the page is on its way (the status says so; no way-on button yet)
    status = StringProperty("")          # opening / why it could not open ("" when the page shows)
    page_shown = BooleanProperty(False)
    from_item = BooleanProperty(False)   # opened by 在本机办理 (返回指南) rather than from home (返回)
    ask_kind = StringProperty("")        # the page asks (alert / confirm / prompt / chooser): a kiosk dialog
    ask_text = StringProperty("")
    ask_image = BooleanProperty(False)   # the page's upload takes an image: 签名 is offered
    signing = BooleanProperty(False)     # the signature pad is up
    ask_capture = BooleanProperty(False)  # the upload can take a document photo (拍照)
    ask_pages = BooleanProperty(False)    # ... of several pages (a PDF)
    capturing = BooleanProperty(False)    # the document camera's live view is up
    shot = BooleanProperty(False)         # a page was taken: its result is shown (重拍 / 下一页 / 完成)
    shot_note = StringProperty("")
    pages_taken = NumericProperty(0)
    camera_texture = ObjectProperty(None, allownone=True)
    ask_phone = BooleanProperty(False)   # 手机上传 can answer the page's upload (a hub makes the link)
    bridge = ObjectProperty(None, allownone=True)
    fill_offered = BooleanProperty(False)   # 填入证件信息: a field has the focus and the card can fill it
    fill_note = StringProperty("")
    fill_bridge = ObjectProperty(None, allownone=True)

    def show(self, **params) -> None:
        self.title = params.get("title") or N_("网上办事")
        self._url = params.get("url", "")
        self.from_item = params.get("origin") == "item"
        web = self.kiosk.web
        if self.bridge is None and web is not None:
            from kiosk.ui_bridge import WebBridge
            self.bridge = WebBridge(web)
            self.bridge.bind(state=self._on_state, editable=self._on_editable, frame_seq=self._on_frame,
                             ask_kind=self.setter("ask_kind"), ask_text=self.setter("ask_text"),
                             ask_image=self.setter("ask_image"), has_document=self._on_document,
                             ask_capture=self.setter("ask_capture"), ask_pages=self.setter("ask_pages"),
                             ask_file=self._on_ask_file,
                             refusal=self._on_refusal)
        self.attach_fill()
        self.ids.page.web = web
        self.ids.typing.web = web
        self._on_state(self.bridge, self.bridge.state if self.bridge else "failed")
        Clock.schedule_once(lambda _dt: self._open(), 0)

    def _open(self) -> None:
        web = self.kiosk.web
        if web is None:
            self.status = _("本机暂时不能打开网上办事。") + "\n" + _(WAY_ON["item" if self.from_item else "home"])
            return
        from kivy.core.window import Window

        # the page fills the window below the bar (the screen may not be laid out yet)
        web.open(self._url, int(Window.width), int(self._room() - self.app.theme.nav_h))
        if self.app.ui.large_text:
            Clock.schedule_once(lambda _dt: web.zoom(True), 0)

    def _on_state(self, _bridge, state: str) -> None:
        self.page_shown = state == "open"
        message = self.bridge.message if self.bridge else ""
        failed = _(message) + "\n" + _(WAY_ON["item" if self.from_item else "home"])
        self.opening = state == "opening"
        self.status = {"opening": _(OPENING), "failed": failed}.get(state, "")
        if state == "open" and self.app.ui.large_text:
            self.kiosk.web.zoom(True)

    def _on_editable(self, _bridge, editable: bool) -> None:
        if editable:
            self.ids.typing.restart()
        self.ids.typing.focus = bool(editable) and self.manager is not None and self.manager.current == self.name
        self.app.banner_aside = self.ids.typing.focus   # the identity banner makes room for the page
        Clock.schedule_once(lambda _dt: self._fit_page(), 0)

    def _room(self) -> float:
        """The window's height the screens get: less the identity banner while it shows."""
        from kivy.core.window import Window
        banner = getattr(self.app, "identity_banner", None)
        return Window.height - (banner.height if banner is not None and banner.parent is not None else 0)

    def _fit_page(self) -> None:
        """The page's view ends where the keyboard starts, so the field being typed into
        stays visible (the page scrolls it into view); the whole area again without it."""
        from kivy.core.window import Window

        from .theme import keyboard_size
        web = self.kiosk.web
        if web is None:
            return
        kw, kh = keyboard_size(self.app.theme.large)
        # the docked keyboard is scaled to the window's width (Kivy's VKeyboard dock mode)
        covered = kh * Window.width / kw if self.ids.typing.focus else 0
        covered += self.ids.fill_strip.height if self.fill_offered else 0
        web.resize(int(Window.width), int(self._room() - self.app.theme.nav_h - covered))

    def _on_frame(self, _bridge, _seq) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.ids.page.show_frame()

    def answer(self, accept: bool) -> None:
        """确定 / 取消 on the kiosk's dialog for the page's question."""
        if self.kiosk.web is not None:
            self.kiosk.web.answer(accept)

    def ask_words(self) -> str:
        """What the kiosk's dialog says: the page's own words, or for an upload the way on."""
        if self.ask_kind == "camera":            # 人脸认证 on the page: the citizen's consent, as for identity
            return _(CAMERA_WORDS).format(host=self.ask_text) + "\n" + _(CAMERA_KEEP)
        if self.ask_kind != "chooser":
            return self.ask_text
        offered = self.ask_image or self.ask_capture or self.ask_phone
        return _("网站需要上传材料。请选择：") if offered else _(UPLOAD_NOT_YET)

    def _on_ask_file(self, _bridge, takes: bool) -> None:
        phone = self.kiosk.phone_upload
        self.ask_phone = bool(takes and phone is not None and phone.available)

    def phone(self) -> None:
        """手机上传: a QR code for the citizen's phone; the page's upload waits meanwhile."""
        self.ids.phone_layer.open_for(self.kiosk.phone_upload)

    def sign(self) -> None:
        """签名 for the page's upload: the pad comes up (the question stays open meanwhile)."""
        self.ids.pad.clear()
        self.signing = True

    def sign_done(self) -> None:
        pad = self.ids.pad
        if not pad.has_ink or self.kiosk.web is None:
            return
        self.kiosk.web.give_signature(pad.to_png())
        pad.clear()
        self.signing = False

    def sign_cancel(self) -> None:
        self.ids.pad.clear()
        self.signing = False
        self.answer(False)

    # -- 拍照上传: the document camera ------------------------------------------------------------
    def capture(self) -> None:
        """拍照: the document camera's live view; the page's upload waits meanwhile."""
        self._pages: list = []
        self.pages_taken = 0
        self._start_camera()

    def _start_camera(self) -> None:
        self.shot, self.shot_note, self.capturing = False, _("请把材料平放在拍摄区，对准后点“拍照”"), True
        self.kiosk.web.start_preview(lambda frame: Clock.schedule_once(lambda _dt: self._show_camera(frame)))

    def _show_camera(self, frame) -> None:
        if not self.capturing or self.shot:
            return
        if not frame.size:
            self.shot_note = _("拍摄设备没有画面，请告诉工作人员，或用手机办理。")
            return
        self.camera_texture = _texture(frame, self.camera_texture)

    def shoot(self) -> None:
        """The newest frame, found, flattened and evened out, on a worker thread."""
        self.shot_note = _("正在处理，请稍候…")

        def work() -> None:
            result = self.kiosk.web.shoot()
            Clock.schedule_once(lambda _dt: self._shot(result))
        threading.Thread(target=work, name="document-shot", daemon=True).start()

    def _shot(self, result) -> None:
        if not self.capturing:
            return
        if result is None:
            self.shot_note = _("还没有拍到画面，请稍候再点“拍照”。")
            return
        page, found = result
        self.kiosk.web.stop_preview()
        self._pages.append(page)
        self.pages_taken = len(self._pages)
        self.shot = True
        self.camera_texture = _texture(page, None)
        self.shot_note = (_("第 {n} 页。") if found else
                          _("第 {n} 页：没有找到材料的边缘，已按整个画面保存，可以重拍。")).format(n=self.pages_taken)

    def retake(self) -> None:
        """重拍: the last page is dropped, the live view again."""
        if self._pages:
            self._pages.pop()
        self.pages_taken = len(self._pages)
        self._start_camera()

    def next_page(self) -> None:
        self._start_camera()

    def capture_done(self) -> None:
        """完成: the pages go to the page's upload (JPEG, or one PDF), from memory."""
        pages, self._pages = list(getattr(self, "_pages", [])), []
        self._close_camera()
        if not self.kiosk.web.give_capture(pages):
            self.app.notify(_("这个网站不接受拍摄的材料。请用手机办理，或请工作人员帮助。"))

    def capture_cancel(self) -> None:
        self._pages = []
        self._close_camera()
        self.answer(False)

    def _close_camera(self) -> None:
        if self.kiosk.web is not None:
            self.kiosk.web.stop_preview()
        self.capturing = self.shot = False
        self.camera_texture = None
        self.pages_taken = 0

    def toggle_large(self) -> None:
        large = not self.app.ui.large_text
        self.session.set_large_text(large)
        if self.kiosk.web is not None:
            self.kiosk.web.zoom(large)

    def page_back(self) -> None:
        if self.kiosk.web is not None:
            self.kiosk.web.back()

    def on_pre_leave(self, *args) -> None:
        self.ids.typing.focus = False
        self.app.banner_aside = False
        self._fit_page()

    def dropped(self) -> None:
        """The session's end drops this screen (screens/screen_set.py); the browser service, the
        fill and 手机上传 live on, so their bridges let go of it."""
        for bridge in (self.bridge, self.fill_bridge):
            if bridge is not None:
                bridge.close()
        self.bridge = self.fill_bridge = None
        self.ids.phone_layer.let_go()

    def wipe(self) -> None:
        self._pages = []
        self.capturing = self.shot = False
        self.camera_texture = None
        self.ids.typing.focus = False
        self.app.banner_aside = False
        self.ids.pad.clear()
        self.signing = False
        self.previewing = False
        self.preview_texture = None
        self.ids.page.texture = None
        self.status = ""
        self.page_shown = False


from .web_phone import PhoneLayer  # noqa: E402,F401 - used in web.kv (it builds on AskLayer)
