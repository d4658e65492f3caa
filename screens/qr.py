# SPDX-License-Identifier: Apache-2.0
"""Hand-off to the phone: a big, crisp QR code for the item's URL."""
from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, ObjectProperty, StringProperty

from kiosk import qr as qr_core
from kiosk.catalogue import shown_name
from kiosk.i18n import N_

from .widgets import KioskScreen


def qr_texture(url: str) -> Texture:
    """One texel per module (quiet zone included, white); draw it scaled with
    nearest-neighbour filtering so the edges stay sharp."""
    rows = qr_core.matrix(url)
    n = len(rows)
    buf = bytearray()
    for row in reversed(rows):              # textures start at the bottom row
        buf.extend(0 if dark else 255 for dark in row)
    tex = Texture.create(size=(n, n), colorfmt="luminance")
    tex.blit_buffer(bytes(buf), colorfmt="luminance", bufferfmt="ubyte")
    tex.mag_filter = "nearest"
    tex.min_filter = "nearest"
    return tex


class QrScreen(KioskScreen):
    texture = ObjectProperty(None, allownone=True)
    modules = NumericProperty(1)
    item_name = StringProperty("")
    url = StringProperty("")

    def show(self, id: str = "", **params) -> None:   # noqa: A002 - the route's param
        item = self.kiosk.item(id)
        if item is None:
            raise LookupError(f"no item {id!r}")
        self.title = N_("手机继续办理")
        self._item_id = item.id
        self.item_name = shown_name(item)
        self.url = self.kiosk.qr_url(item)
        self.texture = qr_texture(self.url)
        self.modules = self.texture.width

    @staticmethod
    def crisp_side(available: float, modules: int) -> float:
        """The largest whole number of pixels per module that fits."""
        return max(1, int(available // modules)) * modules

    def relabel(self) -> None:
        item = self.kiosk.item(self._item_id) if getattr(self, "_item_id", "") else None
        if item is not None:
            self.item_name = shown_name(item)        # the English name, or the Chinese one marked

    def wipe(self) -> None:
        self._item_id = ""
        self.texture = None
        self.item_name = self.url = ""
