# SPDX-License-Identifier: Apache-2.0
"""Bytes and time to produce a 20-line Chinese receipt with a QR (native and image QR).

    .venv/bin/python bench/bench_receipt.py [--runs 20]

"produce" = lay out the document and encode it to ESC/POS bytes (no device).
Wire times are computed for serial 8N1: bytes x 10 bits / baud.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.receipt_printer import get_profile  # noqa: E402
from drivers.receipt_printer.encoder import encode  # noqa: E402
from kiosk.printing import Checklist, CutPaper, Document, KeyValue, Qr, Rule, Text, Title, render  # noqa: E402

URL = "https://zwfw.example.gov.cn/m/item/440100-001?from=kiosk&t=1"


def receipt(rare: bool = False) -> Document:
    doc = Document(job_id="bench")
    doc.add(Title("城乡居民养老保险"), Text("某某区政务服务中心", "center"), Rule())
    doc.add(*(KeyValue(f"第{i:02d}项", "请携带居民身份证原件到三号窗口办理") for i in range(1, 13)))
    doc.add(Checklist(("居民身份证原件", "户口簿原件", "一寸照片两张")))
    doc.add(Text("申请人：王䶮" if rare else "申请人：王小明"), Rule(), Qr(URL, "扫码接着办"), CutPaper())
    return doc


def bench(profile_name: str, native_qr: bool, runs: int, rare: bool = False) -> None:
    profile = get_profile(profile_name).with_overrides(native_qr=native_qr)
    doc = receipt(rare)
    times, data = [], b""
    encode(render(doc, profile).ops, profile)  # warm up (imports python-escpos, loads the font)
    for _ in range(runs):
        t0 = time.perf_counter()
        job = encode(render(doc, profile).ops, profile)
        times.append(time.perf_counter() - t0)
        data = job.data
    lines = sum(1 for op in render(doc, profile).ops if type(op).__name__ == "TextLine")
    print(f"{profile_name:10s} QR {'native' if native_qr else 'image '}{' +䶮 image line' if rare else '':15s} "
          f"{lines:2d} text lines  {len(data):6d} bytes  produce median {statistics.median(times) * 1000:6.1f} ms"
          f"  serial 115200: {len(data) * 10 / 115200 * 1000:6.0f} ms  9600: {len(data) * 10 / 9600:5.1f} s"
          f"  paper ~{job.length_mm:.0f} mm")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    bench("generic-80", True, args.runs)
    bench("generic-80", False, args.runs)
    bench("generic-80", True, args.runs, rare=True)
    bench("generic-58", False, args.runs)


if __name__ == "__main__":
    main()
