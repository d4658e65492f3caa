# SPDX-License-Identifier: Apache-2.0
"""拍照上传: the document camera's preview and shot for :class:`kiosk.web.service.WebService`.
OpenCV and the page finder (:mod:`kiosk.web.capture`) load with the first preview."""
from __future__ import annotations

from typing import Any, Callable


class UploadCamera:
    """拍照上传 for the web service: the document camera's live preview and the shot taken
    from it (:class:`kiosk.web.capture.LivePreview`, :func:`kiosk.web.capture.document_page`)."""

    def __init__(self, camera: Any) -> None:
        self.camera = camera
        self._preview: Any = None         # a kiosk.web.capture.LivePreview while it runs

    @property
    def available(self) -> bool:
        state = getattr(getattr(self.camera, "state", None), "value", "")
        return self.camera is not None and state in ("ready", "busy", "degraded")

    def start(self, on_frame: Callable[[Any], None]) -> None:
        """The camera's frames (at most 960 px wide) to ``on_frame`` until :meth:`stop`;
        an empty frame means the camera failed (unplugged)."""
        import cv2

        from .capture import LivePreview

        def small(frame: Any) -> None:
            if frame.size and frame.shape[1] > 960:
                frame = cv2.resize(frame, (960, frame.shape[0] * 960 // frame.shape[1]), interpolation=cv2.INTER_AREA)
            on_frame(frame)
        self.stop()
        self._preview = LivePreview(self.camera, small)
        self._preview.start()

    def stop(self) -> None:
        if self._preview is not None:
            self._preview.stop()
            self._preview = None

    def shoot(self) -> tuple[Any, bool] | None:
        """The newest full frame as a page ready for upload, and whether a page was found in it;
        None when the camera has given no frame. Slow (≈ 0.2 s): not on the UI thread."""
        from .capture import document_page

        frame = self._preview.latest if self._preview is not None else None
        return document_page(frame) if frame is not None and frame.size else None


class CaptureSteps:
    """拍照上传 on WebService: the document camera (:class:`UploadCamera`) and the pages it takes into
    the page's open file chooser. Needs ``_camera``, ``ask``, ``upload_max``, ``_page``, ``device``
    and ``changes``."""

    _camera: UploadCamera
    ask: Any
    upload_max: int
    device: Any
    changes: Any

    def _page(self, fn: Callable[[], None]) -> None:
        raise NotImplementedError

    @property
    def capture_available(self) -> bool:
        return self._camera.available

    def start_preview(self, on_frame: Callable[[Any], None]) -> None:
        """The camera's frames (at most 960 px wide) to ``on_frame`` until :meth:`stop_preview`."""
        self._camera.start(on_frame)

    def stop_preview(self) -> None:
        self._camera.stop()

    def shoot(self) -> tuple[Any, bool] | None:
        """The newest full frame as a page ready for upload (see UploadCamera.shoot); slow."""
        return self._camera.shoot()

    def give_capture(self, pages: list[Any]) -> bool:
        """The captured pages into the page's open file chooser: one page as JPEG where images
        are taken, else (or several pages) one PDF; compressed to ``web.upload_max_kb``."""
        from .capture import to_jpeg, to_pdf

        ask = self.ask
        if ask is None or not pages or not (ask.takes_jpeg or ask.takes_pdf):
            return False
        if len(pages) == 1 and ask.takes_jpeg:
            name, mime, data = "材料.jpg", "image/jpeg", to_jpeg(pages[0], self.upload_max)
        elif ask.takes_pdf:
            name, mime, data = "材料.pdf", "application/pdf", to_pdf(pages, self.upload_max)
        else:
            return False
        self.ask = None
        self._page(lambda: self.device.give_file(name, mime, data))
        self.changes.notify(self)
        return True

