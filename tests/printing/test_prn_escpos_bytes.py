# SPDX-License-Identifier: Apache-2.0
"""The receipt's image, QR and cut bytes are python-escpos's, without importing python-escpos to print
(issue 18: its printer database and transports cost ~11 MB all day)."""
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from drivers.receipt_printer import _escpos, escpos_bytes, get_profile

ROOT = Path(__file__).resolve().parents[2]


def _escpos_bytes(profile_name, call):
    dummy = _escpos.dummy(get_profile(profile_name))
    call(dummy)
    return dummy.output


def _drawing(mode, size):
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((3, 3, size[0] - 4, min(size[1] - 4, 300)), fill=0)
    draw.rectangle((0, size[1] // 2, size[0] // 3, size[1] - 1), fill=128)     # grey: dithered
    return image.convert(mode)


@pytest.mark.parametrize("mode,size", [("1", (200, 90)), ("1", (203, 41)), ("L", (384, 120)),
                                       ("RGBA", (77, 33)), ("1", (576, 2100))])   # 2100 rows: three slices
def test_raster_image_is_python_escpos_bytes(mode, size):
    image = _drawing(mode, size)
    expected = _escpos_bytes("generic-80", lambda p: p.image(image, impl="bitImageRaster", center=False))
    assert escpos_bytes.raster_image(image) == expected


@pytest.mark.parametrize("data", ["https://example.org/g/123?lang=zh", "办事指南 123", ""])
@pytest.mark.parametrize("ec,size", [(0, 1), (1, 6), (2, 8), (3, 16)])
def test_native_qr_is_python_escpos_bytes(data, ec, size):
    expected = _escpos_bytes("generic-80", lambda p: p.qr(data, ec=ec, size=size, native=True))
    assert escpos_bytes.native_qr(data, ec, size) == expected


@pytest.mark.parametrize("profile", ["generic-80", "generic-58"])      # a cutter, and a tear bar only
@pytest.mark.parametrize("partial", [False, True])
def test_cut_is_python_escpos_bytes(profile, partial):
    expected = _escpos_bytes(profile, lambda p: p.cut(mode="PART" if partial else "FULL"))
    assert escpos_bytes.cut(partial, get_profile(profile).cutter) == expected


def test_bad_qr_arguments_are_refused_as_python_escpos_does():
    with pytest.raises(ValueError):
        escpos_bytes.native_qr("x", 4, 6)
    with pytest.raises(ValueError):
        escpos_bytes.native_qr("x", 1, 17)


def test_printing_on_a_network_printer_does_not_import_python_escpos(capture_printer):
    """GIVEN a fresh process with a tcp:// printer WHEN it prints Chinese text, a native QR, a picture
    and a cut THEN the printer got them and python-escpos was never imported (it would be ~11 MB)."""
    code = f"""
import sys
from PIL import Image
from drivers.receipt_printer import Cut, Picture, PrintJob, QrCode, TextLine, create_printer
printer = create_printer({capture_printer.uri!r}, "generic-80")
printer.open()
result = printer.print_job(PrintJob("j1", [TextLine("办事指南", bold=True), QrCode("https://example.org/g/1"),
                                           Picture(Image.new("1", (64, 16))), Cut()]))
printer.close()
assert result.printed, result
print(sorted(m for m in sys.modules if m.split(".")[0] == "escpos"))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert capture_printer.wait_captures(1)
    job = capture_printer.jobs()[-1]
    assert escpos_bytes.native_qr("https://example.org/g/1", 1, 6) in job
    assert escpos_bytes.cut(False, True) in job
