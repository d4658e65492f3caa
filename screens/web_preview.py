# SPDX-License-Identifier: Apache-2.0
"""证书自助打印 on the web screen: a page's PDF (a download or window.print()) in the kiosk's print
preview, then the A4 printer (screens/web.py's WebScreen takes this part)."""
from __future__ import annotations

import io

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty

from kiosk.i18n import N_, _

# what the citizen reads after 打印 in the print preview (docs/printing.md's outcomes)
PRINT_WORDS = {
    "print_done": N_("请在打印机出纸口取走您的文件。"),
    "print_duplicate": N_("这份文件已经打印过了，请在出纸口取走。"),
    "print_unavailable_tell_staff": N_("打印机暂时不能用，请到服务台告知工作人员。"),
    "print_unavailable_staff_notified": N_("打印机暂时不能用，已通知工作人员。"),
    "print_failed_try_again": N_("打印没有完成，请再试一次。"),
    "print_unavailable": N_("本机暂时不能打印。请用手机下载，或请工作人员帮助。"),
    "a4_print_waiting_tell_staff": N_("打印机暂时不能用，请到服务台告知工作人员；修好后会自动打印。"),
    "a4_print_waiting_staff_notified": N_("打印机暂时不能用，已通知工作人员；修好后会自动打印。"),
}


class PrintPreview:
    """The print preview's state and actions, for the web screen."""
    previewing = BooleanProperty(False)  # a page's PDF in the print preview (证书自助打印)
    preview_pages = NumericProperty(0)
    can_print = BooleanProperty(False)   # the A4 printer can take it now
    preview_texture = ObjectProperty(None, allownone=True)

    # -- 证书自助打印: a page's PDF (download or window.print()) -------------------------------------
    def _on_document(self, _bridge, has: bool) -> None:
        web = self.kiosk.web
        doc = web.document if web is not None else None
        if not has or doc is None:
            self.previewing = False
            return
        from kivy.core.image import Image as CoreImage

        self.preview_texture = CoreImage(io.BytesIO(doc.preview_png), ext="png").texture
        self.preview_pages = doc.pages
        self.can_print = self.kiosk.a4_available()
        self.previewing = True

    def _on_refusal(self, _bridge, text: str) -> None:
        if text:
            self.app.notify(_(text))
            self.kiosk.web.clear_refusal()

    def print_document(self) -> None:
        """打印: the previewed PDF on the A4 printer (once per document and session)."""
        doc = self.kiosk.web.take_document() if self.kiosk.web is not None else None
        self.previewing = False
        if doc is None:
            return
        self.kiosk.print_a4_pdf(doc.pdf, "web document", doc.job_key,
                                lambda outcome: Clock.schedule_once(lambda _dt: self._printed(outcome)))

    def _printed(self, outcome) -> None:
        key = "print_duplicate" if outcome.duplicate else outcome.message_key
        self.app.notify(_(PRINT_WORDS.get(key, PRINT_WORDS["print_unavailable"])))

    def close_preview(self) -> None:
        if self.kiosk.web is not None:
            self.kiosk.web.take_document()
        self.previewing = False
