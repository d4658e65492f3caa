# SPDX-License-Identifier: Apache-2.0
"""qrcode without PIL (ehall_common/qr_import.py, issue 18): the QR screen's modules and a receipt's
native QR code are made in a fresh process without PIL ever being imported, and they are the same
modules and bytes as with PIL loaded; a QR drawn as a picture still gets PIL."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
URL = "https://zwfw.example.gov.cn/item?name=%E5%B1%85%E6%B0%91%E8%BA%AB%E4%BB%BD%E8%AF%81&id=0042"

SCRIPT = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
from kiosk import qr
from drivers.receipt_printer.encoder import encode
from drivers.receipt_printer.jobs import QrCode
from drivers.receipt_printer.profiles import get_profile
matrix = qr.matrix({URL!r})
job = encode([QrCode({URL!r})], get_profile())
before = "PIL" in sys.modules
from ehall_common.qr_import import qrcode
code = qrcode().QRCode()
code.add_data("x")
image = code.make_image()            # drawn as a picture: PIL is loaded for that
print(json.dumps({{"pil_before": before, "pil_after": "PIL" in sys.modules, "matrix": matrix,
                  "job": job.data.hex(), "image": type(image).__name__}}))
"""


def _job_bytes(job) -> str:
    return job.data.hex()


def test_the_kiosk_makes_qr_codes_without_pil_and_the_same_modules():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=ROOT)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["pil_before"] is False, "PIL was imported to make a QR code's modules"
    assert got["pil_after"] is True and got["image"] == "PilImage"

    import PIL.Image  # noqa: F401  (here PIL is loaded: the plain import)
    from drivers.receipt_printer.encoder import encode
    from drivers.receipt_printer.jobs import QrCode
    from drivers.receipt_printer.profiles import get_profile
    from kiosk import qr

    assert got["matrix"] == qr.matrix(URL)
    assert got["job"] == _job_bytes(encode([QrCode(URL)], get_profile()))
