# SPDX-License-Identifier: Apache-2.0
"""QR hand-off to the phone (掌上办): which URL, and the code's modules."""
from __future__ import annotations

from urllib.parse import quote

from .catalogue import Item


ONLINE_CHANNELS = frozenset({"网上办", "掌上办"})


def online(item: Item) -> bool:
    """The item can be continued on a phone: its own page, or an online channel. Only then does
    a QR code (screen, receipt, A4 page) lead anywhere useful; else the way on is the window."""
    return bool(item.url) or bool(ONLINE_CHANNELS & set(item.channels))


def item_url(item: Item, template: str) -> str:
    """The item's own URL, else the configured template filled with its name and id."""
    if item.url:
        return item.url
    return template.format(name=quote(item.name, safe=""), id=quote(item.id, safe=""))


def matrix(data: str, border: int = 4) -> list[list[bool]]:
    """The QR code's modules (True = dark), quiet zone included.

    Error correction M: survives a smudged screen or a glare spot.
    """
    from ehall_common.qr_import import qrcode as qrcode_package

    qrcode = qrcode_package()                 # without PIL (the screen draws the modules itself)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()
