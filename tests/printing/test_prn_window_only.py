# SPDX-License-Identifier: Apache-2.0
"""The take-home guide of an item done only at the window: no QR code that opens a keyword
search, but where to go. Printed by the kiosk itself (Kiosk.print_guide) on the TCP capture
printer and read back from the bytes (the A4 page: tests/a4/test_a4_window_only.py)."""
import threading

import pytest
from PIL import ImageOps
from pyzbar.pyzbar import decode as zbar_decode

from drivers.receipt_printer import create_printer
from prn_escpos_decoder import decode


@pytest.fixture
def kiosk(tmp_path, capture_printer):
    from kiosk import config as config_mod
    from kiosk.core import Kiosk
    cfg = config_mod.load().with_overrides(**{"catalogue.cache_dir": str(tmp_path)})
    k = Kiosk.build(cfg)
    printer = create_printer(capture_printer.uri, "generic-80")
    printer.open()
    k.devices = {"receipt_printer": printer}
    yield k
    printer.close()


def _print(kiosk, capture_printer, item_id):
    done = threading.Event()
    outcomes = []
    kiosk.print_guide(kiosk.item(item_id), lambda o: (outcomes.append(o), done.set()))
    assert done.wait(10) and outcomes[0].printed, outcomes
    assert capture_printer.wait_jobs(1)
    return decode(capture_printer.jobs()[-1])


def _qr_codes(receipt):
    images = [u.data.decode() for img in receipt.images
              for u in zbar_decode(ImageOps.expand(img.convert("L"), border=16, fill=255))]
    return receipt.qr_payloads + images


def test_window_only_guide_has_no_qr_and_says_where_to_go(kiosk, capture_printer):
    """GIVEN 普通护照签发 (channel 窗口 only, no page of its own) WHEN the kiosk prints its guide
    THEN the slip carries no QR code, and says to bring the materials to the window and where
    the hall's desk is."""
    item = kiosk.item("SI-0049")
    assert item.channels == ("窗口",) and not item.url
    receipt = _print(kiosk, capture_printer, "SI-0049")
    assert _qr_codes(receipt) == []
    joined = "".join("".join(receipt.lines).split())
    assert "扫一扫" not in joined
    assert "本事项请带齐材料到窗口办理" in joined
    desk = "".join(kiosk.config["hall.desk_location"].split())
    assert f"不清楚请问：{desk}" in joined


def test_online_item_guide_keeps_its_qr(kiosk, capture_printer):
    """GIVEN an item with 网上办 WHEN its guide prints THEN the QR leads to its hand-off URL."""
    receipt = _print(kiosk, capture_printer, "SI-0001")
    assert _qr_codes(receipt) == [kiosk.qr_url(kiosk.item("SI-0001"))]
    assert "到窗口办理" not in "".join("".join(receipt.lines).split())
