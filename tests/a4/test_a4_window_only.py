# SPDX-License-Identifier: Apache-2.0
"""The A4 guide of an item done only at the window, printed by the kiosk (Kiosk.print_guide
with a4=True) to the A4 simulator's spool: no QR code on the page, but where to go."""
import threading

import pytest

from a4_pdftools import render, text


@pytest.fixture
def kiosk(tmp_path):
    from drivers.a4_printer import create_a4_printer
    from kiosk import config as config_mod
    from kiosk.core import Kiosk
    cfg = config_mod.load().with_overrides(**{"catalogue.cache_dir": str(tmp_path / "cache")})
    k = Kiosk.build(cfg)
    spool = tmp_path / "spool"
    spool.mkdir()
    printer = create_a4_printer(f"sim://?spool={spool}")
    printer.open()
    k.devices = {"a4_printer": printer}
    k.spool = spool
    yield k
    printer.close()


def _page(kiosk, item_id):
    done = threading.Event()
    outcomes = []
    kiosk.print_guide(kiosk.item(item_id), lambda o: (outcomes.append(o), done.set()), a4=True)
    assert done.wait(20) and outcomes[0].printed, outcomes
    [pdf] = [p for p in kiosk.spool.glob("*.pdf") if item_id in p.name] or list(kiosk.spool.glob("*.pdf"))
    return pdf.read_bytes()


def _qr_codes(pdf):
    import pyzbar.pyzbar as pyzbar
    return [r.data.decode() for r in pyzbar.decode(render(pdf, dpi=100))]


def test_window_only_a4_page_has_no_qr_and_says_where_to_go(kiosk):
    """GIVEN 普通护照签发 (窗口 only) WHEN the kiosk prints its A4 guide THEN no QR code is on the
    page and it says to bring the materials to the window, and where the desk is."""
    pdf = _page(kiosk, "SI-0049")
    assert _qr_codes(pdf) == []
    words = "".join(text(pdf).split())
    assert "扫一扫" not in words and "本事项请带齐材料到窗口办理" in words
    assert "".join(kiosk.config["hall.desk_location"].split()) in words


def test_online_item_a4_page_keeps_its_qr(kiosk):
    """GIVEN an item with 网上办 WHEN its A4 guide prints THEN the QR leads to its hand-off URL."""
    pdf = _page(kiosk, "SI-0001")
    assert _qr_codes(pdf) == [kiosk.qr_url(kiosk.item("SI-0001"))]
