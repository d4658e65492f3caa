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
