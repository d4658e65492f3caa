# SPDX-License-Identifier: Apache-2.0
"""添加照片 in 留言（工单）: when a document camera is configured, the step before the summary
shows its live view; 拍照 takes the page (found, flattened and evened out, as 拍照上传 does:
kiosk.web.capture) as a JPEG under the hub's limit, up to ``MAX_PHOTOS``, each shown as a
thumbnail with 删除. The photos stay in the session's draft (memory only, wiped with it) and
go with the order only on the summary's 确认提交 (screens/order.py)."""
from __future__ import annotations

import threading
from typing import Any

from kivy.clock import Clock

from kiosk.i18n import _

MAX_PHOTOS = 3


def camera_of(kiosk: Any) -> Any:
    """The document camera's shot helper (kiosk.web.upload_camera.UploadCamera), or None."""
    from kiosk.web.upload_camera import UploadCamera

    camera = getattr(kiosk, "devices", {}).get("document_camera")
    cam = UploadCamera(camera) if camera is not None else None
    return cam if cam is not None and cam.available else None


def _thumb(rgb: Any) -> Any:
    import cv2

    width = 240
    return cv2.resize(rgb, (width, max(1, rgb.shape[0] * width // rgb.shape[1])), interpolation=cv2.INTER_AREA)


class PhotoTaker:
    """The 添加照片 step's work for :class:`screens.order.OrderScreen` (its ``part`` is the step)."""

    def __init__(self, screen: Any, camera: Any) -> None:
        self.screen, self.camera = screen, camera

    @property
    def photos(self) -> list:
        return self.screen.draft.setdefault("photos", [])       # [(jpeg bytes, thumbnail rgb)]

    def start(self) -> None:
        self.show_thumbs()
        if len(self.photos) < MAX_PHOTOS:
            self.camera.start(lambda frame: Clock.schedule_once(lambda _dt: self._frame(frame)))

    def _frame(self, frame: Any) -> None:
        from .web import _texture
        part = self.screen.part
        if part is None or self.screen.step != "photos":
            return
        if not frame.size:
            self.screen.message = _("拍摄设备没有画面，可以不加照片，直接点“下一步”。")
            return
        part.ids.live.texture = _texture(frame, part.ids.live.texture)

    def shoot(self) -> None:
        if len(self.photos) >= MAX_PHOTOS or self.screen.shooting:
            return
        self.screen.shooting = True
        self.screen.message = _("正在处理，请稍候…")

        def work() -> None:
            from kiosk.records.service import MAX_PHOTO_BYTES
            from kiosk.web.capture import to_jpeg
            shot = self.camera.shoot()
            made = (to_jpeg(shot[0], MAX_PHOTO_BYTES), _thumb(shot[0])) if shot is not None else None
            Clock.schedule_once(lambda _dt: self._shot(made))
        threading.Thread(target=work, name="order-photo", daemon=True).start()

    def _shot(self, made: Any) -> None:
        self.screen.shooting = False
        if self.screen.step != "photos":
            return
        if made is None:
            self.screen.message = _("还没有拍到画面，请稍候再点“拍照”。")
            return
        self.photos.append(made)
        if len(self.photos) < MAX_PHOTOS:          # the step's question makes way: say what comes next
            self.screen.message = _("已拍 {n} 张（最多 {max} 张）。可以再拍，或点“下一步”。").format(
                n=len(self.photos), max=MAX_PHOTOS)
        else:
            self.screen.message = _("已拍 {max} 张，不能再拍了。请点“下一步”。").format(max=MAX_PHOTOS)
        if len(self.photos) >= MAX_PHOTOS:
            self.camera.stop()
        self.show_thumbs()

    def remove(self, n: int) -> None:
        if 0 <= n < len(self.photos):
            del self.photos[n]
            self.screen.message = _("已删除这张照片。")
            self.start()

    def show_thumbs(self) -> None:
        from kivy.factory import Factory

        from .web import _texture
        part = self.screen.part
        part.ids.thumbs.clear_widgets()
        for n, (_jpeg, rgb) in enumerate(self.photos):
            cell = Factory.OrderThumb()
            cell.ids.image.texture = _texture(rgb, None)
            cell.ids.delete_btn.bind(on_release=lambda _b, n=n: self.remove(n))
            part.ids.thumbs.add_widget(cell)
        self.screen.photo_count = len(self.photos)

    def stop(self) -> None:
        self.camera.stop()
